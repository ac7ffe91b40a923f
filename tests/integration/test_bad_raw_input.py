"""A broken raw folder stops the run at the raw step, with an error naming the file and the column."""

import dagster as dg
import pytest

from tests.conftest import run_paths, write_csv
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration


def _failure_messages(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        str(event.step_failure_data.error) for event in result.all_events if event.is_step_failure
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"orders.csv": ["order_id", "customer_id", "ordered_at"]},
            "orders.csv: required column 'amount' is missing",
        ),
        ({"customers.csv": ["customer_id"]}, "required file 'orders' is missing"),
        (
            {
                "orders.csv": ["order_id", "customer_id", "ordered_at", "amount"],
                "order_items.csv": ["order_id"],
            },
            "order_items.csv: required columns 'product_id', 'quantity', 'unit_price' are missing",
        ),
    ],
)
def test_run_fails_on_the_raw_step_naming_file_and_column(tmp_path, files, expected):
    for name, header in files.items():
        write_csv(tmp_path / "raw" / name, header, [])
    settings = run_paths(tmp_path)
    with pulse_settings(settings):
        result = run_job_in_process(asset_selection=dg.AssetSelection.groups("raw"))
    assert not result.success
    assert expected in _failure_messages(result)
    assert not (tmp_path / "warehouse.duckdb").exists()  # nothing half-written
