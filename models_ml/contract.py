"""The input contract (feature, mix and label frames from dbt): column names, checks and normalisation.

Every check raises `InputContractError` naming the frame, the column and, where it helps, the row.
"""

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from models_ml.row_index import RowIndex

CUSTOMER_ID = "customer_id"
CUTOFF = "cutoff_date"
SCORING_FLAG = "is_scoring_cutoff"
KEYS = [CUSTOMER_ID, CUTOFF]
LIFECYCLE_COLUMN = "lifecycle_state"
LIFECYCLE_STATES = ("new", "active", "slipping", "lost")

# label column -> window column, in the labels frame
LABEL_WINDOWS = {
    "purchase_label": "purchase_window_days",
    "churn_label": "churn_window_days",
    "clv_label": "clv_window_days",
    "days_to_next_order": "next_order_window_days",
}
MIX_COLUMNS = [CUSTOMER_ID, CUTOFF, "dimension", "value", "spend_share", "order_share"]
MIX_DIMENSIONS = ("category", "channel")
CATEGORY_LABEL_COLUMNS = [CUSTOMER_ID, CUTOFF, "category", "bought", "window_days"]


class InputContractError(ValueError):
    """An input frame breaks the contract; the message names the frame and the column."""


@dataclass(frozen=True)
class Inputs:
    """The run's inputs, checked and normalised (dates as datetime64, ids as strings), and where each
    (customer, cutoff) is in `features`."""

    features: pd.DataFrame
    labels: pd.DataFrame
    mix: pd.DataFrame
    category_labels: pd.DataFrame
    as_of: pd.Timestamp
    index: RowIndex
    label_rows: np.ndarray  # feature row of each labels row, -1 where features have none

    def locate(self, frame: pd.DataFrame) -> np.ndarray:
        """Feature row of each row of a keyed frame (mix, labels), -1 where features have none."""
        return self.index.locate(frame[CUSTOMER_ID], frame[CUTOFF])


def _frame(obj: object, name: str) -> pd.DataFrame:
    if obj is None:
        return pd.DataFrame()
    if isinstance(obj, pa.Table):
        return obj.to_pandas()
    if isinstance(obj, pd.DataFrame):
        return obj
    raise InputContractError(
        f"{name}: expected a pandas DataFrame or a pyarrow Table, got {type(obj).__name__}"
    )


