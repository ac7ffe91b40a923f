"""The `audiences` table: one row per configured audience, with its definition and size, so a marketer sees
every audience (an empty one too) and BI tools can list them."""

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from targeting import Audience, AudienceExport

SUMMARY_SCHEMA = pa.schema(
    [
        pa.field("audience", pa.string(), nullable=False),
        pa.field("description", pa.string()),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("filter", pa.string(), nullable=False),
        pa.field("category", pa.string()),
        pa.field("control_share", pa.float64(), nullable=False),
        pa.field("members", pa.int64(), nullable=False),
        pa.field("control_members", pa.int64(), nullable=False),
        pa.field("uploaded_members", pa.int64(), nullable=False),
        # why the audience is empty: a withheld prediction, no match, or nobody reachable (else null)
        pa.field("note", pa.string()),
    ]
)


REACHABLE = {
    "email": "an e-mail opt-in and a valid address",
    "sms": "an SMS opt-in and a valid phone number",
    "ads": "an e-mail address or a phone number",
}


def empty_note(
    audience: Audience, export: AudienceExport, members: int, withheld: Mapping[str, str]
) -> str | None:
    """Why an audience is empty (None when it is not): a withheld prediction its filter reads, no customer
    matching the filter, or matching customers none of whom can be reached on the audience's channel.
    `withheld`: prediction column -> why its target is withheld this run."""
    reads = export.reads.get(audience.name, ())
    if notes := [f"{column} is withheld ({withheld[column]})" for column in reads if column in withheld]:
        return "empty: " + "; ".join(notes)
    if members:
        return None
    matched = export.matched.get(audience.name, 0)
    if not matched:
        return "empty: no customer matches the filter"
    return (
        f"empty: {matched:,} customers match the filter, none reachable by {audience.channel} "
        f"(needs {REACHABLE[audience.channel]})"
    )


def audience_summary(
    audiences: Sequence[Audience], export: AudienceExport, withheld: Mapping[str, str]
) -> pa.Table:
    members = export.members
    rows = []
    for audience in audiences:
        mine = members.filter(pc.equal(members.column("audience"), audience.name))
        control = pc.sum(mine.column("is_control")).as_py() or 0
        rows.append(
            {
                "audience": audience.name,
                "description": audience.description,
                "channel": audience.channel,
                "filter": " ".join(audience.filter.split()),
                "category": audience.category,
                "control_share": float(audience.control_share),
                "members": mine.num_rows,
                "control_members": int(control),
                "uploaded_members": export.uploads[audience.name].num_rows,
                "note": empty_note(audience, export, mine.num_rows, withheld),
            }
        )
    return pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA)
