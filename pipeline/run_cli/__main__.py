"""`python -m pipeline.run_cli` (what `python3 tasks.py run` runs): the whole pipeline as one Dagster run.

What can stop a run before it starts is checked first, before Dagster, dbt and the definitions are
imported (several seconds): the settings, whether another process holds the warehouse file, and whether a
shop database accepts the login. So the first line shows at once, and a run that cannot start says why
within a second or two.
"""

import sys
import time

from pipeline.settings import PulseSettings, SettingsError


def main() -> int:
    started = time.monotonic()
    try:
        settings = PulseSettings.from_env()
    except SettingsError as error:
        print(f"Settings error: {error}")
        return 2
    if settings.engine == "spark":
        from pipeline.engine.spark import missing_requirements

        if lacking := missing_requirements():
            print(f"Cannot start: {lacking}")
            return 1
    print(f"Customer Pulse: {settings.raw_path} -> {settings.publish_uri}", flush=True)
    from pipeline.warehouse_lock import WarehouseInUse, ensure_writable

    try:
        ensure_writable(settings.duckdb_path)
    except WarehouseInUse as error:
        print(f"Cannot start: {error}")
        return 1
    if settings.source_database is not None:
        # a refused login says so now, not after Dagster's start (the raw step checks again for UI runs)
        from pipeline.raw.errors import RawDataError
        from pipeline.sources.database.login_check import check_login

        try:
            check_login(settings.source_database)
        except RawDataError as error:
            print(f"Cannot start: {error}")
            return 1
    from pipeline.run_cli.execute import run_pipeline  # Dagster, dbt and the definitions: the slow part

    return run_pipeline(settings, started)


if __name__ == "__main__":
    sys.exit(main())
