"""Segments and audiences, written into the warehouse's `targeting` schema for the checks, the segment
SQL (dbt) and the publish step:

- `category_segments` (one step): per product category, at most PULSE_MAX_SEGMENTS readable rule segments
  (targeting/segments/rules.py) with their customers at as_of, historical likelihood and gain curve, and
  the return of targeting the top-k of them (targeting/segments/roi.py, with the dbt model
  category_order_values);
- `audience_members`: every audience of PULSE_AUDIENCES_PATH (targeting/), validated against the tables'
  columns, its control group held out and, for ads, contacts hashed. An invalid definition fails the run
  here, before anything is published.
"""

import json
from dataclasses import replace

import dagster as dg
import pyarrow as pa

from pipeline.defs.ml.inputs import read_prediction_inputs
from pipeline.defs.publish.published_tables import PYTHON_TABLES, PublishedTable
from pipeline.defs.targeting.audience_summary import audience_summary
from pipeline.defs.targeting.category_names import category_names
from pipeline.defs.targeting.segment_inputs import segment_inputs
from pipeline.engine import open_warehouse
from pipeline.resources import PulseSettingsResource
from targeting import (
    AudienceConfigError,
    AudienceRelations,
    RoiSettings,
    build_audiences,
    load_audiences,
    segment_roi,
)
from targeting.column_catalog import ColumnCatalog
from targeting.segments.rules import SegmentSettings, build_category_segments

SCHEMA = "targeting"
PREDICTIONS = dg.AssetKey(["predictions", "customer_predictions"])
PROPENSITY = dg.AssetKey(["predictions", "customer_category_propensity"])


def _table(name: str) -> PublishedTable:
    # a published table's description is its dbt source's (models/staging/_predictions__sources.yml)
    published = {table.name: table for table in PYTHON_TABLES}
    return published.get(name) or PublishedTable.python_table(SCHEMA, name)


SEGMENTS = _table("category_segments")
SEGMENT_MEMBERS = _table("category_segment_members")
ROI = _table("segment_roi")
AUDIENCE_MEMBERS = _table("audience_members")
AUDIENCES = _table("audiences")
PROPENSITY_RELATION = "predictions.customer_category_propensity"
METRICS_RELATION = "predictions.model_metrics"
AUDIENCE_RELATIONS = AudienceRelations(
    customers="marts.customers",
    customer_predictions="predictions.customer_predictions",
    customer_category_propensity="predictions.customer_category_propensity",
    contacts="intermediate.int_customer_contacts",
)


def _write(context, settings, table: PublishedTable, frame) -> dg.MaterializeResult:
    data = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    rows = open_warehouse(settings).replace_table(table.relation, data.to_reader())
    context.log.info(f"{table.relation}: {rows:,} rows")
    return dg.MaterializeResult(asset_key=table.asset_key, metadata={"dagster/row_count": rows})


@dg.multi_asset(
    name="category_segments",
    specs=[
        dg.AssetSpec(
            SEGMENTS.asset_key,
            group_name="segments",
            kinds={"sklearn"},
            deps=["ml_customer_features", "ml_customer_mix_features", "ml_category_labels"],
            description=SEGMENTS.description,
        ),
        dg.AssetSpec(
            SEGMENT_MEMBERS.asset_key,
            group_name="segments",
            deps=["ml_customer_features"],
            description="Which segment of each category every customer falls in (not published).",
        ),
        dg.AssetSpec(
            ROI.asset_key,
            group_name="segments",
            deps=[SEGMENTS.asset_key, "category_order_values"],
            description=ROI.description,
        ),
    ],
)
def category_segments(context: dg.AssetExecutionContext, pulse: PulseSettingsResource):
    settings = pulse.load()
    warehouse = open_warehouse(settings)
    inputs = read_prediction_inputs(warehouse, features_without_categories=False)
    data = segment_inputs(inputs.features, inputs.category_labels, warehouse)
    targeting = settings.targeting
    built = build_category_segments(
        data.training,
        data.labels,
        data.scoring,
        feature_columns=data.feature_columns,
        settings=SegmentSettings(max_leaf_nodes=targeting.max_segments),
    )
    segments = built.segments.merge(
        built.gain.drop(columns=["rule", "customers", "purchase_likelihood", "expected_buyers"]),
        on=["category", "segment_rank"],
    )
    roi = segment_roi(
        built.gain,
        data.average_order_value,
        RoiSettings(targeting.cost_per_contact, targeting.margin, targeting.expected_uplift),
    )
    context.log.info(f"{segments['category'].nunique()} categories, {len(segments)} segments")
    yield _write(context, settings, SEGMENTS, segments)
    yield _write(context, settings, SEGMENT_MEMBERS, built.members)
    yield _write(context, settings, ROI, roi)


AUDIENCE_INPUTS = ["customers", "int_customer_contacts", PREDICTIONS, PROPENSITY]


@dg.multi_asset(
    name="audience_members",
    specs=[
        dg.AssetSpec(
            AUDIENCE_MEMBERS.asset_key,
            group_name="segments",
            deps=AUDIENCE_INPUTS,
            description=AUDIENCE_MEMBERS.description,
        ),
        dg.AssetSpec(
            AUDIENCES.asset_key,
            group_name="segments",
            deps=AUDIENCE_INPUTS,
            description=AUDIENCES.description,
        ),
    ],
)
def audience_members(context: dg.AssetExecutionContext, pulse: PulseSettingsResource):
    from models_ml.outputs import withheld_columns  # loads XGBoost: imported by the step, not at load

    settings = pulse.load()
    targeting = settings.targeting
    with (
        open_warehouse(settings).reading() as reader,
        reader.on_duckdb(
            [*AUDIENCE_RELATIONS.tables().values(), AUDIENCE_RELATIONS.contacts, METRICS_RELATION]
        ) as con,
    ):
        catalog = ColumnCatalog.from_duckdb(con, AUDIENCE_RELATIONS.tables())
        labels = con.sql(f"select distinct category from {PROPENSITY_RELATION}").fetchall()
        by_name = category_names(label for (label,) in labels)
        try:
            audiences = [
                replace(audience, category=by_name.get(audience.category, audience.category))
                for audience in load_audiences(
                    targeting.audiences_path,
                    catalog,
                    default_control_share=targeting.control_share,
                    known_categories=by_name,
                )
            ]
            export = build_audiences(con, audiences, AUDIENCE_RELATIONS)
            withheld = withheld_columns(con.sql(f"select * from {METRICS_RELATION}").df())
        except AudienceConfigError as error:
            # the run stops here: nothing of it is published
            raise dg.Failure(description=str(error)) from None
    counts = {name: upload.num_rows for name, upload in export.uploads.items()}
    context.log.info(f"{len(audiences)} audiences from {targeting.audiences_path}: {json.dumps(counts)}")
    yield _write(context, settings, AUDIENCE_MEMBERS, export.members)
    yield _write(context, settings, AUDIENCES, audience_summary(audiences, export, withheld))


defs = dg.Definitions(assets=[category_segments, audience_members])
