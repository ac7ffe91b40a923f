"""BG/NBD + Gamma-Gamma (models_ml.btyd): real fits on customers simulated from known parameters, the
closed forms against numerical integration, and the edge cases a shop's data brings."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.optimize import check_grad
from scipy.special import hyp2f1

from models_ml import btyd
from models_ml.btyd import BgNbdParams, FittedBtyd, btyd_summary, fit_btyd

TRUE_BGNBD = BgNbdParams(r=0.8, alpha=25.0, a=0.7, b=2.5)
TRUE_P, TRUE_Q, TRUE_GAMMA = 6.0, 4.0, 40.0  # Gamma-Gamma: mean value 6 * 40 / 3 = 80
HORIZON = 180.0


def simulate(customers: int, seed: int, horizon: float = HORIZON) -> pd.DataFrame:
    """A BTYD summary drawn from the models' own story, plus what each customer does in the horizon.

    Each customer buys at rate lambda ~ Gamma(r, alpha) from their first purchase at age 0, drops out
    after each repeat purchase with probability p ~ Beta(a, b), and spends Gamma(p, nu) a purchase with
    nu ~ Gamma(q, gamma). monetary averages every purchase to the cutoff, the first included, as
    btyd_summary does with the feature table."""
    rng = np.random.default_rng(seed)
    truth = TRUE_BGNBD
    rate = rng.gamma(truth.r, 1 / truth.alpha, customers)
    drop = rng.beta(truth.a, truth.b, customers)
    nu = rng.gamma(TRUE_Q, 1 / TRUE_GAMMA, customers)
    age = rng.uniform(60, 540, customers)
    clock, t_x = np.zeros(customers), np.zeros(customers)
    repeats, future = np.zeros(customers), np.zeros(customers)
    spend, future_spend = rng.gamma(TRUE_P, 1 / nu), np.zeros(customers)
    buying = np.ones(customers, dtype=bool)
    while buying.any():
        who = np.flatnonzero(buying)
        clock[who] += rng.exponential(1 / rate[who])
        over = clock[who] > age[who] + horizon
        buying[who[over]] = False
        who = who[~over]
        value = rng.gamma(TRUE_P, 1 / nu[who])
        past = clock[who] <= age[who]
        repeats[who[past]] += 1
        t_x[who[past]] = clock[who[past]]
        spend[who[past]] += value[past]
        future[who[~past]] += 1
        future_spend[who[~past]] += value[~past]
        buying[who[rng.uniform(size=len(who)) < drop[who]]] = False
    return pd.DataFrame(
        {
            "customer_id": [f"c{i:05d}" for i in range(customers)],
            "frequency": repeats,
            "t_x": t_x,
            "T": age,
            "monetary": spend / (repeats + 1),
            "future_purchases": future,
            "future_spend": future_spend,
        }
    )


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return simulate(2000, seed=7)


@pytest.fixture(scope="module")
def fitted(population) -> FittedBtyd:
    fit = fit_btyd(population)
    assert fit.model is not None, fit.reason
    return fit.model


def test_parameters_land_near_the_truth(fitted):
    got, truth = fitted.purchases, TRUE_BGNBD
    # 2,000 customers: a and b (drop-out) are the least precise; 30 % is about two standard errors
    assert got.r == pytest.approx(truth.r, rel=0.2)
    assert got.alpha == pytest.approx(truth.alpha, rel=0.25)
    assert got.a == pytest.approx(truth.a, rel=0.3)
    assert got.b == pytest.approx(truth.b, rel=0.3)
    assert fitted.spend is not None
    assert fitted.spend.mean_value == pytest.approx(TRUE_P * TRUE_GAMMA / (TRUE_Q - 1), rel=0.1)
    assert fitted.notes == ()


def test_predictions_track_what_customers_then_do(fitted, population):
    pred = fitted.predict(population, HORIZON)
    bought = population["future_purchases"].to_numpy()
    assert stats.spearmanr(pred.expected_purchases, bought).statistic > 0.5
    assert pred.expected_purchases.sum() == pytest.approx(bought.sum(), rel=0.15)
    # P(a purchase) is calibrated on average, and ranks buyers above the others
    assert pred.p_purchase_within.mean() == pytest.approx((bought > 0).mean(), abs=0.03)
    assert _auc(pred.p_purchase_within, bought > 0) > 0.75
    spent = population["future_spend"].to_numpy()
    assert pred.expected_spend.sum() == pytest.approx(spent.sum(), rel=0.15)
    assert stats.spearmanr(pred.expected_spend, spent).statistic > 0.5
    assert np.all((pred.p_alive > 0) & (pred.p_alive <= 1))
    assert np.all(pred.p_purchase_within <= pred.p_alive + 1e-12)  # a purchase needs a live customer


def _auc(score: np.ndarray, positive: np.ndarray) -> float:
    ranks = stats.rankdata(score)
    n_pos = positive.sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (~positive).sum()))


def test_same_input_same_output_whatever_the_row_order(population, fitted):
    again = fit_btyd(population).model
    shuffled = population.sample(frac=1.0, random_state=1)
    reordered = fit_btyd(shuffled).model
    assert again == fitted
    assert reordered == fitted
    base = fitted.predict(population, 90).to_frame(population.index)
    moved = fitted.predict(shuffled, 90).to_frame(shuffled.index).loc[population.index]
    pd.testing.assert_frame_equal(base, moved)


def test_a_large_shop_is_fitted_on_a_deterministic_hash_sample(population):
    small = fit_btyd(population, max_fit_customers=800).model
    shuffled = fit_btyd(population.sample(frac=1.0, random_state=2), max_fit_customers=800).model
    assert small == shuffled
    assert small.fitted_customers == 800
    assert "hash sample of 800 of 2,000" in small.notes[0]
    assert small.purchases.r == pytest.approx(TRUE_BGNBD.r, rel=0.4)
    other_seed = fit_btyd(population, max_fit_customers=800, seed=1).model
    assert other_seed.purchases != small.purchases


def test_a_sample_by_the_runs_customer_hashes_follows_the_customer_not_the_row(population):
    # the run hands each row's customer hash (RowIndex.hashes) so the ids are not hashed again
    hashes = pd.util.hash_pandas_object(population["customer_id"], index=False).to_numpy()
    by_hash = fit_btyd(population, max_fit_customers=800, sample_hashes=hashes).model
    order = np.random.default_rng(3).permutation(len(population))
    moved = fit_btyd(population.iloc[order], max_fit_customers=800, sample_hashes=hashes[order]).model
    assert by_hash == moved
    assert by_hash.fitted_customers == 800
    assert by_hash.purchases.r == pytest.approx(TRUE_BGNBD.r, rel=0.4)
    # other hashes draw other customers
    other = fit_btyd(population, max_fit_customers=800, sample_hashes=hashes[::-1].copy()).model
    assert other.purchases != by_hash.purchases


def test_expected_purchases_match_numerical_integration():
    # E[X(t) | alive] = E over p ~ Beta(a, b + x) of (1 - E[e^(-lambda p t)]) / p,
    # with lambda ~ Gamma(r + x, alpha + T): a one-dimensional integral quad can do
    params = BgNbdParams(r=0.6, alpha=40.0, a=0.8, b=3.0)
    rows = [(0, 0, 0), (1, 10, 20), (5, 100, 400), (60, 700, 730), (3000, 729, 730)]  # (x, t_x, T)
    for x, t_x, T in rows:
        for t in (7.0, 90.0, 3000.0):
            alive, expected, _ = btyd._bgnbd_predict(params, *(np.array([float(v)]) for v in (x, t_x, T, t)))
            assert np.isfinite(expected[0]) and np.isfinite(alive[0])

            def integrand(p, x=x, T=T, t=t):
                buys = -np.expm1(-(params.r + x) * np.log1p(p * t / (params.alpha + T))) / p
                return buys * stats.beta.pdf(p, params.a, params.b + x)

            reference, _ = integrate.quad(integrand, 0, 1, points=[1e-6, 1e-3, 1 / (x + 1)], limit=200)
            if alive[0] > 1e-300:
                assert expected[0] / alive[0] == pytest.approx(reference, rel=1e-5)


def test_drop_out_alike_for_everyone_still_gives_expected_purchases():
    # a shop's first months fit a and b in the hundreds of thousands (measured at 10 M orders: a = 182,737,
    # b = 2,802,256): the transformed series is inf times 0 there, and 300,000 feature rows were NaN
    x = np.array([0.0, 1, 2, 5, 30, 300, 3000])
    T = np.array([10.0, 100, 200, 300, 400, 30, 500])
    extreme = BgNbdParams(r=0.224, alpha=38.24, a=182_736.6, b=2_802_256.3)
    _, expected, _ = btyd._bgnbd_predict(extreme, x, 0.8 * T, T, 30.0)
    assert np.isfinite(expected).all()
    # the same drop-out probability (a / (a + b)) with less certainty about it converges to it
    nearby = BgNbdParams(r=0.224, alpha=38.24, a=0.0612 * 1e4, b=0.9388 * 1e4)
    _, close, _ = btyd._bgnbd_predict(nearby, x, 0.8 * T, T, 30.0)
    np.testing.assert_allclose(expected[:5], close[:5], rtol=0.01)
    # one horizon per row takes the same path
    _, per_row, _ = btyd._bgnbd_predict(extreme, x, 0.8 * T, T, np.full(len(x), 30.0))
    np.testing.assert_allclose(per_row, expected)


def test_a_customer_on_their_first_day_gets_the_new_customer_forecast(fitted):
    # x = t_x = T = 0: the paper's E[X(t)] for a new customer, and P(X(t) = 0) = (alpha/(alpha+t))^r
    r, alpha, a, b = (getattr(fitted.purchases, k) for k in ("r", "alpha", "a", "b"))
    t = 60.0
    pred = fitted.predict(pd.DataFrame({"frequency": [0], "t_x": [0], "T": [0], "monetary": [np.nan]}), t)
    z = t / (alpha + t)
    new = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))
    assert pred.expected_purchases[0] == pytest.approx(new, rel=1e-8)
    assert pred.p_purchase_within[0] == pytest.approx(1 - (alpha / (alpha + t)) ** r, rel=1e-10)
    assert pred.p_alive[0] == 1.0
    assert pred.expected_spend[0] == pytest.approx(new * fitted.spend.mean_value, rel=1e-8)


def test_gradients_are_the_likelihoods_derivatives(population):
    x, t_x, T = (population[k].to_numpy()[:300] for k in ("frequency", "t_x", "T"))
    weight = np.ones(300)

    def bgnbd(theta):
        return btyd._bgnbd_loglik(theta, x, t_x, T, weight)

    theta = np.log([0.7, 30.0, 0.9, 2.0])
    assert check_grad(lambda th: bgnbd(th)[0], lambda th: bgnbd(th)[1], theta) < 1e-5
    repeat = x > 0
    z, n = population["monetary"].to_numpy()[:300][repeat] / 80, x[repeat] + 1

    def gamma_gamma(theta):
        return btyd._gamma_gamma_loglik(theta, z, n, np.ones(len(z)))

    theta = np.log([3.0, 2.0, 1.5])
    assert check_grad(lambda th: gamma_gamma(th)[0], lambda th: gamma_gamma(th)[1], theta) < 1e-5


def test_only_one_time_buyers_gives_no_model_and_says_why(population):
    once = population.assign(frequency=0.0, t_x=0.0)
    fit = fit_btyd(once)
    assert fit.model is None
    assert "0 repeat customer(s) among 2,000" in fit.reason


def test_no_usable_customer_gives_no_model():
    empty = pd.DataFrame(
        {"customer_id": ["a"], "frequency": [np.nan], "t_x": [np.nan], "T": [np.nan], "monetary": [np.nan]}
    )
    assert fit_btyd(empty).reason == "no customer with a purchase before the cutoff"
    assert fit_btyd(empty.iloc[:0]).model is None


def test_a_tiny_shop_still_fits_and_predicts_in_range():
    shop = simulate(60, seed=11)
    fit = fit_btyd(shop)
    assert fit.model is not None, fit.reason
    pred = fit.model.predict(shop, 90)
    for values in (pred.p_alive, pred.p_purchase_within):
        assert np.all(np.isfinite(values) & (values >= 0) & (values <= 1))
    assert np.all(np.isfinite(pred.expected_spend) & (pred.expected_spend >= 0))


def test_edge_rows_predict_without_breaking_the_fit(population):
    edges = pd.DataFrame(
        {
            "customer_id": [
                "first-day",
                "first-day-repeat",
                "huge",
                "huge-silent",
                "no-purchase",
                "refunded",
            ],
            "frequency": [0.0, 3.0, 20_000.0, 20_000.0, np.nan, 2.0],
            "t_x": [0.0, 0.0, 730.0, 700.0, np.nan, 50.0],
            "T": [0.0, 0.0, 730.0, 730.0, np.nan, 100.0],
            "monetary": [25.0, 40.0, 10.0, 10.0, np.nan, np.nan],
        }
    )
    fit = fit_btyd(pd.concat([population, edges], ignore_index=True))
    assert fit.model is not None, fit.reason
    # the heavy buyers are left out of the fit, so the population's parameters stay where they were
    assert fit.model.purchases.r == pytest.approx(TRUE_BGNBD.r, rel=0.2)
    assert "2 customer(s) with over" in fit.model.notes[0]
    pred = fit.model.predict(edges, 90).to_frame(edges["customer_id"])
    usable = pred.drop(index="no-purchase")
    assert np.isfinite(usable.to_numpy()).all()
    assert pred.loc["no-purchase"].isna().all()
    assert pred.loc["first-day", "p_alive"] == 1.0
    # 20,000 purchases in 730 days, the last today: alive, and buying at their own rate
    assert pred.loc["huge", "p_alive"] > 0.99
    assert pred.loc["huge", "expected_purchases"] == pytest.approx(20_000 / 730 * 90, rel=0.1)
    # the same customer silent for 30 days, at 27 purchases a day: gone
    assert pred.loc["huge-silent", "p_alive"] < 1e-6
    # no spend of their own (refunded): the population's mean value a purchase
    refunded = pred.loc["refunded"]
    assert refunded["expected_spend"] == pytest.approx(
        refunded["expected_purchases"] * fit.model.spend.mean_value, rel=1e-9
    )


def test_without_enough_spend_data_spend_falls_back_to_own_mean(population):
    few_values = population.assign(monetary=np.where(np.arange(len(population)) < 5, 50.0, np.nan))
    fit = fit_btyd(few_values)
    assert fit.model is not None and fit.model.spend is None
    assert "no Gamma-Gamma" in fit.model.notes[-1]
    pred = fit.model.predict(few_values.iloc[:10], 90)
    assert pred.expected_spend[:5] == pytest.approx(pred.expected_purchases[:5] * 50.0)
    assert pred.expected_spend[5:] == pytest.approx(pred.expected_purchases[5:] * fit.model.fallback_value)


def test_the_model_round_trips_through_json(fitted, population):
    restored = FittedBtyd.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert restored == fitted
    np.testing.assert_array_equal(
        restored.predict(population, 30).expected_spend, fitted.predict(population, 30).expected_spend
    )


def test_summary_from_feature_rows():
    features = pd.DataFrame(
        {
            "customer_id": ["three-days", "same-day-pair", "refunds-only", "refunded-money"],
            "order_count": [4.0, 2.0, 0.0, 2.0],
            "tenure_days": [100.0, 30.0, np.nan, 40.0],
            "recency_days": [10.0, 30.0, np.nan, 0.0],
            # mean gap between distinct purchase days: three days, 90 days apart in all; one day only
            "gap_mean_days": [45.0, np.nan, np.nan, 40.0],
            "revenue": [300.0, 80.0, -20.0, -5.0],
        },
        index=[10, 11, 12, 13],
    )
    summary = btyd_summary(features)
    assert list(summary.index) == [10, 11, 12, 13]
    assert summary["frequency"].tolist()[:2] == [2.0, 0.0]  # purchase days - 1, not orders - 1
    assert summary["t_x"].tolist()[:2] == [90.0, 0.0]
    assert summary["T"].tolist()[:2] == [100.0, 30.0]
    assert summary["monetary"].tolist()[:2] == [100.0, 80.0]  # per purchase day, the first included
    assert summary.loc[12, ["frequency", "T", "monetary"]].isna().all()
    assert np.isnan(summary.loc[13, "monetary"])
    # an older feature table without the gap: orders - 1, same-day orders counted as repeats
    fallback = btyd_summary(features.drop(columns="gap_mean_days"))
    assert fallback["frequency"].tolist()[:2] == [3.0, 1.0]
