"""Champion / challenger: pure decisions about which model scores, and whether retraining is due."""

import math
from dataclasses import dataclass
from datetime import datetime

WINNERS = ("challenger", "champion", "baseline")


@dataclass(frozen=True)
class ChampionDecision:
    """Which model scores this run and why (`winner` is 'challenger', 'champion' or 'baseline')."""

    model: str
    winner: str
    reason: str
    metric: str | None = None
    challenger_version: str | None = None
    challenger_value: float | None = None
    champion_version: str | None = None
    champion_value: float | None = None


def retrain_due(champion_trained_at: datetime | None, now: datetime, retrain_every_hours: float) -> bool:
    """True when there is no champion or it is at least `retrain_every_hours` old."""
    if champion_trained_at is None:
        return True
    age_hours = (now - champion_trained_at).total_seconds() / 3600
    return age_hours >= retrain_every_hours


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4f}"


def decide_champion(
    model: str,
    metric: str,
    higher_is_better: bool,
    tolerance: float,
    challenger_version: str,
    challenger_value: float | None,
    champion_version: str | None = None,
    champion_value: float | None = None,
    champion_problem: str | None = None,
) -> ChampionDecision:
    """Keep the champion only if the challenger is worse by more than `tolerance` on the same window.

    Both values must come from the same held-out cutoff. `champion_problem` says why the champion
    could not be evaluated there (missing features, it has seen that period); the challenger then wins.
    """
    decision = dict(
        model=model,
        metric=metric,
        challenger_version=challenger_version,
        challenger_value=challenger_value,
        champion_version=champion_version,
        champion_value=champion_value,
    )
    if champion_version is None:
        return ChampionDecision(winner="challenger", reason="no champion yet", **decision)
    if champion_problem:
        return ChampionDecision(
            winner="challenger", reason=f"champion cannot be evaluated: {champion_problem}", **decision
        )
    if champion_value is None or math.isnan(champion_value):
        return ChampionDecision(
            winner="challenger", reason=f"champion has no {metric} on the held-out cutoff", **decision
        )
    if challenger_value is None or math.isnan(challenger_value):
        return ChampionDecision(
            winner="champion", reason=f"challenger has no {metric} on the held-out cutoff", **decision
        )
    margin = challenger_value - champion_value if higher_is_better else champion_value - challenger_value
    compared = (
        f"{metric} {_fmt(challenger_value)} (challenger) vs {_fmt(champion_value)} (champion), "
        f"tolerance {tolerance:g}"
    )
    if margin >= -tolerance:
        return ChampionDecision(winner="challenger", reason=f"challenger not worse: {compared}", **decision)
    return ChampionDecision(winner="champion", reason=f"challenger worse: {compared}", **decision)
