"""A shop's rows on their way into `raw.*`: each file's dates and numbers read in its own format, e-mail-
and phone-shaped customer keys pseudonymised, and each orders file's rows counted for its verdict."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from pipeline.raw.contract import SOURCE_FILE_COLUMN
from pipeline.settings.sources import SourceSettings
from pipeline.sources.customer_keys import CustomerKeys
from pipeline.sources.file_formats import FileFormats
from pipeline.sources.file_verdict import OrdersVerdict
from pipeline.sources.pseudonyms import Pseudonyms


@dataclass
class Normaliser:
    """Rewrites the batches of every file to the contract's canonical text and keeps what it noticed."""

    options: SourceSettings = field(default_factory=SourceSettings)
    notes: list[str] = field(default_factory=list)  # one line per file read in a non-canonical format
    verdict: OrdersVerdict = field(default_factory=OrdersVerdict)
    keys: CustomerKeys = field(default_factory=lambda: CustomerKeys(Pseudonyms()))
    _said: set[tuple[str, str]] = field(default_factory=set)

    def _note(self, entity: str, source: str, notes: list[str]) -> None:
        """Each reading once per entity: a preset's refund rows are read like their orders: nothing new."""
        for note in notes:
            reading = (entity, note.removeprefix(f"{source}: "))
            if reading not in self._said:
                self._said.add(reading)
                self.notes.append(note)

    def batches(
        self,
        entity: str,
        batches: Iterator[pa.RecordBatch],
        delimiters: dict[str, str | None],
        readings: dict[str, SourceSettings] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """`readings`: per source file, how to read it when not as the run's settings say (a column
        mapping's timezone, timestamp format and decimal separator)."""
        formats: dict[str, FileFormats] = {}
        for batch in batches:
            if batch.num_rows == 0:
                yield batch
                continue
            source = batch.column(SOURCE_FILE_COLUMN)[0].as_py()  # a batch never spans two files
            if source not in formats:
                options = (readings or {}).get(source, self.options)
                formats[source] = FileFormats.detect(entity, batch, delimiters.get(source), options)
                self._note(entity, source, formats[source].notes)
            batch, unreadable = formats[source].apply(batch)
            if entity == "orders":
                self.verdict.count(source, batch, unreadable)
            yield self.keys.apply(entity, batch)
