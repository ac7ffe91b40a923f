"""Run a table's expectation suite on a DataFrame and say, in plain words, what failed.

A pure library: a DataFrame in, a ValidationReport out. Each call uses a throwaway (ephemeral) GX
context, so nothing is written to disk and two validations never share state.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline.expectations.gx_import import great_expectations
from pipeline.expectations.suites import SUITES

if TYPE_CHECKING:
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.expectations import Expectation
    from pyspark.sql import DataFrame as SparkDataFrame

EXAMPLES = 5  # unexpected values shown per failed expectation
NOT_NULL = "expect_column_values_to_not_be_null"


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str  # the GX type, e.g. expect_column_values_to_match_regex
    column: str | None
    unexpected_count: int | None
    unexpected_values: list[Any]  # up to EXAMPLES distinct values
    message: str
    rule: str | None = None  # what a failing value breaks (None: the expectation could not run)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "unexpected_count": self.unexpected_count,
            "unexpected_values": [_plain(value) for value in self.unexpected_values],
            "message": self.message,
        }


@dataclass(frozen=True)
class ValidationReport:
    table: str
    success: bool
    evaluated: int  # expectations run
    rows: int
    failures: list[FailedExpectation] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.table}: all {self.evaluated} expectations passed on {self.rows} rows"
        lines = [
            f"{self.table}: {len(self.failures)} of {self.evaluated} expectations failed on {self.rows} rows"
        ]
        lines += [f"  - {failure.message}" for failure in self.failures]
        return "\n".join(lines)


def suite_for(name: str) -> list["Expectation"]:
    try:
        return SUITES[name]()
    except KeyError:
        raise KeyError(
            f"no expectation suite for table {name!r} (suites: {', '.join(sorted(SUITES))})"
        ) from None


def suite_columns(name: str) -> list[str]:
    """The columns a table's suite reads, in suite order: all a caller needs to load."""
    columns: list[str] = []
    for expectation in suite_for(name):
        for attribute in ("column", "column_A", "column_B"):
            if column := getattr(expectation, attribute, None):
                columns.append(column)
        columns += getattr(expectation, "column_list", None) or []
        columns += _condition_columns(getattr(expectation, "row_condition", None))
    return list(dict.fromkeys(columns))


def _condition_columns(condition: object) -> list[str]:
    """Column names a row condition (GX's condition objects: comparisons, nullity, and/or) reads."""
    if (column := getattr(condition, "column", None)) is not None:
        return [column.name]
    parts = getattr(condition, "conditions", None) or []
    return [name for part in parts for name in _condition_columns(part)]


def validate_table(name: str, df: "pd.DataFrame | SparkDataFrame") -> ValidationReport:
    """Validate `df` against the suite of the published table `name`: a pandas frame read from DuckDB, or
    a Spark data frame when the engine is Spark (the same suite; GX runs it where the data is)."""
    gx = great_expectations()  # on first use, and so that pyspark cannot end the process (gx_import.py)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _skip_batch_fingerprint()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    spark = _is_spark(df)
    sources = context.data_sources
    source = sources.add_spark(name=f"{name}_source") if spark else sources.add_pandas(name=f"{name}_source")
    batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(f"{name}_whole_table")
    suite = context.suites.add(gx.ExpectationSuite(name=f"{name}_suite", expectations=suite_for(name)))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{name}_validation", data=batch, suite=suite)
    )
    try:
        result = validation.run(
            batch_parameters={"dataframe": df if spark else _gx_numbers(df)},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
        )
    finally:
        # GX keeps its last ephemeral context, and the context its batches: the checked frame would outlive
        # the check, still resident while the predictions step runs after it in the same process
        sources.delete(source.name)
    failures = [_failure(name, outcome) for outcome in result.results if not outcome.success]
    return ValidationReport(
        table=name,
        success=bool(result.success),
        evaluated=len(result.results),
        rows=df.count() if spark else len(df),
        failures=failures,
    )


def _gx_numbers(df: "pd.DataFrame") -> "pd.DataFrame":
    """Integer columns as int64: GX compares int64 and float64 columns as arrays, any other integer one
    value at a time in Python (the three RFM scores, int32, cost 3.5 s of 4.2 M customers' check)."""
    narrow = {
        column: "int64"
        for column, kind in df.dtypes.items()
        if isinstance(kind, np.dtype) and kind.kind in ("i", "u") and kind.itemsize < 8
    }
    return df.astype(narrow) if narrow else df


def suite_key(name: str) -> list[str] | None:
    """The columns of the suite's uniqueness expectation: a table split into parts by them keeps every
    duplicate inside one part, so the parts' verdicts add up to the table's (every other expectation here
    judges each row alone). [] when the suite checks no uniqueness; None when it checks two different keys
    (the table cannot be split for both)."""
    keys = {
        tuple(getattr(expectation, "column_list", None) or [expectation.column])
        for expectation in suite_for(name)
        if type(expectation).__name__ in _UNIQUENESS
    }
    if len(keys) > 1:
        return None
    return list(keys.pop()) if keys else []


