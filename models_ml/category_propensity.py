"""Category propensity: one pooled classifier over (customer, cutoff, category) rows, category as a feature.

Why one pooled model rather than one per category: the drivers of buying again (recency, frequency,
spend) are shared across categories, so a rare category borrows strength from the others instead of
falling under the minimum of positives; it is one fit bounded by the sample, whatever the number of
categories; and scoring reuses the customers' matrix, adding only the category's one-hot and the
customer's spend share in it, one category at a time (1 M customers × 7 categories never materialise
a 7 M-row matrix). A category with too few positives of its own still falls back to its baseline.
"""

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from models_ml.baselines import RF_COLUMNS, CellRate, order_rate_probability, rf_cells
from models_ml.boosting import Target
from models_ml.contract import CUTOFF, SCORING_FLAG
from models_ml.design import MIX_PREFIXES, slug
from models_ml.labelled import LabelledSet
from models_ml.registry import ModelBundle
from models_ml.run_context import RunContext
from models_ml.sampling import smallest_hashes
from models_ml.training import Problem

CATEGORY_MODEL = "category_propensity"
CATEGORY_PREFIX = "category__"
SHARE_FEATURE = "category_spend_share"
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # spreads category indices over the hash space


def _unique_slugs(categories: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for category in categories:
        base = slug(category)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return out


class CategoryProblem(Problem):
    model, kind, label = CATEGORY_MODEL, "classifier", "bought"

    def __init__(self, context: RunContext):
        self.context = context
        config, design = context.config, context.design
        self.requested_horizon_days = config.category_horizon_days
        labels = context.inputs.category_labels
        self.categories = sorted(labels["category"].unique().tolist())
        slugs = _unique_slugs(self.categories)
        self.names = [*design.names, *(CATEGORY_PREFIX + s for s in slugs), SHARE_FEATURE]
        self._share_names = [MIX_PREFIXES["category"] + slug(c) for c in self.categories]
        self._share_columns = [design.names.index(n) if n in design.names else -1 for n in self._share_names]
        self.rows_per_cutoff_cap = math.ceil(
            max(config.sample_size, config.evaluation_sample_size) / max(len(self.categories), 1)
        )
        self.labelled = self._labelled(labels)

    def _labelled(self, labels: pd.DataFrame) -> LabelledSet:
        """Every (customer-cutoff, category) pair at a labelled cutoff; a pair without a row is not bought.

        A cutoff is labelled when it has any category label row, so the frame may list only purchases.
        Large cutoffs are capped (by hash) to what the samples can use, before the rows are multiplied
        by the number of categories.
        """
        features, context = self.context.design.features, self.context
        count = len(self.categories)
        windows = labels.groupby(CUTOFF)["window_days"].max()
        training = ~features[SCORING_FLAG].to_numpy() & features[CUTOFF].isin(windows.index).to_numpy()
        universe = np.flatnonzero(training)
        cutoff = features[CUTOFF].to_numpy("datetime64[s]")[universe]
        keep = [
            smallest_hashes(context.row_hash, members, self.rows_per_cutoff_cap)
            for members in (universe[cutoff == c] for c in np.unique(cutoff))
        ]
        universe = np.sort(np.concatenate(keep)) if keep else universe
        self.universe_rows = len(universe)
        bought = labels[labels["bought"].astype(bool)]
        bought_rows = context.inputs.locate(bought)
        category_index = pd.Categorical(bought["category"], categories=self.categories).codes
        positive_keys = (bought_rows * count + category_index)[bought_rows >= 0]

        rows = np.repeat(universe, count)
        category = np.tile(np.arange(count), len(universe))
        label = np.isin(rows * count + category, positive_keys).astype(np.float64)
        row_cutoff = features[CUTOFF].to_numpy("datetime64[s]")[rows]
        window = pd.Series(row_cutoff).map(windows.astype("float64")).to_numpy(np.float64)
        with np.errstate(over="ignore"):
            row_hash = context.row_hash[rows] ^ ((category.astype(np.uint64) + np.uint64(1)) * _GOLDEN)
        return LabelledSet(
            rows,
            Target("classifier", label, window),
            row_cutoff,
            context.customer_hash[rows],
            row_hash,
            category,
        )

    def _share(self, matrix: np.ndarray, category: np.ndarray) -> np.ndarray:
        """Each row's spend share in its category (0 where the shop has no such mix column)."""
        columns = np.array(self._share_columns)[category]
        known = columns >= 0
        share = np.zeros(len(category), dtype=np.float32)
        share[known] = matrix[np.flatnonzero(known), columns[known]]
        return np.nan_to_num(share, nan=0.0)  # a share pivoted in SQL is null where nothing was spent

    def _extras(self, matrix: np.ndarray, category: np.ndarray) -> np.ndarray:
        """One-hot of the category and the customer's spend share in it, beside the customer matrix."""
        extras = np.zeros((len(category), len(self.categories) + 1), dtype=np.float32)
        extras[np.arange(len(category)), category] = 1.0
        extras[:, -1] = self._share(matrix, category)
        return extras

    def matrix(self, subset: LabelledSet) -> np.ndarray:
        customers = self.context.design.matrix(subset.rows)
        return np.hstack([customers, self._extras(customers, subset.category)])

    def scoring_blocks(self) -> Iterator[np.ndarray]:
        for index in range(len(self.categories)):  # category-major, each category chunk by chunk
            for _, customers in self.context.scoring_chunks():
                yield np.hstack([customers, self._extras(customers, np.full(len(customers), index))])

    def baseline(self, fit: LabelledSet | None, on: LabelledSet | None) -> np.ndarray:
        """Spend share in the category × the rate of buying anything in the window (RF cell)."""
        context = self.context
        if on is None:  # category-major, like scoring_blocks
            rows = context.scoring_rows
            # the share columns alone; NaN (no such mix column, or nothing spent) is a share of 0
            shares = np.nan_to_num(context.scoring_columns(self._share_names), nan=0.0)
            share = shares.flatten(order="F")  # category k's shares of every customer, then k + 1
            repeat = len(self.categories)
        else:
            rows, repeat = on.rows, 1
            share = self._share(context.design.matrix(rows), on.category)
        frame = context.frame(rows, [*RF_COLUMNS, "orders_365d", "order_count", "tenure_days"])
        if fit is None:
            horizon = self.horizon_days() or float(self.requested_horizon_days)
            buy_any = order_rate_probability(frame, horizon, "purchase")
        else:
            bought_any = pd.Series(fit.target.label).groupby(fit.rows).max()
            fit_cells = rf_cells(context.frame(bought_any.index.to_numpy(), RF_COLUMNS))
            buy_any = CellRate.fit(fit_cells, bought_any.to_numpy()).predict(rf_cells(frame))
        return share.astype(np.float64) * np.tile(buy_any, repeat)

    def baseline_method(self, fit: LabelledSet | None) -> str:
        rate = "order rate (Poisson)" if fit is None else "recency x frequency rate of buying anything"
        return f"spend share of the category x {rate}"

    def incompatibility(self, bundle: ModelBundle) -> str | None:
        if bundle.metadata.get("categories") != self.categories:
            return "its categories differ from today's"
        return super().incompatibility(bundle)

    def positives_by_category(self) -> np.ndarray:
        return np.bincount(self.labelled.category[self.labelled.positive], minlength=len(self.categories))

    def extra_metadata(self) -> dict:
        return {"categories": self.categories, "category_rows_per_cutoff_cap": self.rows_per_cutoff_cap}
