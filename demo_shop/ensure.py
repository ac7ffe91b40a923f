"""Generate the demo shop into a folder unless the same one is already there."""

import json
from pathlib import Path

from demo_shop.generate import GENERATOR_VERSION, generate_demo_shop
from demo_shop.progress import Report

MARKER = "_demo.json"


class NotADemoFolderError(FileExistsError):
    """The folder holds files the generator did not write; they are never overwritten."""


def ensure_demo_shop(
    folder: Path, customers: int, seed: int, progress: Report | None = None, owned: bool = False
) -> bool:
    """True when the shop was (re)generated, False when the same one was already complete there.

    A folder with files but no marker is refused unless `owned` (a folder kept for the demo shop).
    """
    folder = Path(folder)
    wanted = {"customers": customers, "seed": seed, "generator_version": GENERATOR_VERSION}
    marker = folder / MARKER
    if marker.exists():
        if json.loads(marker.read_text()) == {**wanted, "complete": True}:
            return False
    elif not owned and folder.is_dir() and any(folder.iterdir()):
        raise NotADemoFolderError(
            f"{folder} holds files that are not a generated demo shop (no {MARKER}): "
            "the demo shop is never written over them"
        )
    folder.mkdir(parents=True, exist_ok=True)
    # claimed before writing, complete only after: an interrupted run is redone, never taken as done
    marker.write_text(json.dumps({**wanted, "complete": False}))
    generate_demo_shop(folder, customers=customers, seed=seed, progress=progress)
    marker.write_text(json.dumps({**wanted, "complete": True}))
    return True
