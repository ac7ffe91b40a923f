"""The raw data contract as data: the optional exchange rates, and the quarantine reasons in rule order."""

from pipeline.raw.contract import ENTITIES, INVALID_REASONS, QUARANTINE_REASONS


def test_exchange_rates_are_an_optional_entity_with_three_required_columns():
    rates = next(entity for entity in ENTITIES if entity.name == "exchange_rates")
    assert not rates.required
    assert rates.columns == ("date", "currency", "rate_to_reporting")


def test_a_missing_exchange_rate_is_checked_right_after_the_currency_itself():
    assert INVALID_REASONS.index("missing_exchange_rate") == INVALID_REASONS.index("unknown_currency") + 1
    assert QUARANTINE_REASONS[-1] == "cancelled" and len(set(QUARANTINE_REASONS)) == len(QUARANTINE_REASONS)
