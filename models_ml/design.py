"""The model matrix: which columns are features, the mix pivot and the lifecycle one-hot, as float32.

Every numeric (or boolean) column of the feature frame is a feature except the keys and label columns,
so a feature added in dbt reaches the models without a code change. The long `mix` table becomes one
share column per category and channel (`category_share__shoes`, `channel_share__email`).
"""

import re

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from models_ml.contract import (
    CUSTOMER_ID,
    CUTOFF,
    LABEL_WINDOWS,
    LIFECYCLE_COLUMN,
    LIFECYCLE_STATES,
    SCORING_FLAG,
    InputContractError,
)

LIFECYCLE_PREFIX = "lifecycle_state__"
MIX_PREFIXES = {"category": "category_share__", "channel": "channel_share__"}
_NOT_FEATURES = {CUSTOMER_ID, CUTOFF, SCORING_FLAG, LIFECYCLE_COLUMN, *LABEL_WINDOWS, *LABEL_WINDOWS.values()}
_FORBIDDEN = re.compile(r"[\[\]<,]")  # characters XGBoost refuses in feature names


def slug(value: object) -> str:
    """A mix value as a column-name suffix: lower case, runs of other characters become one '_'."""
    text = re.sub(r"[^0-9a-z]+", "_", str(value).strip().lower()).strip("_")
    return text or "unknown"


def numeric_columns(features: pd.DataFrame) -> list[str]:
    """Feature columns taken as they are from the feature frame, in the frame's order."""
    columns = [
        c
        for c in features.columns
        if c not in _NOT_FEATURES and (is_numeric_dtype(features[c]) or is_bool_dtype(features[c]))
    ]
    for column in columns:
        if _FORBIDDEN.search(str(column)):
            raise InputContractError(f"features: column name {column!r} contains one of '[', ']', '<', ','")
    return columns


def model_columns(matrix: np.ndarray, names: list[str], features: list[str]) -> np.ndarray:
    """The columns of `matrix` (in `names` order) that a model reads, in its `features` order: the matrix
    itself when that is all of them in order, as for a model trained this run (a million-row copy saved)."""
    if features == names:
        return matrix
    return matrix[:, [names.index(feature) for feature in features]]


class Design:
    """The run's feature rows and the way to turn any subset of them into a float32 matrix."""

    def __init__(self, features: pd.DataFrame, mix: pd.DataFrame, mix_rows: np.ndarray):
        """`mix_rows` is the feature row of each mix row (-1: none), from `Inputs.locate`."""
        self.features = features.reset_index(drop=True)
        self.numeric = numeric_columns(self.features)
        self._values = {column: _gatherable(self.features[column]) for column in self.numeric}
        self.lifecycle = (
            [LIFECYCLE_PREFIX + s for s in LIFECYCLE_STATES] if LIFECYCLE_COLUMN in self.features else []
        )
        self.display: dict[str, str] = {}  # mix feature -> the value as the shop spells it
        self._index_lifecycle()
        self._index_mix(mix, mix_rows)
        self.names = [*self.numeric, *self.lifecycle, *self.mix_names]

    def _index_mix(self, mix: pd.DataFrame, mix_rows: np.ndarray) -> None:
        """Locate each mix row's feature row once, so building any subset's matrix is a scatter."""
        self.mix_names: list[str] = []
        self._mix_row = np.empty(0, dtype=np.int64)
        self._mix_col = np.empty(0, dtype=np.int32)
        self._mix_value = np.empty(0, dtype=np.float32)
        if mix.empty:
            return
        groups = mix.groupby(["dimension", "value"], sort=True, dropna=False)
        group_names = []  # slug each distinct (dimension, value) once, not each row
        for dimension, value in groups.size().index:  # the order ngroup() numbers them in
            name = MIX_PREFIXES[dimension] + slug(value)
            group_names.append(name)
            self.display.setdefault(name, str(value) if str(value).strip() else "unknown")
        self.mix_names = sorted(self.display)
        column_of_group = pd.Categorical(group_names, categories=self.mix_names).codes.astype(np.int64)
        found = mix_rows >= 0
        self._mix_row = mix_rows[found]
        self._mix_col = column_of_group.astype(np.int32)[groups.ngroup().to_numpy()[found]]
        share = pd.to_numeric(mix["spend_share"], errors="coerce").fillna(0.0).to_numpy(np.float32)
        self._mix_value = share[found]

    def _index_lifecycle(self) -> None:
        """Lifecycle state of every row as a code (-1 missing, len(STATES) for a state we do not know)."""
        self._lifecycle_code = np.empty(0, dtype=np.int8)
        if self.lifecycle:
            states = self.features[LIFECYCLE_COLUMN].astype("string").str.lower()
            codes = pd.Categorical(states, categories=LIFECYCLE_STATES).codes.astype(np.int8)
            self._lifecycle_code = np.where(
                states.notna().to_numpy() & (codes < 0), len(LIFECYCLE_STATES), codes
            )

    def matrix(self, rows: np.ndarray, names: list[str] | None = None) -> np.ndarray:
        """Feature values of the given rows (positions in `features`), columns in `names` order (default:
        every feature, `self.names`; NaN for a name the design does not have)."""
        rows = np.asarray(rows, dtype=np.int64)
        if _repeats(rows, len(self.features)):  # a row asked for more than once (category rows): build once
            unique, inverse = np.unique(rows, return_inverse=True)
            return self._matrix(unique, names)[inverse]
        return self._matrix(rows, names)

    def _matrix(self, rows: np.ndarray, names: list[str] | None) -> np.ndarray:
        names = self.names if names is None else names
        position = {name: j for j, name in enumerate(names)}
        out = np.full((len(rows), len(names)), np.nan, dtype=np.float32)
        # a column at a time: a subset of the frame would copy every column as float64 first (1.8 GB for
        # 4.2 M scored customers)
        for column in self.numeric:
            if (j := position.get(column)) is None:
                continue
            out[:, j] = self._values[column][rows]
        if self.lifecycle:
            codes = self._lifecycle_code[rows]
            for state, column in enumerate(self.lifecycle):
                if column in position:
                    out[:, position[column]] = np.where(codes < 0, np.nan, codes == state)
        wanted = np.array([position.get(column, -1) for column in self.mix_names], dtype=np.int64)
        if (wanted >= 0).any():
            out[:, wanted[wanted >= 0]] = 0.0  # no mix row: nothing spent there
            where = np.full(len(self.features), -1, dtype=np.int64)
            where[rows] = np.arange(len(rows))
            target, column = where[self._mix_row], wanted[self._mix_col]
            hit = (target >= 0) & (column >= 0)
            np.add.at(out, (target[hit], column[hit]), self._mix_value[hit])
        return out


def _gatherable(column: pd.Series) -> np.ndarray:
    """A feature column as a NumPy array rows can be gathered from, converted once rather than on every
    matrix built: the column's own float array where it can be (no copy), else float32 with missing values
    as NaN. Infinity becomes NaN: a ratio over a zero gap is unknown, not infinitely large."""
    if column.dtype.kind == "f" and isinstance(column.dtype, np.dtype):
        values = column.to_numpy()
    else:
        values = column.to_numpy(dtype=np.float32, na_value=np.nan)
    if np.isinf(values).any():
        values = np.where(np.isinf(values), np.nan, values)
    return values


def _repeats(rows: np.ndarray, length: int) -> bool:
    """Whether some position appears twice: a linear pass, where sorting 500,000 rows per chunk cost more
    than gathering them."""
    seen = np.zeros(length, dtype=bool)
    seen[rows] = True
    return int(np.count_nonzero(seen)) < len(rows)
