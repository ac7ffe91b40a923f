"""The whole job on a small demo shop, in process: every asset materialised, every check run and passed,
every published table readable; then the same tables published to S3 through a real S3 API."""

import json

import boto3
import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest
from pyarrow.fs import S3FileSystem

from demo_shop.generate import generate_demo_shop
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.published_models import published_models
from tests.conftest import run_paths
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    generate_demo_shop(tmp / "raw", customers=300, seed=11)
    settings = run_paths(tmp)
    # one instance for the module: the S3 re-publish below relies on the checks recorded by this run
    with dg.instance_for_test() as instance, pulse_settings(settings):
        result = run_job_in_process(instance=instance)
        yield tmp, settings, result, instance


def test_every_asset_materialises_and_every_check_passes(demo_run):
    _, _, result, _ = demo_run
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    from pipeline.definitions import defs

    expected = set(defs.resolve_all_asset_keys())
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    assert expected - materialised == set()
    checks = result.get_asset_check_evaluations()
    assert len(checks) > 20
    assert [c.check_name for c in checks if not c.passed] == []


def test_published_tables_match_the_warehouse(demo_run):
    tmp, _, _, _ = demo_run
    models = published_models(dbt_project.manifest_path)
    assert {"fct_orders", "quarantined_orders"} <= {m.name for m in models}
    manifest = json.loads((tmp / "published/_manifest.json").read_text())
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        for model in models:
            table = pq.read_table(tmp / "published" / model.name / "part-00000.parquet")
            assert table.num_rows == con.sql(f"select count(*) from {model.relation}").fetchall()[0][0]
            assert manifest["tables"][model.name]["rows"] == table.num_rows
    # the demo shop is dirty on purpose: quarantine is never empty, and no contact detail is published
    assert pq.read_table(tmp / "published/quarantined_orders").num_rows > 0
    for model in models:
        columns = set(pq.read_schema(tmp / "published" / model.name / "part-00000.parquet").names)
        assert not columns & {"email", "phone"}, model.name


def test_publishing_alone_is_refused_without_passed_checks(demo_run, tmp_path):
    _, settings, _, _ = demo_run
    # a fresh instance has no record of the checks: publishing must not go ahead on trust
    with pulse_settings({**settings, "PULSE_PUBLISH_URI": str(tmp_path / "out")}):
        result = run_job_in_process(asset_selection=dg.AssetSelection.keys(["published", "fct_orders"]))
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "fct_orders is not published" in str(failure.step_failure_data.error)
    assert not (tmp_path / "out").exists()


def test_the_same_tables_publish_to_s3(demo_run, s3_endpoint, s3_bucket):
    _, settings, _, instance = demo_run
    s3_settings = {
        **settings,
        "PULSE_PUBLISH_URI": f"s3://{s3_bucket}/pulse",
        "PULSE_S3_ENDPOINT_URL": s3_endpoint,
    }
    with pulse_settings(s3_settings):
        result = run_job_in_process(asset_selection=dg.AssetSelection.groups("publish"), instance=instance)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket, Prefix="pulse/")["Contents"]}
    models = published_models(dbt_project.manifest_path)
    assert keys == {"pulse/_manifest.json", *(f"pulse/{m.name}/part-00000.parquet" for m in models)}
    fs = S3FileSystem(
        endpoint_override=s3_endpoint, access_key="testing", secret_key="testing", region="us-east-1"
    )
    local = pq.read_table(settings["PULSE_PUBLISH_URI"] + "/fct_orders/part-00000.parquet")
    remote = pq.read_table(f"{s3_bucket}/pulse/fct_orders/part-00000.parquet", filesystem=fs)
    assert remote.num_rows == local.num_rows and remote.schema == local.schema
