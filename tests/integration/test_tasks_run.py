"""`python3 tasks.py run`, as a user runs it, five times on one publish folder and one Dagster instance:

1. a good export (semicolon-separated, with a UTF-8 byte order mark) is published, and the run ends with
   the reconciliation line;
2. an export with 60 % fewer clean orders is stopped by the order volume check: nothing is published;
3. the same export with PULSE_ALLOW_ORDER_DROP=true is published;
4. an orders.csv with a header and no rows fails at the load, and no published file changes;
5. an orders.csv without its amount column fails, and the last lines name the file and the column.

The runs depend on each other (each compares with the last publish), so one module fixture makes them
in order and the tests read what each left behind.
"""

import hashlib
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import ORDER_COLUMNS, run_paths, write_csv
from tests.integration.pipeline_runs import run_tasks_py

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = "2025-03-31"
CLEAN = [
    [
        f"o{i}",
        f"c{i % 5}",
        f"2025-0{1 + i % 3}-{10 + i:02d} 10:00:00",
        f"{10 * i}.50",
        "completed",
        "EUR",
        "email",
        "",
    ]
    for i in range(1, 11)
]
SET_ASIDE = [
    ["o11", "c1", "2025-02-01", "abc", "completed", "EUR", "direct", ""],  # invalid: non-numeric amount
    ["o12", "c2", "2025-02-02", "20", "cancelled", "EUR", "direct", ""],  # excluded: cancelled
    ["o3", "c3", "2025-01-13 12:00:00", "35", "completed", "EUR", "direct", ""],  # a newer version of o3
    ["o13", "c3", "2025-04-15", "50", "completed", "EUR", "email", ""],  # after as_of
]


RECONCILIATION = re.compile(
    r"Orders: ([\d,]+) raw rows = ([\d,]+) clean \+ ([\d,]+) quarantined "
    r"\(([\d,]+) invalid, ([\d,]+) cancelled\) \+ ([\d,]+) duplicates collapsed \+ ([\d,]+) after as_of"
)


def _reconciliation(stdout: str) -> list[int]:
    [line] = [text for text in stdout.strip().splitlines()[-3:] if text.startswith("Orders:")]
    return [int(value.replace(",", "")) for value in RECONCILIATION.fullmatch(line).groups()]


def _write_semicolon_with_bom(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [";".join(ORDER_COLUMNS), *(";".join(row) for row in rows)]
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode())


def _published_files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _manifest_rows(folder: Path) -> int:
    return json.loads((folder / "_manifest.json").read_text())["tables"]["fct_orders"]["rows"]


