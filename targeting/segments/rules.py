"""Category purchase-likelihood segments (the Enhencer view): a shallow decision tree per category, as rules.

For each category a scikit-learn decision tree with at most `max_leaf_nodes` leaves (8) learns, on the
training cutoffs' feature rows, who bought the category in the label window. Each leaf is a segment:

- its rule, from the path to the leaf, merged per feature to the tightest bounds and written for people
  (`IF orders_90d >= 2 AND days_since_last_order <= 39`), and kept as structured conditions;
- its historical purchase likelihood: the share of the leaf's training rows that bought the category;
- its customers: the scoring rows (customers at as_of) the tree sends to it;
- its rank: 1 is the highest likelihood.

Missing values: a feature's nulls are filled with a sentinel below every value it takes in training
(-1 for features that are never negative, else floor(min) - 1), so the tree can put "no value" on its
own side of a split. Rules say so in words: `no avg_days_between_orders` (only missing values),
`has avg_days_between_orders` (any value), `(avg_days_between_orders <= 30 or no avg_days_between_orders)`
(at most 30, or missing). Integer-valued features get integer bounds: sklearn's `orders_90d <= 1.5` reads
`orders_90d <= 1`, its right side `orders_90d >= 2`, both together `2 <= orders_90d <= 5`.

A category with too few rows, buyers or non-buyers to fit honestly gets one `ALL customers` segment
with the overall rate, and `fallback_reason` says why. Beyond `max_training_rows` the tree is fit on the
rows with the smallest keyed hashes of (customer id, cutoff date) (models_ml/sampling.py), not on rows
picked by position: same data in any row order, same settings: same segments.
"""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from models_ml.row_index import RowIndex
from models_ml.sampling import uniform_sample

if TYPE_CHECKING:
    from sklearn.tree import DecisionTreeClassifier

ALL_CUSTOMERS = "ALL customers"
# each table's columns and their types: an empty table (a shop without categories) is published with the
# same types as a full one, not as untyped text
SEGMENT_COLUMNS = {
    "category": "string",
    "segment_rank": "int64",
    "rule": "string",
    "rule_conditions": "string",  # JSON list of {"feature", "op", "value", "or_null"}
    "customers": "int64",
    "customer_share": "float64",
    "purchase_likelihood": "float64",
    "expected_buyers": "float64",
    "training_rows": "int64",
    "training_buyers": "int64",
    "fallback_reason": "string",
}
GAIN_COLUMNS = {
    "category": "string",
    "segment_rank": "int64",
    "rule": "string",
    "customers": "int64",
    "purchase_likelihood": "float64",
    "expected_buyers": "float64",
    "cumulative_customers": "int64",
    "cumulative_expected_buyers": "float64",
    "cumulative_customer_share": "float64",
    "cumulative_buyer_share": "float64",
    "lift": "float64",
}


def empty_table(columns: Mapping[str, str]) -> pd.DataFrame:
    """No rows, the columns in their types."""
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns.items()})


@dataclass(frozen=True)
class SegmentSettings:
    max_leaf_nodes: int = 8  # at most this many segments per category
    max_depth: int | None = 4  # at most this many splits on any rule's path (readability)
    min_leaf_share: float = 0.05  # each segment holds at least this share of the training rows
    min_rows: int = 200  # fewer training rows: one ALL-customers segment
    min_positives: int = 20  # fewer buyers (or non-buyers) in training: one ALL-customers segment
    max_training_rows: int = 200_000  # fit on a hashed sample beyond this; likelihoods use every row
    random_state: int = 0  # the tree's seed and the sample's hash key

    def __post_init__(self) -> None:
        if not 2 <= self.max_leaf_nodes <= 64:
            raise ValueError(f"max_leaf_nodes must be in [2, 64], got {self.max_leaf_nodes}")
        if self.max_depth is not None and self.max_depth < 1:
            raise ValueError(f"max_depth must be at least 1 (or None), got {self.max_depth}")
        if not 0 < self.min_leaf_share < 0.5:
            raise ValueError(f"min_leaf_share must be in (0, 0.5), got {self.min_leaf_share}")
        if self.min_rows < 1 or self.min_positives < 1 or self.max_training_rows < self.min_rows:
            raise ValueError("min_rows and min_positives must be positive and max_training_rows >= min_rows")


