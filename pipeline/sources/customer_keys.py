"""Every customer_id column on its way into `raw.*`: e-mail- and phone-shaped keys become pseudonyms, and
their plain values are gathered as contacts for `raw.customers`, the one raw table allowed to hold them."""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.raw.contract import ENTITIES, SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN
from pipeline.raw.files import text_schema
from pipeline.sources.pseudonyms import MAYBE_CONTACT, Pseudonyms, contact_kind

CUSTOMERS = next(entity for entity in ENTITIES if entity.name == "customers")


@dataclass
class CustomerKeys:
    pseudonyms: Pseudonyms
    # pseudonym -> (email, phone, source file, source row) of keys met outside the customers file
    contacts: dict[str, tuple[str | None, str | None, str, int]] = field(default_factory=dict)
    keyed: set[str] = field(default_factory=set)  # distinct pseudonyms made, for the console line

    def apply(self, entity: str, batch: pa.RecordBatch) -> pa.RecordBatch:
        if "customer_id" not in batch.schema.names:
            return batch
        keys = batch.column("customer_id")
        if not pc.any(pc.match_substring_regex(keys, MAYBE_CONTACT)).as_py():
            return batch  # the common case: the shop's own ids, nothing to key
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        for i, key in enumerate(columns["customer_id"]):
            kind = contact_kind(key) if key else None
            if kind is None:
                continue
            pseudonym = self.pseudonyms.pseudonym(key, kind)
            self.keyed.add(pseudonym)
            columns["customer_id"][i] = pseudonym
            if entity == CUSTOMERS.name:
                if not columns[kind][i]:  # the key is the contact when the file gives none
                    columns[kind][i] = key.strip()
            else:
                email, phone = (key.strip(), None) if kind == "email" else (None, key.strip())
                row = (email, phone, columns[SOURCE_FILE_COLUMN][i], columns[SOURCE_ROW_COLUMN][i])
                self.contacts.setdefault(pseudonym, row)
        return pa.RecordBatch.from_pydict(columns, schema=batch.schema)

    def contact_table(self) -> pa.Table:
        """Customers rows for the keyed contacts (the loader adds those raw.customers lacks)."""
        ids = list(self.contacts)
        values = list(self.contacts.values())
        data = {column: [None] * len(ids) for column in CUSTOMERS.columns}
        data["customer_id"] = ids
        data["email"], data["phone"] = [v[0] for v in values], [v[1] for v in values]
        data[SOURCE_FILE_COLUMN] = [v[2] for v in values]
        data[SOURCE_ROW_COLUMN] = [v[3] for v in values]
        return pa.table(data, schema=text_schema(CUSTOMERS))
