"""One `published/<table>` asset per published dbt model, then the manifest that lists them all."""

from datetime import UTC, datetime

import dagster as dg

from pipeline.defs.dbt.manifest_models import ManifestModel
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.gate import unpassed_checks
from pipeline.defs.publish.published_models import published_models
from pipeline.resources import PulseSettingsResource
from pipeline.storage import MANIFEST_NAME, open_store
from pipeline.warehouse import read_only, table_reader


def published_key(model: ManifestModel) -> dg.AssetKey:
    return dg.AssetKey(["published", model.name])


def build_publish_asset(model: ManifestModel, check_keys: set[dg.AssetCheckKey]) -> dg.AssetsDefinition:
    """`check_keys`: every check on the source table (dbt tests, suites); all must have passed."""

    @dg.asset(
        key=published_key(model),
        deps=[dg.AssetKey(model.name)],
        group_name="publish",
        kinds={"parquet"},
        description=f"{model.name} published as Parquet to PULSE_PUBLISH_URI/{model.name}/",
    )
    def _publish(context: dg.AssetExecutionContext, pulse: PulseSettingsResource) -> dg.MaterializeResult:
        source = dg.AssetKey(model.name)
        if problems := unpassed_checks(context.instance, check_keys, source):
            raise dg.Failure(
                description=f"{model.name} is not published: not all its checks passed since it was built.",
                metadata={"checks": problems},
            )
        settings = pulse.load()
        store = open_store(settings.publish_uri, settings.s3_endpoint_url)
        with read_only(settings.duckdb_path) as con:
            rows = store.write_table(model.name, table_reader(con, model.relation))
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "uri": dg.MetadataValue.path(store.table_uri(model.name)),
                "checks_passed": len(check_keys),
            }
        )

    return _publish


def build_manifest_asset(models: list[ManifestModel]) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["published", "manifest"]),
        # reads the run's as_of, and must come after every table it lists
        deps=[dg.AssetKey("int_run_context"), *(published_key(model) for model in models)],
        group_name="publish",
        kinds={"json"},
        description="_manifest.json: the tables of the latest publish, their rows and the run's as_of.",
    )
    def publish_manifest(
        context: dg.AssetExecutionContext, pulse: PulseSettingsResource
    ) -> dg.MaterializeResult:
        settings = pulse.load()
        store = open_store(settings.publish_uri, settings.s3_endpoint_url)
        with read_only(settings.duckdb_path) as con:
            as_of = con.sql("select as_of from intermediate.int_run_context").fetchall()[0][0]
            tables = {
                model.name: {
                    "uri": store.table_uri(model.name),
                    "rows": con.sql(f"select count(*) from {model.relation}").fetchall()[0][0],
                }
                for model in models
            }
        document = {
            "as_of": as_of,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "run_id": context.run.run_id,
            "tables": tables,
        }
        uri = store.write_json(MANIFEST_NAME, document)
        return dg.MaterializeResult(metadata={"uri": dg.MetadataValue.path(uri), "tables": len(tables)})

    return publish_manifest


def build_publish_defs(checked: list[dg.AssetsDefinition | dg.AssetChecksDefinition]) -> dg.Definitions:
    """Publish assets for every published model, each gated on the checks that `checked` defines on it."""
    check_keys = {key for definition in checked for key in definition.check_keys}
    models = published_models(dbt_project.manifest_path)
    assets = [
        build_publish_asset(model, {key for key in check_keys if key.asset_key == dg.AssetKey(model.name)})
        for model in models
    ]
    return dg.Definitions(assets=[*assets, build_manifest_asset(models)])
