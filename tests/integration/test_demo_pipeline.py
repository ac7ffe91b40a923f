"""The whole job on a small demo shop, in process: every asset materialised, every check run and passed,
every published table a readable Delta table that matches the warehouse; then the same tables published
to S3 through a real S3 API, and read back from it as a BI tool would."""

import json
from pathlib import Path

import boto3
import dagster as dg
import duckdb
import pytest
from deltalake import DeltaTable

from pipeline.defs.dbt.cli_args import CODE_CHECK_TAG, CODE_CHECKS
from pipeline.defs.dbt.manifest_models import manifest_models, manifest_sources
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.assets import gate_check_name, published_key
from pipeline.defs.publish.published_tables import PUBLISHED_TAG, published_tables
from pipeline.settings import PulseSettings
from tests.integration.pipeline_runs import pulse_settings, run_dbt, run_job_in_process

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_run(demo_shop_job):
    """The shared demo shop run (tests/conftest.py), with its settings in the environment; its instance
    holds the checks that the S3 re-publish below relies on."""
    folder, settings, result, instance = demo_shop_job
    with pulse_settings(settings):
        yield folder, settings, result, instance


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


def test_every_dbt_unit_test_and_code_check_passes_on_the_built_warehouse(demo_run):
    """The pipeline's builds leave out unit tests (they test SQL on fixed inputs, not the data) and the data
    tests tagged code_check (only the SQL can fail them): CI runs both here, against the warehouse the run
    built (dbt reads the unit tests' column types from it)."""
    tmp, settings, result, _ = demo_run
    selection = ["test_type:unit", CODE_CHECKS]
    run_dbt(["test", "--select", *selection], PulseSettings.from_env(settings), tmp / "unit-tests")
    manifest = json.loads((tmp / "unit-tests/target/manifest.json").read_text())
    unit_tests = set(manifest["unit_tests"])
    code_checks = {key for key, node in manifest["nodes"].items() if CODE_CHECK_TAG in node.get("tags", [])}
    run = json.loads((tmp / "unit-tests/target/run_results.json").read_text())["results"]
    assert len(unit_tests) >= 30 and len(code_checks) >= 7
    assert {r["unique_id"] for r in run} == unit_tests | code_checks
    assert {r["status"] for r in run} == {"pass"}
    # and the run itself neither ran them nor shows them as checks
    evaluated = {e.check_name for e in result.get_asset_check_evaluations()}
    assert not evaluated & {manifest["nodes"][key]["name"] for key in code_checks}


def test_each_published_asset_records_the_gate_it_passed(demo_run):
    _, _, result, _ = demo_run
    evaluations = {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}
    for table in published_tables():
        gate = evaluations[(published_key(table), gate_check_name(table))]
        assert gate.passed
        seen = gate.metadata["checks"].value
        assert seen and set(seen.values()) == {"passed"}, table.name
    # the suite is among the checks the customers gate saw
    customers_gate = evaluations[(dg.AssetKey("published_customers"), "customers_checks_passed")]
    assert "customers_passes_expectations" in customers_gate.metadata["checks"].value


def test_published_tables_match_the_warehouse(demo_run):
    tmp, _, result, _ = demo_run
    tables = published_tables()
    assert {"fct_orders", "quarantined_orders"} <= {t.name for t in tables}
    manifest = json.loads((tmp / "published/_manifest.json").read_text())
    assert manifest["run_id"] == result.run_id
    assert manifest["as_of_source"] == "latest_order"
    assert json.loads((tmp / f"published/_runs/{result.run_id}.json").read_text()) == manifest
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        for table in tables:
            delta = DeltaTable(str(tmp / "published" / table.name))
            assert delta.version() == manifest["tables"][table.name]["version"] == 0
            rows = delta.to_pyarrow_dataset().count_rows()
            assert rows == con.sql(f"select count(*) from {table.relation}").fetchall()[0][0]
            assert manifest["tables"][table.name]["rows"] == rows
            columns = delta.schema().to_arrow().names
            assert [c["name"] for c in manifest["tables"][table.name]["schema"]] == columns
            # the demo shop is dirty on purpose, and no contact detail is ever published
            assert not set(columns) & {"email", "phone"}, table.name
    assert manifest["tables"]["quarantined_orders"]["rows"] > 0


def test_every_published_table_has_exactly_the_columns_dbt_declares(demo_run):
    """Declared once: a model's .yml, or for a table Python writes its source tagged `published`."""
    tmp, _, _, _ = demo_run
    manifest = dbt_project.manifest_path
    declared = {model.name: set(model.columns) for model in manifest_models(manifest)}
    declared |= {s.name: set(s.columns) for s in manifest_sources(manifest) if PUBLISHED_TAG in s.tags}
    for table in published_tables():
        columns = DeltaTable(str(tmp / "published" / table.name)).schema().to_arrow().names
        assert set(columns) == declared[table.name], table.name


def test_publishing_alone_is_refused_without_passed_checks(demo_run, tmp_path):
    _, settings, _, _ = demo_run
    # a fresh instance has no record of the checks: publishing must not go ahead on trust
    with pulse_settings({**settings, "PULSE_PUBLISH_URI": str(tmp_path / "out")}):
        result = run_job_in_process(asset_selection=dg.AssetSelection.keys("published_fct_orders"))
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "Nothing is published" in str(failure.step_failure_data.error)
    [gate] = result.get_asset_check_evaluations()
    assert (gate.check_name, gate.passed) == ("fct_orders_checks_passed", False)
    assert "not run since the last build" in gate.description or "never materialised" in gate.description
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def s3_publish(demo_run, s3_endpoint):
    """The demo run's tables published again, to a bucket on the S3 API, as a production run would."""
    _, settings, _, instance = demo_run
    bucket = "pulse-demo-pipeline"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    s3_settings = {
        **settings,
        "PULSE_PUBLISH_URI": f"s3://{bucket}/pulse",
        "PULSE_S3_ENDPOINT_URL": s3_endpoint,
    }
    with pulse_settings(s3_settings):
        result = run_job_in_process(asset_selection=dg.AssetSelection.groups("publish"), instance=instance)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return bucket, result


