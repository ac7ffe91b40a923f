"""A failed dbt build's run_results.json read back: which nodes failed, and a full disk said as such."""

from pipeline.defs.dbt.run_results import disk_full, failed_nodes

# as DuckDB reports a spill file it cannot write (measured: the 100 M-order bench at a 4 GB memory limit)
NO_SPACE = (
    "Runtime Error in model customers (models/marts/customers/customers.sql)\n"
    '  IO Error: Could not write file "/data/run/warehouse.duckdb.tmp/duckdb_temp_24771_0.tmp": '
    "No space left on device"
)


def test_the_failed_nodes_are_named_and_a_full_disk_says_where_and_what_to_do():
    run_results = {
        "results": [
            {"unique_id": "model.customer_pulse.customers", "status": "error", "message": NO_SPACE},
            {"unique_id": "test.customer_pulse.unique_x", "status": "fail", "message": "Got 3 results"},
            {"unique_id": "model.customer_pulse.fct_orders", "status": "success", "message": "OK"},
        ]
    }
    assert failed_nodes(run_results) == ["model.customer_pulse.customers", "test.customer_pulse.unique_x"]
    assert disk_full(run_results) == (
        "the disk is full (/data/run/warehouse.duckdb.tmp); free space there, or raise "
        "PULSE_DUCKDB_MEMORY_LIMIT so that less of the build spills to disk;"
    )


def test_a_build_that_failed_otherwise_names_no_disk():
    results = {"results": [{"unique_id": "test.x", "status": "fail", "message": "Got 3 results"}]}
    assert disk_full(results) is None
