"""`publish_tables`: one multi-asset with a `published_<table>` asset per published table, plus
`published_manifest`, and a `<table>_checks_passed` check on each published asset.

One step publishes them all because a run's tables are published all-or-nothing (pipeline/storage):
every table is staged before any is committed, and a failure leaves every table at its previous
version. A failed blocking check upstream skips the whole step, so no table of that run is published.
The step is subsettable: a run that selects some published tables publishes those, and the manifest
carries the others over (it is written by every publish, selected or not, since it records what is
current). Single-part keys keep the lineage graph readable (`customers → published_customers`).
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.gate import check_statuses, unpassed_checks
from pipeline.defs.publish.metadata_scan import scan_run_metadata
from pipeline.defs.publish.published_tables import PublishedTable
from pipeline.engine import WarehouseReader, open_warehouse
from pipeline.privacy.scan import PlainContactError, blocking_message, preflight_file
from pipeline.resources import PulseSettingsResource
from pipeline.run_cli.stages import CONSOLE_NOTES, WRITTEN_METADATA
from pipeline.storage import PublishLocationFull, TableSource, apply_retention, publish_run, publish_store
from pipeline.unchanged_run import SIGNATURE_TAG
from pipeline.warehouse_changes import changed_rows

MANIFEST_KEY = dg.AssetKey("published_manifest")
RUN_CONTEXT_MODEL = "int_run_context"  # the run's as_of and where it came from, one row
# transient storage trouble outlasting the S3 clients' own retries: try the whole publish again later
PUBLISH_RETRY_POLICY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)
# four runs a day: a published table older than 7 hours means a run was missed or failed
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=7))


def published_key(table: PublishedTable | str) -> dg.AssetKey:
    """The asset of a published table (a PublishedTable, or its published name)."""
    return dg.AssetKey(f"published_{table if isinstance(table, str) else table.name}")


def published_metadata(manifest: dict, name: str, run_id: str) -> dict:
    """What a run records of a published table it wrote or kept current (from the manifest's entry)."""
    entry = manifest["tables"][name]
    return {
        "dagster/row_count": entry["rows"],
        "uri": dg.MetadataValue.path(entry["uri"]),
        "delta_version": entry["version"],
        # False: the content equals the version already published, which stays current
        WRITTEN_METADATA: entry["run_id"] == run_id,
        "as_of": manifest["as_of"],
    }


def kept_current(manifest: dict, run_id: str) -> list[dg.AssetMaterialization]:
    """A run with nothing to build (pipeline/unchanged_run.py) records every published table as current,
    as the publish step records a table it kept: the freshness policy counts materializations, and these
    tables are as fresh as the inputs they were made from."""
    return [
        dg.AssetMaterialization(
            asset_key=published_key(name),
            metadata={**published_metadata(manifest, name, run_id), "kept_by": "nothing to build"},
        )
        for name in sorted(manifest["tables"])
    ]


def gate_check_name(table: PublishedTable) -> str:
    return f"{table.name}_checks_passed"


def _gate_result(
    table: PublishedTable, statuses: Mapping[str, str], problems: list[str]
) -> dg.AssetCheckResult:
    source = table.asset_key.to_user_string()
    if problems:
        description = (
            f"not published: {len(problems)} check(s) on {source} did not pass: {'; '.join(problems)}"
        )
    else:
        description = f"all {len(statuses)} check(s) on {source} passed since it was last built"
    return dg.AssetCheckResult(
        asset_key=published_key(table),
        check_name=gate_check_name(table),
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={"source": source, "checks": dg.MetadataValue.json(dict(statuses))},
    )


def build_publish_assets(
    tables: list[PublishedTable],
    gate_checks: Mapping[dg.AssetKey, set[dg.AssetCheckKey]],
    run_context: PublishedTable,
) -> dg.AssetsDefinition:
    """`gate_checks`: every check on each source table (dbt tests, suites, a Python asset's own checks).
    `run_context`: the one-row table with the run's as_of and as_of_source."""
    specs = [
        dg.AssetSpec(
            key=published_key(table),
            deps=[table.asset_key],
            group_name="publish",
            kinds={"deltalake"},
            description=f"{table.relation} as a Delta Lake table at PULSE_PUBLISH_URI/{table.name}/",
            freshness_policy=FRESHNESS,
        )
        for table in tables
    ]
    manifest_spec = dg.AssetSpec(
        key=MANIFEST_KEY,
        deps=[run_context.asset_key, *(spec.key for spec in specs)],
        group_name="publish",
        kinds={"json"},
        description="_manifest.json and _runs/<run_id>.json: each published table's Delta version, rows, "
        "schema and checks, and the run's as_of.",
    )
    check_specs = [
        dg.AssetCheckSpec(
            name=gate_check_name(table),
            asset=published_key(table),
            description=f"Every check on {table.asset_key.to_user_string()} (dbt tests, expectation suite) "
            "passed since it was last built; publishing is refused otherwise.",
        )
        for table in tables
    ]

    @dg.multi_asset(
        name="publish_tables",
        specs=[*specs, manifest_spec],
        check_specs=check_specs,
        can_subset=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )
    def publish_tables(context: dg.AssetExecutionContext, pulse: PulseSettingsResource):
        selected = [table for table in tables if published_key(table) in context.selected_asset_keys]
        statuses, problems = {}, {}
        for table in selected:
            checks = gate_checks.get(table.asset_key, set())
            statuses[table.name] = check_statuses(context.instance, checks, table.asset_key)
            problems[table.name] = unpassed_checks(context.instance, checks, table.asset_key)
        if blocked := sorted(name for name, found in problems.items() if found):
            for table in selected:
                yield _gate_result(table, statuses[table.name], problems[table.name])
            raise dg.Failure(
                description=f"Nothing is published: not every check passed since {', '.join(blocked)} "
                "was last built.",
                metadata={name: "; ".join(problems[name]) for name in blocked},
                allow_retries=False,
            )

        # PII pre-flight: nothing the run recorded so far may hold a plain contact either
        if found := scan_run_metadata(context.instance, context.run.run_id):
            raise dg.Failure(description=blocking_message(found), allow_retries=False)
        settings = pulse.load()
        store = publish_store(settings)
        # shown under the console's Publish line: a killed run's tables put back, tables merged
        notes: list[str] = []
        with open_warehouse(settings).reading() as reader, _refusal_as_failure():
            [(as_of, as_of_source)] = reader.rows(f"select as_of, as_of_source from {run_context.relation}")
            manifest = publish_run(
                store,
                run_id=context.run.run_id,
                as_of=as_of,
                as_of_source=as_of_source,
                tables=[
                    TableSource(
                        table.name,
                        partial(reader.batches, table.relation),
                        statuses[table.name],
                        fingerprint=partial(reader.fingerprint, table.relation),
                        changes=partial(_changed_rows, reader, table.relation, table.merge_key),
                        merge_key=table.merge_key,
                    )
                    for table in selected
                ],
                keep=[table.name for table in tables if table not in selected],
                progress=context.log.info,
                preflight=preflight_file,
                rewrite_unchanged=settings.full_refresh,
                notice=lambda line: (context.log.warning(line), notes.append(line)),
                merge_min_rows=settings.publish_merge_min_rows or None,
                inputs_signature=_inputs_signature(context) if len(selected) == len(tables) else None,
            )
        _apply_retention_or_warn(context, store, settings.publish_retention_days)
        for name, entry in manifest["tables"].items():
            if (merged := entry.get("merged")) and entry["run_id"] == context.run.run_id:
                changed, removed = merged["rows_new_or_changed"], merged["rows_removed"]
                notes.append(
                    f"{name}: {changed:,} rows new or changed, {removed:,} removed, committed by Delta MERGE "
                    "(not a full rewrite)"
                )

        for table in selected:
            metadata = published_metadata(manifest, table.name, context.run.run_id)
            yield dg.MaterializeResult(asset_key=published_key(table), metadata=metadata)
        if MANIFEST_KEY in context.selected_asset_keys:
            yield dg.MaterializeResult(
                asset_key=MANIFEST_KEY,
                metadata={
                    "uri": dg.MetadataValue.path(store.uri("_manifest.json")),
                    "as_of": manifest["as_of"],
                    "as_of_source": manifest["as_of_source"],
                    **({CONSOLE_NOTES: "\n".join(notes)} if notes else {}),
                    "tables": len(manifest["tables"]),
                },
            )
        for table in selected:
            yield _gate_result(table, statuses[table.name], [])

    return publish_tables


def _changed_rows(reader: WarehouseReader, relation: str, key, published, max_rows):
    with reader.on_duckdb([relation]) as con:
        return changed_rows(con, relation, key, published, max_rows)


def _inputs_signature(context: dg.AssetExecutionContext) -> str | None:
    """What the first dbt step found this run's inputs to be (a tag it added once the run had started)."""
    run = context.instance.get_run_by_id(context.run.run_id)
    return None if run is None else run.tags.get(SIGNATURE_TAG)


@contextmanager
def _refusal_as_failure():
    """A file refused by the PII scan, or a full publish location, fails the step without retries (the
    same publish would fail the same way), with its one-sentence message alone."""
    try:
        yield
    except (PlainContactError, PublishLocationFull) as refused:
        raise dg.Failure(description=str(refused), allow_retries=False) from None


def _apply_retention_or_warn(context: dg.AssetExecutionContext, store, retention_days: int) -> None:
    # the run is published by now: a failed clean-up is reported, and the next publish tries again
    try:
        apply_retention(store, timedelta(days=retention_days), progress=context.log.info)
    except Exception as error:
        context.log.warning(
            f"Retention (vacuum of versions older than {retention_days} days) failed: {error}"
        )


def check_keys_by_asset(
    definitions: Iterable[dg.AssetsDefinition | dg.AssetChecksDefinition],
) -> dict[dg.AssetKey, set[dg.AssetCheckKey]]:
    found: dict[dg.AssetKey, set[dg.AssetCheckKey]] = {}
    for definition in definitions:
        for key in getattr(definition, "check_keys", ()):
            found.setdefault(key.asset_key, set()).add(key)
    return found


def dbt_run_context() -> PublishedTable:
    for model in manifest_models(dbt_project.manifest_path):
        if model.name == RUN_CONTEXT_MODEL:
            return PublishedTable(model.name, model.relation, dg.AssetKey(model.name))
    raise ValueError(f"no dbt model {RUN_CONTEXT_MODEL}: publishing reads the run's as_of from it")


def build_publish_defs(
    tables: list[PublishedTable], upstream: dg.Definitions, run_context: PublishedTable | None = None
) -> dg.Definitions:
    """The publish multi-asset for `tables`, each gated on the checks `upstream` defines on its source."""
    checks = check_keys_by_asset([*(upstream.assets or []), *(upstream.asset_checks or [])])
    return dg.Definitions(assets=[build_publish_assets(tables, checks, run_context or dbt_run_context())])
