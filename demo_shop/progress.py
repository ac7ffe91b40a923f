"""Progress lines for a long demo generation: the stages under way and the share of each that is done.

A line goes out at most every `every_s` seconds, besides the first and the last. Stages advance on
worker threads, but lines are only reported on the thread that created the tracker, so `report`
can be any logger or `print` (a Dagster logger included) without being thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Report = Callable[[str], None]


class Progress:
    def __init__(
        self, report: Report | None, every_s: float = 5.0, clock: Callable[[], float] = time.monotonic
    ):
        self._report = report
        self._every_s = every_s
        self._clock = clock
        self._owner = threading.get_ident()
        self._lock = threading.Lock()
        self._shares: dict[str, float] = {}  # stage -> share done, in the order stages started
        self._last: float | None = None

    def say(self, message: str) -> None:
        """Report a line now (the first and the last line of a generation)."""
        if self._report is not None:
            self._report(f"demo shop: {message}")
            self._last = self._clock()

    def advance(self, stage: str, done: int, total: int) -> None:
        """Record that `done` of `total` units of `stage` are finished; callable from any thread."""
        with self._lock:
            self._shares[stage] = done / total if total else 1.0
        if threading.get_ident() == self._owner:
            self.poll()

    def poll(self) -> None:
        """On the owning thread: report the stages under way if the last line is old enough."""
        if self._report is None or threading.get_ident() != self._owner:
            return
        if self._last is not None and self._clock() - self._last < self._every_s:
            return
        with self._lock:
            running = [f"{stage} {share:.0%}" for stage, share in self._shares.items() if share < 1]
        if running:
            self.say(", ".join(running))
