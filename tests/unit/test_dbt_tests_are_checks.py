"""Every dbt data test a run runs is a Dagster asset check, so dagster-dbt never falls back to logging an
AssetObservation (with a multi-line warning) for a test it cannot attach to one asset. The code checks
(tag:code_check) are the exception: runs leave them out and CI runs them (test_demo_pipeline.py).

A singular test that reads several models names the one it checks:
`{{ config(meta={'dagster': {'ref': {'name': '<model>'}}}) }}`; source tests are checks on raw/<table>.
"""

import json

from pipeline.defs.dbt.assets import pulse_dbt_models, pulse_dbt_segments
from pipeline.defs.dbt.cli_args import CODE_CHECK_TAG
from pipeline.defs.dbt.project import dbt_project


def test_every_dbt_data_test_maps_to_an_asset_check():
    manifest = json.loads(dbt_project.manifest_path.read_text())
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    code_checks = {
        node["name"] for node in manifest["nodes"].values() if CODE_CHECK_TAG in node.get("tags", [])
    }
    checks = {key.name for step in (pulse_dbt_models, pulse_dbt_segments) for key in step.check_keys}
    assert sorted(tests - code_checks - checks) == []
    assert code_checks and not code_checks & checks
