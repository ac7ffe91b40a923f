"""`python -m pipeline.storage history | rollback <run_id>`: the published runs, and going back to one.
`python3 tasks.py rollback [<run_id>]` runs it with the venv and the shop's settings.

Reads PULSE_PUBLISH_URI (and PULSE_S3_ENDPOINT_URL, PULSE_S3_REGION) like the pipeline does. Run it while
no pipeline run is publishing: a rollback writes to the same tables.
"""

import argparse
import sys

from pipeline.settings import PulseSettings
from pipeline.storage.locations import publish_store
from pipeline.storage.rollback import RollbackError, rollback, run_history


def _print_history(store) -> None:
    runs = run_history(store)
    if not runs:
        print(f"No published runs under {store.uri()}.")
        return
    print(f"Published runs under {store.uri()} (oldest first; * = what _manifest.json names now):")
    for run in runs:
        versions = ", ".join(f"{name} v{version}" for name, version in run["versions"].items())
        marker = "*" if run["current"] else " "
        print(f"{marker} {run['run_id']}  published {run['published_at']}  as_of {run['as_of']}")
        print(f"      {versions}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.storage", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("history", help="list the runs you can roll back to, with their table versions")
    back = commands.add_parser("rollback", help="restore every table to the versions of an earlier run")
    back.add_argument("run_id", nargs="?", help="a run id from `history`")
    args = parser.parse_args(argv)

    store = publish_store(PulseSettings.from_env())
    if args.command == "history":
        _print_history(store)
        return 0
    if args.run_id is None:
        _print_history(store)
        print("\nName the run to go back to: python3 tasks.py rollback <run_id>")
        return 2
    try:
        document = rollback(store, args.run_id)
    except RollbackError as error:
        print(f"Rollback refused: {error}", file=sys.stderr)
        return 1
    print(f"Rolled back to run {args.run_id} (as_of {document['as_of']}):")
    for name, table in document["tables"].items():
        old, new = table["restored_from_version"], table["version"]
        print(f"  {name:<28} v{old} -> now v{new}  {table['rows']:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
