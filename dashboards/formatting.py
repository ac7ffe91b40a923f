"""Numbers as a shop owner reads them: amounts in the reporting currency, shares in %, counts with commas."""

import math


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: object, currency: str) -> str:
    if _missing(value):
        return "–"
    # cents matter on an average order, not on a year's revenue (and a long figure gets cut off)
    digits = 0 if abs(float(value)) >= 10_000 else 2
    return f"{float(value):,.{digits}f} {currency}"


def count(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):,.0f}"


def share(value: object) -> str:
    return "–" if _missing(value) else f"{float(value):.1%}"


def number(value: object, digits: int = 3) -> str:
    return "–" if _missing(value) else f"{float(value):,.{digits}f}"
