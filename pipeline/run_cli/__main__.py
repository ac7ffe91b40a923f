"""`python -m pipeline.run_cli` (what `python3 tasks.py run` runs): the whole pipeline as one Dagster run.

What can stop a run before it starts is checked first, before Dagster, dbt and the definitions are
imported (several seconds): the settings, and whether another process holds the warehouse file. So the
first line shows at once, and a run that cannot start says why within a second or two.
"""

import sys
import time

from pipeline.settings import PulseSettings, SettingsError


class _PrintLog:
    """The demo generator's progress lines, straight to the console."""

    @staticmethod
    def info(line: str) -> None:
        print(f"  {line}", flush=True)


def main() -> int:
    started = time.monotonic()
    try:
        settings = PulseSettings.from_env()
    except SettingsError as error:
        print(f"Settings error: {error}")
        return 2
    print(f"Customer Pulse: {settings.raw_path} -> {settings.publish_uri}", flush=True)
    from pipeline.warehouse_lock import WarehouseInUse, ensure_writable

    try:
        ensure_writable(settings.duckdb_path)
    except WarehouseInUse as error:
        print(f"Cannot start: {error}")
        return 1
    if settings.demo:
        # generated before the run, outside it, so its own progress shows on the console
        from pipeline.raw.demo_folder import prepare_demo_shop

        print(f"Demo shop: {settings.demo_customers:,} customers, seed {settings.demo_seed}", flush=True)
        try:
            prepare_demo_shop(settings, log=_PrintLog())
        except SettingsError as error:
            print(f"Settings error: {error}")
            return 2
    from pipeline.run_cli.execute import run_pipeline  # Dagster, dbt and the definitions: the slow part

    return run_pipeline(settings, started)


if __name__ == "__main__":
    sys.exit(main())