@dataclass(frozen=True)
class Condition:
    """One test of a rule: `feature op value`; `or_null` also admits customers with no value.

    op is one of `<=`, `>=`, `>`, `is null`, `is not null` (value None for the last two).
    """

    feature: str
    op: str
    value: float | int | None = None
    or_null: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"feature": self.feature, "op": self.op, "value": self.value, "or_null": self.or_null}


@dataclass(frozen=True)
class Segment:
    leaf: int  # the tree's node id (-1 for the ALL-customers fallback)
    rank: int  # 1 = highest purchase likelihood
    rule: str
    conditions: tuple[Condition, ...]
    purchase_likelihood: float  # share of the leaf's training rows that bought the category
    training_rows: int
    training_buyers: int


@dataclass(frozen=True)
class CategorySegmentModel:
    category: str
    features: tuple[str, ...]
    sentinels: dict[str, float]  # the value each feature's nulls are filled with
    segments: tuple[Segment, ...]  # by rank
    tree: "DecisionTreeClassifier | None" = field(default=None, repr=False)
    fallback_reason: str | None = None

    def assign(self, frame: pd.DataFrame) -> np.ndarray:
        """The segment rank of each row of `frame` (which needs the model's feature columns)."""
        if self.tree is None:
            return np.ones(len(frame), dtype=np.int64)
        return self._ranks(_matrix(frame, self.features, self.sentinels))

    def _ranks(self, matrix: np.ndarray) -> np.ndarray:
        if self.tree is None:
            return np.ones(len(matrix), dtype=np.int64)
        rank_of_node = np.zeros(self.tree.tree_.node_count, dtype=np.int64)
        for segment in self.segments:
            rank_of_node[segment.leaf] = segment.rank
        return rank_of_node[self.tree.apply(matrix)]

    def segment_table(self, scoring: pd.DataFrame) -> pd.DataFrame:
        """One row per segment (SEGMENT_COLUMNS), customers counted among `scoring` rows."""
        return self._table(self.assign(scoring))

    def _table(self, ranks: np.ndarray) -> pd.DataFrame:
        customers = np.bincount(ranks, minlength=len(self.segments) + 1)[1:]
        total = int(customers.sum())
        rows = [
            {
                "category": self.category,
                "segment_rank": segment.rank,
                "rule": segment.rule,
                "rule_conditions": json.dumps([c.as_dict() for c in segment.conditions]),
                "customers": int(count),
                "customer_share": count / total if total else 0.0,
                "purchase_likelihood": segment.purchase_likelihood,
                "expected_buyers": count * segment.purchase_likelihood,
                "training_rows": segment.training_rows,
                "training_buyers": segment.training_buyers,
                "fallback_reason": self.fallback_reason,
            }
            for segment, count in zip(self.segments, customers, strict=True)
        ]
        return pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))


def fit_category_segments(
    training: pd.DataFrame,
    bought: Sequence[bool] | pd.Series,
    *,
    category: str,
    feature_columns: Sequence[str] | None = None,
    id_column: str = "customer_id",
    settings: SegmentSettings = SegmentSettings(),
) -> CategorySegmentModel:
    """Fit the rule tree of one category on training rows and whether each bought it in the label window."""
    design = _design(training, feature_columns, id_column, settings)
    return _fit(design, _labels(bought, len(training), category), category, settings)


@dataclass(frozen=True)
class _Design:
    """The training rows as the tree sees them, built once for every category."""

    features: tuple[str, ...]
    profiles: dict[str, "_FeatureProfile"]
    matrix: np.ndarray  # float32, nulls filled with each feature's sentinel
    fit_rows: np.ndarray  # the rows the trees are fit on: all, or the hashed sample beyond max_training_rows

    @property
    def sentinels(self) -> dict[str, float]:
        return {name: profile.sentinel for name, profile in self.profiles.items()}


def _design(
    training: pd.DataFrame, feature_columns: Sequence[str] | None, id_column: str, settings: SegmentSettings
) -> _Design:
    features = _feature_columns(training, feature_columns)
    profiles = _profiles(training, features)
    sentinels = {name: profile.sentinel for name, profile in profiles.items()}
    fit_rows = _sample(training, id_column, settings)
    return _Design(features, profiles, _matrix(training, features, sentinels), fit_rows)