_UNIQUENESS = ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique")


def validate_frames(name: str, frames: Iterator[Any]) -> ValidationReport:
    """Validate a table handed over in parts (split by `suite_key`), one part in memory at a time, as one
    report: failures of the same expectation add up, their examples are pooled."""
    reports = []
    while (frame := next(frames, None)) is not None:
        reports.append(validate_table(name, frame))
        del frame  # before the next part is read
    if len(reports) == 1:
        return reports[0]
    rows = sum(report.rows for report in reports)
    merged: dict[tuple[str, str | None, str | None], FailedExpectation] = {}
    for failure in (failure for report in reports for failure in report.failures):
        # the rule too: a suite may hold two expectations of one type on one column (two value ranges)
        key = (failure.expectation, failure.column, failure.rule)
        if (earlier := merged.get(key)) is None:
            merged[key] = failure
        elif earlier.rule is not None and failure.rule is not None:
            count = (earlier.unexpected_count or 0) + (failure.unexpected_count or 0)
            values = _distinct(earlier.unexpected_values + failure.unexpected_values)[:EXAMPLES]
            merged[key] = replace(earlier, unexpected_count=count, unexpected_values=values)
    where = {
        failure.column: f"{name}.{failure.column}" if failure.column else name for failure in merged.values()
    }
    failures = [
        replace(f, message=_message(where[f.column], f.unexpected_count, rows, f.rule, f.unexpected_values))
        if f.rule is not None
        else f
        for f in merged.values()
    ]
    return ValidationReport(
        table=name,
        success=all(report.success for report in reports),
        evaluated=reports[0].evaluated,
        rows=rows,
        failures=failures,
    )


def _is_spark(df: object) -> bool:
    """A pyspark DataFrame (classic or Spark Connect), told apart without importing pyspark (an extra)."""
    return type(df).__module__.startswith("pyspark.")


def _skip_batch_fingerprint() -> None:
    """GX hashes every row of an in-memory batch under 1 GB into a batch marker (pandas_data_fingerprint)
    that nothing here reads: at ten million orders that hash took 6.5 of the suite's 12 seconds. Its
    threshold is a module constant; 0 turns the hash off and changes no result."""
    from great_expectations.execution_engine import pandas_execution_engine

    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0


def _failure(table: str, outcome: "ExpectationValidationResult") -> FailedExpectation:
    config = outcome.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column")
    where = f"{table}.{column}" if column else table
    if error := _exception_message(outcome.exception_info):
        return FailedExpectation(
            config.type, column, None, [], f"{where}: {config.type} could not run ({error})"
        )

    details = outcome.result or {}
    count = details.get("unexpected_count")
    values = (
        [] if config.type == NOT_NULL else _distinct(details.get("partial_unexpected_list") or [])[:EXAMPLES]
    )
    rule = _rule(config.type, kwargs)
    message = _message(where, count, details.get("element_count"), rule, values)
    return FailedExpectation(config.type, column, count, values, message, rule)


def _message(where: str, count: int | None, rows: int | None, rule: str, values: list[Any]) -> str:
    message = f"{where}: {count} of {rows} values {rule}"
    if values:
        message += f", e.g. {', '.join(repr(_plain(value)) for value in values)}"
    return message


def _exception_message(info: dict[str, Any] | None) -> str | None:
    """The error that stopped an expectation: GX puts it at the top, or under each failed metric."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for nested in info.values():
        if isinstance(nested, dict) and nested.get("raised_exception"):
            return str(nested.get("exception_message"))
    return None


def _rule(expectation: str, kwargs: dict[str, Any]) -> str:
    """What a failing value breaks, as a phrase: `are null`, `do not match ^[A-Z]{3}$`, ..."""
    if expectation == NOT_NULL:
        return "are null"
    if expectation in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        return "are duplicated"
    if expectation == "expect_column_pair_values_a_to_be_greater_than_b":
        return f"have {kwargs['column_A']} below {kwargs['column_B']}"
    if expectation == "expect_column_values_to_match_regex":
        return f"do not match {kwargs['regex']}"
    if expectation == "expect_column_values_to_be_in_set":
        return f"are not in {sorted(kwargs['value_set'], key=str)}"
    if expectation == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if high is None:
            return f"are below {low}"
        if low is None:
            return f"are above {high}"
        return f"are outside {low}..{high}"
    return f"break {expectation}"


def _distinct(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _plain(value: Any) -> Any:
    """A JSON-friendly version of a value from a DataFrame (numpy scalars, timestamps)."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
