#!/usr/bin/env python3
"""Set-up and everyday commands, with nothing but Python 3.11+ on the machine.

    python3 tasks.py run     install into .venv, then run the whole pipeline on the configured data
        --full-refresh       rebuild every model and write every published table, changed or not
    python3 tasks.py test    install into .venv (with test tools), then lint and run every test
    python3 tasks.py ui      open the Dagster UI (dagster dev with workspace.yaml)
    python3 tasks.py dashboard [port]    the dashboards over the published tables (http://127.0.0.1:8501)
    python3 tasks.py rollback [run_id]   restore every published table to an earlier run (lists runs)

Each command installs first (quickly skipped when nothing changed), so it works on a fresh clone.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".customer-pulse-installed"
DEMO_INSTANCE = ROOT / "dagster_home"  # the demo shop's history, and the shipped instance settings
SHOP_INSTANCES = ROOT / ".pulse" / "instances"


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    print(
        "Installing Customer Pulse and its pinned dependencies (a few minutes the first time) ...", flush=True
    )
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    # constraints.txt is the lock: every install resolves exactly the same versions; dev includes the
    # dashboards extra (its tests need it, and `dashboard` runs from this venv)
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(fingerprint)


def shop_key(raw_path: str) -> str:
    """A folder name for a shop: its folder's name (readable) and a hash of the full location (unique)."""
    location = raw_path if "://" in raw_path else str(Path(raw_path).expanduser().resolve())
    name = re.sub(r"[^a-z0-9]+", "-", location.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-") or "shop"
    return f"{name[:40]}-{hashlib.sha256(location.encode()).hexdigest()[:10]}"


def shop_location(environ: dict[str, str]) -> str | None:
    """Where this shop's data is: PULSE_RAW_PATH, or a shop database's URL without its password."""
    url = environ.get("PULSE_SOURCE_DATABASE_URL", "").strip()
    if environ.get("PULSE_RAW_PATH") or not url:
        return environ.get("PULSE_RAW_PATH")
    scheme, _, rest = url.partition("://")
    credentials, at, address = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}{at}{address}"


def instance_home(environ: dict[str, str]) -> tuple[Path, str]:
    """The Dagster instance folder for this shop, and why: an explicit DAGSTER_HOME wins; the demo shop
    keeps dagster_home/; each PULSE_RAW_PATH gets its own folder, so one shop's runs and checks never mix
    into another's asset history."""
    if environ.get("DAGSTER_HOME"):
        return Path(environ["DAGSTER_HOME"]), "DAGSTER_HOME"
    raw_path = shop_location(environ)
    if not raw_path:
        return DEMO_INSTANCE, "the demo shop"
    return SHOP_INSTANCES / shop_key(raw_path), f"the shop at {raw_path}"


def prepare_instance(home: Path) -> None:
    """A shop's instance folder gets the shipped instance settings (one run at a time, no telemetry)."""
    home.mkdir(parents=True, exist_ok=True)
    shipped = DEMO_INSTANCE / "dagster.yaml"
    if home != DEMO_INSTANCE and shipped.exists():
        shutil.copyfile(shipped, home / "dagster.yaml")


def shop_state(environ: dict[str, str]) -> dict[str, str]:
    """Where a shop's warehouse and published tables go unless set: beside its own instance, so another
    shop in the same checkout never meets the demo's warehouse or its last publish (whose order count
    the volume check would compare against). The demo keeps the settings' defaults (.pulse/)."""
    raw_path = shop_location(environ)
    if not raw_path:
        return {}
    folder = SHOP_INSTANCES / shop_key(raw_path)
    return {
        "PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(folder / "published"),
    }