def _fit(
    design: _Design, labels: np.ndarray, category: str, settings: SegmentSettings
) -> CategorySegmentModel:
    features, profiles, matrix, sentinels = design.features, design.profiles, design.matrix, design.sentinels
    positives = int(labels.sum())
    reason = _too_little_data(len(labels), positives, settings)
    if reason is not None:
        return _fallback(category, features, sentinels, labels, reason)

    # scikit-learn takes half a second to import: the step that fits pays for it, not every definitions load
    from sklearn.tree import DecisionTreeClassifier

    fit_rows = design.fit_rows
    tree = DecisionTreeClassifier(
        max_leaf_nodes=settings.max_leaf_nodes,
        max_depth=settings.max_depth,
        min_samples_leaf=max(1, math.ceil(settings.min_leaf_share * len(fit_rows))),
        random_state=settings.random_state,
    ).fit(matrix[fit_rows], labels[fit_rows])
    if tree.get_n_leaves() == 1:
        reason = "no split separates buyers from non-buyers with segments of the minimum size"
        return _fallback(category, features, sentinels, labels, reason)

    leaves = tree.apply(matrix)
    rules = _leaf_rules(tree, features, profiles)
    stats = []
    for leaf, (rule, conditions) in rules.items():
        in_leaf = leaves == leaf
        rows, buyers = int(in_leaf.sum()), int(labels[in_leaf].sum())
        stats.append((leaf, rule, conditions, buyers / rows if rows else 0.0, rows, buyers))
    # rank by likelihood, then larger segments first, then node id: ties never depend on dict order
    stats.sort(key=lambda s: (-s[3], -s[4], s[0]))
    segments = tuple(
        Segment(leaf, rank, rule, conds, p, n, b)
        for rank, (leaf, rule, conds, p, n, b) in enumerate(stats, 1)
    )
    return CategorySegmentModel(category, features, sentinels, segments, tree, None)


def gain_curve(segments: pd.DataFrame) -> pd.DataFrame:
    """Segments by rank with cumulative customers and expected buyers, and their shares (GAIN_COLUMNS)."""
    out = []
    for _, part in segments.sort_values(["category", "segment_rank"]).groupby("category", sort=True):
        part = part.copy()
        customers, buyers = part["customers"].sum(), part["expected_buyers"].sum()
        part["cumulative_customers"] = part["customers"].cumsum()
        part["cumulative_expected_buyers"] = part["expected_buyers"].cumsum()
        part["cumulative_customer_share"] = part["cumulative_customers"] / customers if customers else 0.0
        part["cumulative_buyer_share"] = part["cumulative_expected_buyers"] / buyers if buyers else 0.0
        overall = buyers / customers if customers else float("nan")
        part["lift"] = part["purchase_likelihood"] / overall if overall else float("nan")
        out.append(part)
    if not out:
        return empty_table(GAIN_COLUMNS)
    return pd.concat(out, ignore_index=True)[list(GAIN_COLUMNS)]


@dataclass(frozen=True)
class CategorySegments:
    segments: pd.DataFrame  # SEGMENT_COLUMNS, every category
    gain: pd.DataFrame  # GAIN_COLUMNS
    members: pd.DataFrame  # <id_column>, category, segment_rank: each scoring row's segment per category
    models: dict[str, CategorySegmentModel]


def build_category_segments(
    training: pd.DataFrame,
    labels: pd.DataFrame,
    scoring: pd.DataFrame,
    *,
    feature_columns: Sequence[str] | None = None,
    id_column: str = "customer_id",
    settings: SegmentSettings = SegmentSettings(),
) -> CategorySegments:
    """Segments of every category; `labels` has one boolean column per category, row-aligned with `training`.

    Feature columns default to the numeric and boolean columns of `training` (without `id_column`) that
    `scoring` also has.
    """
    if len(labels) != len(training):
        raise ValueError(f"labels has {len(labels)} rows but training has {len(training)}")
    if id_column not in scoring.columns:
        raise ValueError(f"scoring frame has no '{id_column}' column")
    if feature_columns is None:
        feature_columns = [c for c in _numeric_columns(training) if c != id_column and c in scoring.columns]
    design = _design(training, feature_columns, id_column, settings)
    scoring_matrix = _matrix(scoring, design.features, design.sentinels)
    models, tables, members = {}, [], []
    for category in sorted(labels.columns):
        model = _fit(design, _labels(labels[category], len(training), category), category, settings)
        ranks = model._ranks(scoring_matrix)
        models[category] = model
        tables.append(model._table(ranks))
        members.append(
            pd.DataFrame(
                {id_column: scoring[id_column].to_numpy(), "category": category, "segment_rank": ranks}
            )
        )
    segments = pd.concat(tables, ignore_index=True) if tables else empty_table(SEGMENT_COLUMNS)
    member_frame = (
        pd.concat(members, ignore_index=True)
        if members
        else empty_table({id_column: "string", "category": "string", "segment_rank": "int64"})
    )
    return CategorySegments(segments, gain_curve(segments), member_frame, models)


