"""The dbt project keeps its structure (dbt's structure guide, jaffle-shop), checked on the manifest that
`dbt parse` writes: layers read only downwards and only staging reads sources; each model has its own
`.yml` beside it; every model has a key test; every mart with logic has a unit test."""

import json
from collections import Counter
from pathlib import PurePosixPath

import pytest

from pipeline.defs.dbt.project import dbt_project

LAYERS = ("staging", "intermediate", "marts")
KEY_TESTS = {"unique", "unique_combination"}
# Models whose rows have no identity to test, and why. A new entry needs as good a reason.
KEYLESS = {
    "stg_shop__communications": "one row per message sent; the same message may be sent twice",
    "stg_shop__web_events": "one row per browsing event; identical events repeat",
    "int_communications_sent": "one row per message sent; the same message may be sent twice",
    "stg_shop__customers": "one row per raw row; a customer listed twice is resolved downstream",
    "stg_shop__products": "one row per raw row; a product listed twice is resolved downstream",
}
# Models whose key is tested on the published plain select of them (the same rows, tested once).
KEY_TESTED_ON = {"int_orders_netted": "fct_orders", "int_order_items_enriched": "fct_order_items"}
# Marts without a unit test: each only selects (renames, casts) the columns of the one model it reads.
PROJECTIONS = {"fct_orders"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    # importing the project parses it when the manifest is missing or older than any model or yml
    return json.loads(dbt_project.manifest_path.read_text())


@pytest.fixture(scope="module")
def models(manifest) -> dict[str, dict]:
    return {
        node["unique_id"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"
    }


def _layer(model: dict) -> str:
    path = PurePosixPath(model["original_file_path"])  # models/<layer>/...
    assert path.parts[1] in LAYERS, f"{model['name']}: {path} is in no layer {LAYERS}"
    return path.parts[1]


def _reads(model: dict) -> list[str]:
    return model["depends_on"]["nodes"]


def test_only_staging_reads_sources(models):
    readers = {
        model["name"]: _layer(model)
        for model in models.values()
        if any(parent.startswith("source.") for parent in _reads(model))
    }
    assert readers and {name: layer for name, layer in readers.items() if layer != "staging"} == {}


def test_staging_reads_only_sources(models):
    assert {
        model["name"]: [parent for parent in _reads(model) if not parent.startswith("source.")]
        for model in models.values()
        if _layer(model) == "staging" and not all(parent.startswith("source.") for parent in _reads(model))
    } == {}


def test_no_model_reads_a_layer_above_its_own(models):
    upward = {
        model["name"]: [models[parent]["name"] for parent in _reads(model)]
        for model in models.values()
        if any(
            parent in models and LAYERS.index(_layer(models[parent])) > LAYERS.index(_layer(model))
            for parent in _reads(model)
        )
    }
    assert upward == {}  # e.g. an intermediate model reading a mart


def test_each_model_has_its_own_yml_beside_it_with_a_description(models):
    for model in models.values():
        expected = str(PurePosixPath(model["original_file_path"]).with_suffix(".yml"))
        assert model["patch_path"] == f"{model['package_name']}://{expected}", model["name"]
        assert model["description"].strip(), f"{model['name']} has no description"
    shared = {path: n for path, n in Counter(m["patch_path"] for m in models.values()).items() if n > 1}
    assert shared == {}


def test_every_model_has_a_key_test(manifest, models):
    keyed = set()
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if node.get("attached_node") in models and metadata.get("name") in KEY_TESTS:
            keyed.add(models[node["attached_node"]]["name"])
    by_name = {model["name"]: model for model in models.values()}
    assert set(KEYLESS) <= set(by_name) and not set(KEYLESS) & keyed  # an exemption outlives no need
    for model, select in KEY_TESTED_ON.items():
        assert select in keyed and [by_name[model]["unique_id"]] == _reads(by_name[select]), select
    assert sorted(set(by_name) - keyed - set(KEYLESS) - set(KEY_TESTED_ON)) == []


def test_every_mart_with_logic_has_a_unit_test(manifest, models):
    tested = {unit_test["model"] for unit_test in manifest["unit_tests"].values()}
    marts = {model["name"]: model for model in models.values() if _layer(model) == "marts"}
    assert sorted(set(marts) - tested - PROJECTIONS) == []
    for name in PROJECTIONS:
        # a projection reads one model and computes nothing a unit test could check
        assert len(_reads(marts[name])) == 1, f"{name} reads {_reads(marts[name])}: not a projection"
        assert name not in tested