def _run_id(output: str) -> str:
    return re.search(r"^Run ([0-9a-f-]{36}) of customer_pulse_job", output, re.MULTILINE)[1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tasks_run")
    env = {**run_paths(tmp), "PULSE_AS_OF": AS_OF}
    home = tmp / "dagster_home"
    orders = tmp / "raw/orders.csv"
    published = tmp / "published"
    seen: dict[str, dict] = {}

    def run(name: str, **extra: str) -> None:
        before = _published_files(published) if published.exists() else {}
        result = run_tasks_py({**env, **extra}, home)
        seen[name] = {"result": result, "before": before, "after": _published_files(published)}

    _write_semicolon_with_bom(orders, CLEAN + SET_ASIDE)
    run("good")
    seen["good"]["manifest_rows"] = _manifest_rows(published)
    write_csv(orders, ORDER_COLUMNS, CLEAN[:4] + SET_ASIDE)  # 10 -> 4 clean orders: a 60 % drop
    run("drop")
    seen["drop"]["manifest_rows"] = _manifest_rows(published)
    run("override", PULSE_ALLOW_ORDER_DROP="true")
    seen["override"]["manifest_rows"] = _manifest_rows(published)
    write_csv(orders, ORDER_COLUMNS, [])
    run("header_only")
    write_csv(orders, ORDER_COLUMNS[:3], [row[:3] for row in CLEAN])
    run("missing_column")
    return tmp, seen


def _output(seen: dict, name: str) -> str:
    result = seen[name]["result"]
    return result.stdout + result.stderr


def _check_evaluation(home: Path, run_id: str, check_name: str) -> dg.AssetCheckEvaluation:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        entries = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    [evaluation] = [
        entry.dagster_event.asset_check_evaluation_data
        for entry in entries
        if entry.dagster_event.asset_check_evaluation_data.check_name == check_name
        and entry.dagster_event.asset_check_evaluation_data.asset_key == dg.AssetKey("fct_orders")
    ]
    return evaluation


def test_a_good_export_ends_with_where_every_order_row_went(runs):
    tmp, seen = runs
    result = seen["good"]["result"]
    assert result.returncode == 0, _output(seen, "good")[-4000:]
    assert seen["good"]["manifest_rows"] == 10
    # raw = clean + quarantined (invalid, cancelled) + duplicates + after as_of, for the hand-made file
    assert _reconciliation(result.stdout) == [14, 10, 2, 1, 1, 1, 1]


def test_the_reconciliation_line_equals_the_warehouse_tables(runs):
    tmp, seen = runs
    result = seen["override"]["result"]
    assert result.returncode == 0, _output(seen, "override")[-4000:]
    numbers = _reconciliation(result.stdout)
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        [totals] = con.sql(
            "select raw_rows, clean_rows, quarantined_rows, duplicates_collapsed, after_as_of_rows "
            "from marts.order_reconciliation"
        ).fetchall()
        kinds = dict(
            con.sql("select reason_kind, count(*) from marts.quarantined_orders group by 1").fetchall()
        )
    raw, clean, quarantined, invalid, cancelled, duplicates, after = numbers
    assert (raw, clean, quarantined, duplicates, after) == totals
    assert (invalid, cancelled) == (kinds.get("invalid", 0), kinds.get("excluded", 0))
    with dg.DagsterInstance.from_config(str(tmp / "dagster_home")) as instance:
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey("fct_orders")
        ).asset_materialization.metadata
    assert metadata["raw_rows"].value == raw and metadata["quarantined_excluded_rows"].value == cancelled


def test_a_60_percent_drop_is_blocked_and_nothing_is_published(runs):
    tmp, seen = runs
    drop = seen["drop"]
    assert drop["result"].returncode == 1
    assert drop["manifest_rows"] == 10  # still the good run's publish
    assert drop["after"] == drop["before"]  # not one published file rewritten
    evaluation = _check_evaluation(tmp / "dagster_home", _run_id(drop["result"].stdout), "order_volume_holds")
    assert not evaluation.passed
    assert evaluation.metadata["previous_rows"].value == 10 and evaluation.metadata["current_rows"].value == 4
    assert "dropped 60%" in evaluation.description
    last = "\n".join(drop["result"].stdout.strip().splitlines()[-8:])
    assert "Check order_volume_holds on fct_orders failed:" in last, last
    assert "fct_orders dropped 60%: 4 clean orders where the last published run" in last
    assert "PULSE_ALLOW_ORDER_DROP=true" in last


def test_the_override_lets_a_deliberate_drop_through_and_says_so(runs):
    tmp, seen = runs
    assert seen["override"]["manifest_rows"] == 4
    evaluation = _check_evaluation(
        tmp / "dagster_home", _run_id(seen["override"]["result"].stdout), "order_volume_holds"
    )
    assert evaluation.passed and evaluation.metadata["overridden"].value is True
    assert "Passed anyway: PULSE_ALLOW_ORDER_DROP=true" in evaluation.description


def test_a_header_only_export_fails_and_leaves_every_published_file_as_it_was(runs):
    _, seen = runs
    header_only = seen["header_only"]
    assert header_only["result"].returncode == 1
    assert header_only["before"] and header_only["after"] == header_only["before"]
    assert "orders.csv: a header row but no data rows" in "\n".join(
        header_only["result"].stdout.strip().splitlines()[-6:]
    )


def test_the_last_lines_of_a_failed_run_name_the_file_and_the_missing_column(runs):
    _, seen = runs
    result = seen["missing_column"]["result"]
    assert result.returncode == 1
    last = result.stdout.strip().splitlines()[-6:]
    assert any("orders.csv: required column 'amount' is missing from orders" in line for line in last), last
    assert any(line.startswith("Details: python3 tasks.py ui") for line in last)
    output = _output(seen, "missing_column")
    # the detail is in the run log, not on the console
    assert "Traceback" not in output and "Not executing" not in output and "Stack Trace" not in output
    assert len(result.stdout.strip().splitlines()) < 12
    assert seen["missing_column"]["after"] == seen["missing_column"]["before"]