def apply_conditions(frame: pd.DataFrame, conditions: Sequence[Condition]) -> np.ndarray:
    """Rows of `frame` meeting every condition: a published rule applied without the tree."""
    compare = {"<=": np.less_equal, ">=": np.greater_equal, ">": np.greater}
    keep = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        values = pd.to_numeric(frame[condition.feature]).to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(values)
        if condition.op == "is null":
            test = missing
        elif condition.op == "is not null":
            test = ~missing
        else:
            # compared in float32, as the tree compares, so a value at a split point falls on the tree's side
            as_tree_sees = np.where(missing, 0.0, values).astype(np.float32).astype(np.float64)
            test = compare[condition.op](as_tree_sees, condition.value) & ~missing
            if condition.or_null:
                test |= missing
        keep &= test
    return keep


# --- fitting helpers ------------------------------------------------------------------------------


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
    ]


def _feature_columns(frame: pd.DataFrame, requested: Sequence[str] | None) -> tuple[str, ...]:
    columns = tuple(requested) if requested is not None else tuple(_numeric_columns(frame))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"feature columns missing from the training frame: {missing}")
    wrong = [c for c in columns if c not in _numeric_columns(frame)]
    if wrong:
        raise ValueError(f"feature columns must be numeric or boolean: {wrong}")
    if not columns:
        raise ValueError("no feature columns to fit on")
    return columns


def _labels(bought, rows: int, category: str) -> np.ndarray:
    series = pd.Series(bought)
    if len(series) != rows:
        raise ValueError(f"category {category!r}: {len(series)} labels for {rows} training rows")
    if series.isna().any():
        raise ValueError(f"category {category!r}: labels contain nulls")
    if not set(pd.unique(series.astype("int64"))) <= {0, 1} or not series.astype("int64").eq(series).all():
        raise ValueError(f"category {category!r}: labels must be booleans (bought in the label window)")
    return series.astype(bool).to_numpy()


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column]).to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(values).any():
        raise ValueError(
            f"feature {column!r} holds infinite values; fix the feature (e.g. divide by a non-zero gap)"
        )
    return values


@dataclass(frozen=True)
class _FeatureProfile:
    minimum: float  # smallest non-null training value (inf when there is none)
    sentinel: float  # what nulls are filled with: below every training value
    nullable: bool  # training rows had nulls
    integer: bool  # every non-null training value is a whole number


def _profiles(frame: pd.DataFrame, features: Sequence[str]) -> dict[str, _FeatureProfile]:
    profiles = {}
    for column in features:
        values = _values(frame, column)
        present = values[~np.isnan(values)]
        minimum = float(present.min()) if present.size else math.inf
        sentinel = -1.0 if minimum >= 0 else math.floor(minimum) - 1.0
        integer = bool(present.size) and bool(np.all(present == np.round(present)))
        profiles[column] = _FeatureProfile(minimum, sentinel, present.size < values.size, integer)
    return profiles


def _matrix(frame: pd.DataFrame, features: Sequence[str], sentinels: dict[str, float]) -> np.ndarray:
    """float32 (what the tree computes in), filled column by column: no float64 copy of the whole frame."""
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks the segment features {missing}")
    matrix = np.empty((len(frame), len(features)), dtype=np.float32, order="F")
    for index, column in enumerate(features):
        values = _values(frame, column)
        matrix[:, index] = np.where(np.isnan(values), sentinels[column], values)
    return matrix


def _too_little_data(rows: int, positives: int, settings: SegmentSettings) -> str | None:
    if rows < settings.min_rows:
        return f"only {rows} training rows (minimum {settings.min_rows})"
    if positives < settings.min_positives:
        return f"only {positives} training rows bought the category (minimum {settings.min_positives})"
    if rows - positives < settings.min_positives:
        negatives = rows - positives
        return f"only {negatives} training rows did not buy the category (minimum {settings.min_positives})"
    return None


