"""The one seam between Python assets and the warehouse's engine: DuckDB (default, duckdb_warehouse.py)
or Spark (spark_warehouse.py), chosen by PULSE_ENGINE. Nothing else opens DuckDB or a Spark session for
an asset (the sources layer's own load into raw.* is the one exception: see raw/load.py)."""

from pipeline.engine.protocol import Warehouse, WarehouseReader
from pipeline.settings import PulseSettings


def open_warehouse(settings: PulseSettings) -> Warehouse:
    if settings.engine == "spark":
        from pipeline.engine.spark_warehouse import SparkWarehouse  # pyspark: the `[spark]` extra

        return SparkWarehouse(settings)
    from pipeline.engine.duckdb_warehouse import DuckDBWarehouse

    return DuckDBWarehouse(settings.duckdb_path)


__all__ = ["Warehouse", "WarehouseReader", "open_warehouse"]
