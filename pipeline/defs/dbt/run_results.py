"""What a failed `dbt build` says, read from its run_results.json: the nodes that failed, and a full disk."""

import re
from pathlib import Path


def disk_full(run_results: dict) -> str | None:
    """The sentence for a build stopped by a full disk (DuckDB spills what exceeds its memory limit into
    `<warehouse>.tmp`), or None."""
    for result in run_results.get("results", []):
        message = result.get("message") or ""
        if "No space left on device" in message:
            found = re.search(r'write file "([^"]+)"', message)
            where = f" ({Path(found[1]).parent})" if found else ""
            return (
                f"the disk is full{where}; free space there, or raise PULSE_DUCKDB_MEMORY_LIMIT so that "
                "less of the build spills to disk;"
            )
    return None


def failed_nodes(run_results: dict) -> list[str]:
    """dbt nodes (models, tests, unit tests) whose status is error or fail."""
    return [
        result["unique_id"]
        for result in run_results.get("results", [])
        if result.get("status") in {"error", "fail", "runtime error"}
    ]