def _sample(training: pd.DataFrame, id_column: str, settings: SegmentSettings) -> np.ndarray:
    """Every row, or beyond max_training_rows those with the smallest hashes of (id, cutoff_date) in hash
    order: the sample and the order the tree sees it in do not depend on the order of the rows."""
    if len(training) <= settings.max_training_rows:
        return np.arange(len(training))
    if id_column not in training.columns:
        raise ValueError(
            f"{len(training)} training rows (over max_training_rows): sampling them needs '{id_column}'"
        )
    one_cutoff = pd.Series(pd.Timestamp(0), index=training.index)  # rows keyed by the id alone
    cutoffs = training["cutoff_date"] if "cutoff_date" in training.columns else one_cutoff
    _, row_hashes = RowIndex(training[id_column], cutoffs).hashes(settings.random_state)
    return uniform_sample(row_hashes, settings.max_training_rows)


def _fallback(category, features, sentinels, labels: np.ndarray, reason: str) -> CategorySegmentModel:
    rows, buyers = len(labels), int(labels.sum())
    segment = Segment(-1, 1, ALL_CUSTOMERS, (), buyers / rows if rows else float("nan"), rows, buyers)
    return CategorySegmentModel(category, tuple(features), sentinels, (segment,), None, reason)


# --- rules ----------------------------------------------------------------------------------------


def _leaf_rules(tree, features, profiles) -> dict[int, tuple[str, tuple[Condition, ...]]]:
    """{leaf node id: (rule text, conditions)} from the root-to-leaf paths of a fitted tree."""
    t = tree.tree_
    rules: dict[int, tuple[str, tuple[Condition, ...]]] = {}

    def walk(node: int, path: list[tuple[int, str, float]]) -> None:
        if t.children_left[node] == -1:
            rules[node] = _rule(path, features, profiles)
            return
        feature, threshold = int(t.feature[node]), float(t.threshold[node])
        walk(int(t.children_left[node]), [*path, (feature, "<=", threshold)])
        walk(int(t.children_right[node]), [*path, (feature, ">", threshold)])

    walk(0, [])
    return rules


def _rule(path, features, profiles) -> tuple[str, tuple[Condition, ...]]:
    bounds: dict[int, list[float | None]] = {}  # feature -> [lower (exclusive), upper (inclusive)]
    for feature, side, threshold in path:
        low, high = bounds.setdefault(feature, [None, None])
        if side == ">":
            bounds[feature][0] = threshold if low is None else max(low, threshold)
        else:
            bounds[feature][1] = threshold if high is None else min(high, threshold)
    if not bounds:
        return ALL_CUSTOMERS, ()
    texts, conditions = [], []
    for feature, (low, high) in bounds.items():  # in order of first use on the path
        text, feature_conditions = _feature_rule(features[feature], low, high, profiles[features[feature]])
        texts.append(text)
        conditions.extend(feature_conditions)
    return "IF " + " AND ".join(texts), tuple(conditions)


def _feature_rule(name: str, low, high, profile: _FeatureProfile) -> tuple[str, list[Condition]]:
    """Text and conditions for one feature's tightest bounds on a path (low exclusive, high inclusive).

    Every split point lies between two training values, so one below the feature's minimum can only
    separate nulls (the sentinel) from values, and any lower bound excludes nulls.
    """
    if high is not None and high < profile.minimum:
        return f"no {name}", [Condition(name, "is null")]
    excludes_nulls = low is not None
    real_low = low if low is not None and low >= profile.minimum else None
    if real_low is None and high is None:
        return f"has {name}", [Condition(name, "is not null")]
    if profile.integer:  # x > 1.5 is x >= 2, x <= 39.5 is x <= 39
        low_op, low_value = ">=", None if real_low is None else math.floor(real_low) + 1
        high_value = None if high is None else math.floor(high)
    else:
        low_op, low_value, high_value = ">", real_low, high
    conditions = []
    if low_value is not None:
        conditions.append(Condition(name, low_op, low_value))
    if high_value is not None:
        conditions.append(Condition(name, "<=", high_value, or_null=not excludes_nulls))
    if low_value is not None and high_value is not None:
        between = "<=" if profile.integer else "<"
        return f"{_number(low_value)} {between} {name} <= {_number(high_value)}", conditions
    if low_value is not None:
        return f"{name} {low_op} {_number(low_value)}", conditions
    text = f"{name} <= {_number(high_value)}"
    if not excludes_nulls and profile.nullable:
        text = f"({text} or no {name})"
    return text, conditions


def _number(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"
