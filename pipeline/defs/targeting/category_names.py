"""How an audience's `category:` names a category: by its slug (as label_slugs publishes it, an identifier
that survives a shop renaming 'GROCERY' to 'Grocery') or by the shop's own label."""

from collections.abc import Iterable

from models_ml.design import slug


def category_names(labels: Iterable[str]) -> dict[str, str]:
    """Every accepted name -> the label the propensity table holds. A label wins over a slug it spells."""
    labels = sorted(set(labels))
    # two labels sharing a slug: the first in sort order takes it (the other is still reachable by label)
    by_slug = {slug(label): label for label in reversed(labels)}
    return {**by_slug, **{label: label for label in labels}}