def pulse_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # dagster-dbt runs `dbt` from PATH
    home, reason = instance_home(env)
    # a DAGSTER_HOME named but not made yet is made as a shop's is (Dagster itself only refuses it);
    # one that exists keeps its own dagster.yaml
    if reason != "DAGSTER_HOME" or not home.exists():
        prepare_instance(home)
    env["DAGSTER_HOME"] = str(home)
    for name, value in shop_state(env).items():
        env.setdefault(name, value)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    env["DO_NOT_TRACK"] = "1"
    return env


def run(command: list[str], **extra_env: str) -> int:
    return subprocess.run(command, cwd=ROOT, env={**pulse_env(), **extra_env}).returncode


def say_instance() -> None:
    home, reason = instance_home(dict(os.environ))
    print(f"Dagster instance: {home}  ({reason})", flush=True)


def prepare_demo() -> int:
    """The demo shop is a source: written into its raw folder before the pipeline starts, when no
    PULSE_RAW_PATH is set (or PULSE_DEMO=true); quick when the same shop is already there."""
    return run([str(PYTHON), "-m", "demo_shop.prepare"])


def run_env(arguments: list[str]) -> dict[str, str]:
    """The settings `run`'s arguments set: `--full-refresh` is PULSE_FULL_REFRESH=true for this run."""
    unknown = [argument for argument in arguments if argument != "--full-refresh"]
    if unknown:
        raise SystemExit(f"tasks.py run: unknown argument(s) {' '.join(unknown)} (only --full-refresh)")
    return {"PULSE_FULL_REFRESH": "true"} if "--full-refresh" in arguments else {}


def cmd_run() -> int:
    # one Dagster run in the shop's instance; prints one line per stage, then the outcome
    extra_env = run_env(sys.argv[2:])
    say_instance()
    return prepare_demo() or run([str(PYTHON), "-m", "pipeline.run_cli"], **extra_env)


def pytest_workers() -> list[str]:
    """One pytest worker per core, at most four (a pipeline run on a small shop keeps about one core busy;
    each worker holds a gigabyte or two). Each module stays in one worker (tests/conftest.py groups them),
    in the order collected: the long end-to-end modules first, the quick unit tests last to fill the gaps.
    `-n 0` after `test` runs everything in this one process."""
    workers = min(os.cpu_count() or 1, 4)
    return ["-n", str(workers), "--dist", "loadgroup", "--no-loadscope-reorder"]


def cmd_test() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # the SQL linter compiles the dbt project: give it a throwaway warehouse and target folder
        lint_env = {"PULSE_DUCKDB_PATH": f"{scratch}/lint.duckdb", "DBT_TARGET_PATH": f"{scratch}/target"}
        steps = [
            ([str(BIN / "ruff"), "check", "."], {}),
            ([str(BIN / "sqlfluff"), "lint", "dbt_project/models", "dbt_project/tests"], lint_env),
            ([str(PYTHON), "-m", "pytest", *pytest_workers(), *sys.argv[2:]], {}),
        ]
        for command, extra_env in steps:
            print("$", Path(command[0]).name, " ".join(command[1:]), flush=True)
            code = run(command, **extra_env)
            if code != 0:
                return code
    return 0


def cmd_ui() -> int:
    say_instance()
    prepare_demo()  # a settings error is printed; the UI opens anyway and shows it on the first run
    return run(
        [str(BIN / "dagster"), "dev", "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", "3000"]
    )


def cmd_dashboard() -> int:
    from dashboards.serve import DEFAULT_PORT, streamlit_command, url

    port = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_PORT
    print(f"Dashboards: {url(port)}  (the latest published run; Ctrl+C stops them)", flush=True)
    return run(streamlit_command(str(PYTHON), port))


def cmd_rollback() -> int:
    return run([str(PYTHON), "-m", "pipeline.storage", "rollback", *sys.argv[2:]])


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "ui": cmd_ui,
    "dashboard": cmd_dashboard,
    "rollback": cmd_rollback,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_venv()
    return COMMANDS[sys.argv[1]]()


if __name__ == "__main__":
    sys.exit(main())