def test_every_table_published_to_s3_reads_back_as_the_manifest_says(demo_run, s3_endpoint, s3_publish):
    _, settings, _, _ = demo_run
    s3_bucket, result = s3_publish
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    manifest = json.loads(client.get_object(Bucket=s3_bucket, Key="pulse/_manifest.json")["Body"].read())
    assert manifest["run_id"] == result.run_id
    local = json.loads((Path(settings["PULSE_PUBLISH_URI"]) / "_manifest.json").read_text())
    options = {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1"}
    assert set(manifest["tables"]) == {table.name for table in published_tables()}
    for name, entry in manifest["tables"].items():
        assert entry["uri"] == f"s3://{s3_bucket}/pulse/{name}"
        delta = DeltaTable(entry["uri"], version=entry["version"], storage_options=options)
        schema = [{"name": f.name, "type": str(f.type.type)} for f in delta.schema().fields]
        assert schema == entry["schema"], name
        assert delta.to_pyarrow_dataset().count_rows() == entry["rows"] == local["tables"][name]["rows"]


BAD_AUDIENCES = """
audiences:
  - name: unknown_column
    description: a column no table has
    channel: email
    filter: churn_probabilty > 0.5
  - name: sql_injection
    description: a statement smuggled into a filter
    channel: email
    filter: 1=1; drop table customers
  - name: python_injection
    description: Python smuggled into a filter
    channel: ads
    filter: __import__('os').system('id')
  - name: unknown_channel
    description: a channel Customer Pulse cannot send to
    channel: fax
    filter: churn_probability > 0.6
"""


def test_invalid_audiences_are_refused_before_anything_is_published(demo_run, tmp_path):
    tmp, settings, _, instance = demo_run
    manifest = (tmp / "published/_manifest.json").read_text()
    audiences = tmp_path / "audiences.yml"
    audiences.write_text(BAD_AUDIENCES)
    # the targeting multi-asset runs whole, so select its neighbours too
    members = dg.AssetSelection.keys("targeting/audience_members")
    selection = members.required_multi_asset_neighbors().downstream()
    with pulse_settings({**settings, "PULSE_AUDIENCES_PATH": str(audiences)}):
        result = run_job_in_process(asset_selection=selection, instance=instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "audience_members"
    message = str(failure.step_failure_data.error)
    assert "audience 'unknown_column'" in message and "churn_probabilty" in message
    assert "churn_probability" in message  # the nearest known column is suggested
    assert "audience 'sql_injection'" in message and "audience 'python_injection'" in message
    assert "audience 'unknown_channel'" in message and "fax" in message
    assert (tmp / "published/_manifest.json").read_text() == manifest
    assert not any(e.step_key == "publish_tables" for e in result.all_events if e.is_step_success)


def _contacts(raw: Path) -> set[str]:
    """Every e-mail and phone of the raw customers file, as written and as digits."""
    import csv

    values = set()
    with (raw / "customers.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            for value in (row["email"], row["phone"]):
                if value and value.strip():
                    values.add(value.strip().lower())
                    digits = "".join(ch for ch in value if ch.isdigit())
                    if len(digits) >= 8:
                        values.add(digits)
    return values


def _published_texts(files: dict[str, bytes]) -> dict[str, str]:
    """Every published file as text, decompressed: Parquet data files (every version's, not only the
    current one) value by value, model bundles member by member, the rest (JSON, CSV, Delta logs) as is."""
    import io
    import zipfile

    import pyarrow.parquet as pq

    texts = {}
    for key, data in files.items():
        if key.endswith(".parquet"):
            columns = pq.read_table(io.BytesIO(data)).columns
            texts[key] = "\n".join(str(value) for column in columns for value in column.to_pylist()).lower()
        elif key.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as bundle:
                members = (bundle.read(name).decode("latin-1") for name in bundle.namelist())
                texts[key] = "\n".join(members).lower()
        else:
            texts[key] = data.decode("utf-8", errors="replace").lower()
    return texts


def test_no_plain_email_or_phone_is_published_anywhere(demo_run, s3_endpoint, s3_publish):
    tmp, _, _, _ = demo_run
    s3_bucket, _ = s3_publish
    contacts = _contacts(tmp / "raw")
    assert len(contacts) > 500
    local = {
        str(path.relative_to(tmp / "published")): path.read_bytes()
        for path in (tmp / "published").rglob("*")
        if path.is_file()
    }
    assert any(key.startswith("audience_exports/") for key in local)
    assert any(key.endswith(".parquet") for key in local)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    remote = {
        item["Key"]: client.get_object(Bucket=s3_bucket, Key=item["Key"])["Body"].read()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=s3_bucket)
        for item in page.get("Contents", [])
    }
    assert any(key.startswith("pulse/audience_exports/") for key in remote)
    leaks = [
        (key, value)
        for key, text in {**_published_texts(local), **_published_texts(remote)}.items()
        for value in contacts
        if value in text
    ]
    assert leaks == []
