"""BG/NBD + Gamma-Gamma fitted at every cutoff of a run, on that cutoff's own feature rows (which are as of
the cutoff, so nothing after it leaks in): its outputs become features for XGBoost, and its predictions
over a target's window make the BG/NBD candidate of purchase, churn and CLV."""

import numpy as np
import pandas as pd

from models_ml.btyd import BtydPrediction, btyd_summary, fit_btyd
from models_ml.contract import CUTOFF
from models_ml.row_index import mix64

# the feature columns added to every feature row (NaN where the cutoff's fit failed)
P_ALIVE, EXPECTED_PURCHASES, EXPECTED_SPEND = "btyd_p_alive", "btyd_expected_purchases", "btyd_expected_spend"
BTYD_FEATURES = (P_ALIVE, EXPECTED_PURCHASES, EXPECTED_SPEND)
# turns the run's customer hashes into the fits' sampling hashes: a stream of its own, so the customers a
# fit samples are not the ones the train/holdout split puts on one side
_SAMPLE_STREAM = np.uint64(0x6274796473616D70)  # "btydsamp"


class CutoffBtyd:
    """One fit per cutoff; predictions for any rows, each with the fit of its own cutoff."""

    def __init__(self, features: pd.DataFrame, seed: int, customer_hashes: np.ndarray | None = None):
        """`customer_hashes`: one 64-bit hash of each row's customer (RowIndex.hashes), to sample the fits
        by; without them each fit hashes its customer ids."""
        self.summary = btyd_summary(features).reset_index(drop=True)
        self.cutoff = features[CUTOFF].to_numpy("datetime64[s]")
        sampling = None if customer_hashes is None else mix64(customer_hashes ^ _SAMPLE_STREAM)
        self.fits = {}
        self.reasons: dict[str, str] = {}  # cutoff day -> why BG/NBD could not be fitted there
        for cutoff in np.unique(self.cutoff):
            mine = np.flatnonzero(self.cutoff == cutoff)
            hashes = None if sampling is None else sampling[mine]
            fit = fit_btyd(self.summary.iloc[mine], seed=seed, sample_hashes=hashes)
            self.fits[cutoff] = fit.model
            if fit.model is None:
                self.reasons[str(cutoff.astype("datetime64[D]"))] = fit.reason or "no fit"

    def predict(self, rows: np.ndarray, horizon_days: float | np.ndarray) -> BtydPrediction | None:
        """Predictions of feature rows `rows` over `horizon_days` (one number, or one per row); None when
        no cutoff of these rows has a fit."""
        rows = np.asarray(rows, dtype=np.int64)
        horizon = np.broadcast_to(np.asarray(horizon_days, dtype=np.float64), rows.shape)
        nan = np.full(len(rows), np.nan)
        out = {
            name: nan.copy()
            for name in ("p_alive", "expected_purchases", "p_purchase_within", "expected_spend")
        }
        cutoffs = self.cutoff[rows]
        fitted = False
        for cutoff in np.unique(cutoffs):
            model = self.fits.get(cutoff)
            if model is None:
                continue
            fitted = True
            mine = np.flatnonzero(cutoffs == cutoff)
            prediction = model.predict(self.summary.iloc[rows[mine]], horizon[mine])
            for name in out:
                out[name][mine] = getattr(prediction, name)
        return BtydPrediction(**out) if fitted else None

    def features(self, purchase_days: float, spend_days: float) -> pd.DataFrame:
        """The feature columns of every row: P(alive), expected purchases over the purchase horizon and
        expected spend over the CLV horizon."""
        frame = pd.DataFrame(np.nan, index=range(len(self.summary)), columns=list(BTYD_FEATURES))
        rows = np.arange(len(self.summary))
        # two predictions, not three: P(alive) does not depend on the horizon, so the purchase one carries it
        purchases = self.predict(rows, purchase_days)
        if purchases is None:
            return frame
        spend = purchases if spend_days == purchase_days else self.predict(rows, spend_days)
        frame[P_ALIVE] = purchases.p_alive
        frame[EXPECTED_PURCHASES] = purchases.expected_purchases
        frame[EXPECTED_SPEND] = spend.expected_spend
        return frame
