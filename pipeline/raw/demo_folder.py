"""Demo mode: the demo shop written into the raw folder before it is loaded. Light to import (the
generator itself is imported only when a demo run needs it), so a run's console shows it within seconds."""

from pathlib import Path

from pipeline.settings import DEFAULT_RAW_PATH, PulseSettings, SettingsError


def prepare_demo_shop(settings: PulseSettings, log) -> None:
    """Demo mode (PULSE_DEMO): write the demo shop into the raw folder unless the same one is there."""
    # imported here: only demo runs need the generator, and the raw loader never does
    from demo_shop.ensure import NotADemoFolderError, ensure_demo_shop

    folder = Path(settings.raw_path)
    try:
        generated = ensure_demo_shop(
            folder,
            settings.demo_customers,
            settings.demo_seed,
            progress=log.info,
            owned=folder == DEFAULT_RAW_PATH,  # .pulse/demo_raw is kept for the demo shop alone
        )
    except NotADemoFolderError as error:
        raise SettingsError(
            f"PULSE_DEMO is on but {error}. Set PULSE_DEMO=false to load these files, or point "
            "PULSE_RAW_PATH at an empty folder for the demo shop."
        ) from None
    if not generated:
        log.info(f"Demo shop already in {settings.raw_path} ({settings.demo_customers:,} customers)")