def _require(frame: pd.DataFrame, name: str, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputContractError(
            f"{name}: required column {missing[0]!r} is missing (found: {', '.join(map(str, frame.columns))})"
        )


def _dates(frame: pd.DataFrame, name: str, column: str) -> pd.Series:
    try:
        values = pd.to_datetime(frame[column])
    except (ValueError, TypeError) as error:
        raise InputContractError(f"{name}.{column}: not a date column ({error})") from error
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InputContractError(f"{name}.{column}: missing date in row {row}")
    return values.dt.normalize().astype("datetime64[s]")


def _keys(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    out = frame.copy(deep=False)
    if out[CUSTOMER_ID].isna().any():
        row = int(np.flatnonzero(out[CUSTOMER_ID].isna().to_numpy())[0])
        raise InputContractError(f"{name}.{CUSTOMER_ID}: missing customer id in row {row}")
    out[CUSTOMER_ID] = out[CUSTOMER_ID].astype(str)
    out[CUTOFF] = _dates(out, name, CUTOFF)
    return out


def _as_timestamp(as_of: date | datetime | str) -> pd.Timestamp:
    stamp = pd.Timestamp(as_of)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def _features(raw: object, as_of: pd.Timestamp) -> pd.DataFrame:
    features = _frame(raw, "features")
    _require(features, "features", [*KEYS, SCORING_FLAG])
    features = _keys(features, "features")
    flag = features[SCORING_FLAG].fillna(False).astype(bool)
    features[SCORING_FLAG] = flag
    if not flag.any():
        raise InputContractError(f"features: no row has {SCORING_FLAG} = true (nothing to score)")
    wrong = features.loc[flag, CUTOFF] != as_of
    if wrong.any():
        raise InputContractError(
            f"features: a row with {SCORING_FLAG} = true has cutoff_date "
            f"{features.loc[flag, CUTOFF][wrong].iloc[0]:%Y-%m-%d}, not the run's as_of {as_of:%Y-%m-%d}"
        )
    late = (~flag) & (features[CUTOFF] >= as_of)
    if late.any():
        raise InputContractError(
            f"features: training cutoff {features.loc[late, CUTOFF].iloc[0]:%Y-%m-%d} is not before "
            f"as_of {as_of:%Y-%m-%d}"
        )
    return features


def _windowed(frame: pd.DataFrame, label: str, window: str, as_of: pd.Timestamp) -> None:
    """Null a label whose window is unknown or ends after as_of: labels never peek past the run."""
    days = pd.to_numeric(frame[window], errors="coerce")
    ends = frame[CUTOFF] + pd.to_timedelta(days.fillna(0), unit="D")
    unusable = days.isna() | (days <= 0) | (ends > as_of)
    frame[window] = days.where(~unusable)
    if label != "days_to_next_order":  # days_to_next_order is null for a censored row, kept apart
        frame[label] = frame[label].where(~unusable)


def _labels(raw: object, as_of: pd.Timestamp, index: RowIndex) -> tuple[pd.DataFrame, np.ndarray]:
    """The labels, checked, and the feature row of each (-1 where features have none)."""
    labels = _frame(raw, "labels")
    columns = [*KEYS, *[c for pair in LABEL_WINDOWS.items() for c in pair]]
    if labels.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
        return empty.astype({CUSTOMER_ID: "str", CUTOFF: "datetime64[s]"}), np.empty(0, dtype=np.int64)
    _require(labels, "labels", columns)
    labels = _keys(labels[columns], "labels")
    rows = pd.Series(index.locate(labels[CUSTOMER_ID], labels[CUTOFF]))
    twice = rows.duplicated().to_numpy() & (rows >= 0).to_numpy()
    if twice.any():
        first = labels.iloc[int(np.flatnonzero(twice)[0])]
        raise InputContractError(
            f"labels: more than one row for customer_id={first[CUSTOMER_ID]!r}, "
            f"cutoff_date={first[CUTOFF]:%Y-%m-%d}"
        )
    for label in ("purchase_label", "churn_label"):
        labels[label] = labels[label].astype("boolean").astype("float64")
    for label in ("clv_label", "days_to_next_order"):
        labels[label] = pd.to_numeric(labels[label], errors="coerce").astype("float64")
    if (labels["clv_label"] < 0).any():
        raise InputContractError("labels.clv_label: negative value (net revenue in the window must be >= 0)")
    for label, window in LABEL_WINDOWS.items():
        _windowed(labels, label, window, as_of)
    return labels, rows.to_numpy()


def _mix(raw: object) -> pd.DataFrame:
    mix = _frame(raw, "mix")
    if mix.empty:
        return pd.DataFrame(columns=MIX_COLUMNS)
    _require(mix, "mix", MIX_COLUMNS)
    mix = _keys(mix[MIX_COLUMNS], "mix")
    unknown = ~mix["dimension"].isin(MIX_DIMENSIONS)
    if unknown.any():
        raise InputContractError(
            f"mix.dimension: unknown value {mix.loc[unknown, 'dimension'].iloc[0]!r} (use {MIX_DIMENSIONS})"
        )
    return mix


def _category_labels(raw: object, as_of: pd.Timestamp) -> pd.DataFrame:
    frame = _frame(raw, "category_labels")
    if frame.empty:
        return pd.DataFrame(columns=CATEGORY_LABEL_COLUMNS)
    _require(frame, "category_labels", CATEGORY_LABEL_COLUMNS)
    frame = _keys(frame[CATEGORY_LABEL_COLUMNS], "category_labels")
    frame["category"] = frame["category"].astype(str)
    frame["bought"] = frame["bought"].astype("boolean")
    frame["window_days"] = pd.to_numeric(frame["window_days"], errors="coerce")
    _windowed(frame, "bought", "window_days", as_of)
    return frame[frame["bought"].notna()]


def check_inputs(
    features: object,
    labels: object,
    as_of: date | datetime | str,
    mix: object = None,
    category_labels: object = None,
) -> Inputs:
    """Check every frame against the contract and normalise it; raise `InputContractError` if it breaks."""
    stamp = _as_timestamp(as_of)
    checked = _features(features, stamp)
    index = RowIndex(checked[CUSTOMER_ID], checked[CUTOFF])
    if index.first_duplicate is not None:
        first = checked.iloc[index.first_duplicate]
        raise InputContractError(
            f"features: more than one row for customer_id={first[CUSTOMER_ID]!r}, "
            f"cutoff_date={first[CUTOFF]:%Y-%m-%d} (one row per customer and cutoff)"
        )
    checked_labels, label_rows = _labels(labels, stamp, index)
    return Inputs(
        features=checked,
        labels=checked_labels,
        label_rows=label_rows,
        mix=_mix(mix),
        category_labels=_category_labels(category_labels, stamp),
        as_of=stamp,
        index=index,
    )
