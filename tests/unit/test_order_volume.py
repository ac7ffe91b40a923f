"""The order volume verdict: zero orders or a drop beyond the limit fails, unless explicitly overridden."""

import pytest

from pipeline.expectations.order_volume import assess_order_volume


def _manifest(rows: int) -> dict:
    return {"run_id": "run-1", "tables": {"fct_orders": {"rows": rows, "uri": "x"}}}


def test_the_first_publish_passes_and_says_there_is_nothing_to_compare_with():
    verdict = assess_order_volume(120, None, max_drop=0.5, allow_drop=False)
    assert verdict.passed
    assert "no earlier publish to compare with" in verdict.description
    assert verdict.metadata["previous_rows"] is None


@pytest.mark.parametrize(("current", "passed"), [(1000, True), (1500, True), (500, True), (499, False)])
def test_a_drop_beyond_the_share_fails(current, passed):
    verdict = assess_order_volume(current, _manifest(1000), max_drop=0.5, allow_drop=False)
    assert verdict.passed is passed
    assert verdict.metadata["current_rows"] == current and verdict.metadata["previous_rows"] == 1000


def test_a_failed_verdict_says_by_how_much_against_which_run_and_what_to_do():
    verdict = assess_order_volume(400, _manifest(1000), max_drop=0.5, allow_drop=False)
    assert not verdict.passed
    assert verdict.description.startswith(
        "fct_orders dropped 60%: 400 clean orders where the last published run run-1 had 1,000; "
        "PULSE_MAX_ORDER_DROP=0.5 allows at most 50%."
    )
    assert "PULSE_ALLOW_ORDER_DROP=true" in verdict.description
    assert verdict.metadata["drop_share"] == 0.6 and verdict.metadata["previous_run_id"] == "run-1"


@pytest.mark.parametrize("manifest", [None, _manifest(1000)])
def test_zero_orders_always_fail(manifest):
    verdict = assess_order_volume(0, manifest, max_drop=1.0, allow_drop=False)
    assert not verdict.passed
    assert verdict.description.startswith("fct_orders has no clean orders")


def test_the_override_passes_and_says_so():
    verdict = assess_order_volume(400, _manifest(1000), max_drop=0.5, allow_drop=True)
    assert verdict.passed and verdict.metadata["overridden"] is True
    assert "dropped 60%" in verdict.description and "PULSE_ALLOW_ORDER_DROP=true" in verdict.description


def test_growth_from_an_empty_publish_passes():
    verdict = assess_order_volume(10, _manifest(0), max_drop=0.5, allow_drop=False)
    assert verdict.passed and "up from none" in verdict.description


def test_every_publish_step_waits_for_the_blocking_volume_check():
    """Read from the job's wiring, where Dagster's blocking takes effect (not only from the specs)."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.publish.assets import published_key
    from pipeline.defs.publish.published_tables import published_tables
    from pipeline.defs.quality.volume import CHECK_NAME, FCT_ORDERS

    graph = defs.resolve_asset_graph()
    assert graph.get_check_spec(dg.AssetCheckKey(FCT_ORDERS, CHECK_NAME)).blocking
    job = defs.resolve_job_def("customer_pulse_job")
    wiring = job.graph.dependency_structure
    tables = published_tables()
    assert tables
    for table in tables:
        step = graph.assets_def_for_key(published_key(table)).node_def.name
        upstream = {
            output.node_name
            for node_input in job.graph.node_named(step).inputs()
            if wiring.has_deps(node_input)
            for output in wiring.get_deps_list(node_input)
        }
        assert CHECK_NAME in upstream, step
