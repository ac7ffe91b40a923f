"""Time what every run pays before it does any work: the first console line of `python3 tasks.py run` and of
`python -m pipeline.run_cli`, loading the definitions, creating the run in a Dagster instance with the
shipped settings (its "planned" events), and dbt's parse (from scratch, and reused as each dbt step does).
Prints wall and CPU seconds: on a shared machine the CPU time is the steadier figure.

Run by hand (not in CI), from the repository root, in a checkout that ran the demo once:
    python bench/bench_startup.py
The run commands are stopped once their first line is printed (nothing is built or published).
"""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIRST_LINE_TARGET, OVERHEAD_TARGET = 2.0, 10.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_line(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds until `command` prints its first line, and the line; the command is stopped then."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    line = process.stdout.readline().rstrip()
    took = time.perf_counter() - started
    os.killpg(process.pid, signal.SIGKILL)  # its own session: tasks.py and the run it started
    process.wait()
    return took, line


def timed(command: list[str], env: dict[str, str], cwd: Path = REPO_ROOT) -> tuple[float, float]:
    """Wall and CPU seconds of a command run to its end."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


# creates one run of the job in the instance at DAGSTER_HOME and prints how long that took
_CREATE_RUN = """
import time, yaml, dagster as dg
from pipeline.run_cli.execute import RUN_CONFIG, _load_job
job, reconstructable = _load_job()
with dg.DagsterInstance.get() as instance:
    started = time.perf_counter()
    instance.create_run_for_job(job_def=job, run_config=yaml.safe_load(RUN_CONFIG.read_text()),
                                tags=job.run_tags, job_code_origin=reconstructable.get_python_origin())
    print(time.perf_counter() - started)
"""


def create_run_seconds(python: str, env: dict[str, str]) -> float:
    """Seconds to create a run (and its planned events) in a fresh instance with the shipped dagster.yaml."""
    with tempfile.TemporaryDirectory() as home:
        shipped = (REPO_ROOT / "dagster_home" / "dagster.yaml").read_bytes()
        (Path(home) / "dagster.yaml").write_bytes(shipped)
        command, instance_env = [python, "-c", _CREATE_RUN], env | {"DAGSTER_HOME": home}
        subprocess.run(command, cwd=REPO_ROOT, env=instance_env, check=True, capture_output=True)  # history
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=instance_env, check=True, capture_output=True, text=True
        )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    python = sys.executable
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"
    print(f"{'what':<58}{'wall s':>8}{'CPU s':>8}  target")
    for label, command in (
        ("first line of python3 tasks.py run", ["python3", "tasks.py", "run"]),
        ("first line of python -m pipeline.run_cli", [python, "-m", "pipeline.run_cli"]),
    ):
        took, line = first_line(command, env)
        print(f"{label:<58}{took:>8.1f}{'':>8}  <= {FIRST_LINE_TARGET:.0f} s   ({line[:60]})")
    wall, cpu = timed([python, "-c", "import pipeline.definitions"], env)
    print(f"{'process start + loading the definitions':<58}{wall:>8.1f}{cpu:>8.1f}")

    sys.path.insert(0, str(REPO_ROOT))
    from pipeline.defs.dbt.cli_args import parse_args
    from pipeline.settings import PulseSettings

    project = REPO_ROOT / "dbt_project"
    with tempfile.TemporaryDirectory() as scratch:
        locations = ["--project-dir", str(project), "--profiles-dir", str(project), "--target-path", scratch]
        parse = ["dbt", *parse_args(PulseSettings.from_env()), *locations]
        fresh_wall, fresh_cpu = timed(parse, env)
        print(f"{'dbt parse from scratch (a changed project)':<58}{fresh_wall:>8.1f}{fresh_cpu:>8.1f}")
        reused_wall, reused_cpu = timed(parse, env)
        label = "dbt parse reused (as each of the two dbt steps starts)"
        print(f"{label:<58}{reused_wall:>8.1f}{reused_cpu:>8.1f}")
    created = create_run_seconds(python, env)
    print(f"{'creating the run (an instance with a run, shipped settings)':<58}{created:>8.1f}")
    total_wall = wall + created + 2 * reused_wall
    label = "fixed overhead: definitions + the run + 2 reused parses"
    print(f"{label:<58}{total_wall:>8.1f}{'':>8}  <= {OVERHEAD_TARGET:.0f} s")


if __name__ == "__main__":
    main()
