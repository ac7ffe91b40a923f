"""Read and validate audiences.yml: every problem is reported at once, each naming its audience.

Format (documented in docs/audiences.md):

    audiences:
      - name: churn_risk_high_value          # identifier: lower-case letters, digits, underscores
        description: Valuable customers about to leave, for an e-mail win-back
        channel: email                       # ads | email | sms
        filter: churn_probability > 0.6 and predicted_clv >= p75(predicted_clv)
        control_share: 0.10                  # optional, default from settings (10 %)
        category: shoes                      # optional: makes the propensity columns of this category usable

A definition is valid only if its filter parses and compiles against the column catalog, so a bad
file fails the run before anything is built or published.
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from targeting.column_catalog import ColumnCatalog
from targeting.control_group import DEFAULT_CONTROL_SHARE
from targeting.filter_compiler import compile_filter
from targeting.filter_syntax import Expression, FilterError, parse_filter

CHANNELS = ("ads", "email", "sms")
MAX_CONTROL_SHARE = 0.5  # holding out more than half is almost surely a typo (10 meant as 10 %)
AUDIENCE_KEYS = ("name", "description", "channel", "filter", "control_share", "category")
REQUIRED_KEYS = ("name", "description", "channel", "filter")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")  # also used in upload file names


@dataclass(frozen=True)
class Audience:
    name: str
    description: str
    channel: str
    filter: str
    control_share: float
    category: str | None = None
    expression: Expression | None = field(default=None, compare=False, repr=False)


class AudienceConfigError(ValueError):
    """audiences.yml is invalid; `problems` lists every problem, each naming its audience."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} invalid audience definition(s):\n{listed}")


def load_audiences(
    path: str | Path,
    catalog: ColumnCatalog,
    *,
    default_control_share: float = DEFAULT_CONTROL_SHARE,
    known_categories: Collection[str] | None = None,
) -> tuple[Audience, ...]:
    """Read and validate the audiences file at `path` (see `parse_audiences`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AudienceConfigError(str(path), [f"cannot read the file ({error.strerror})"]) from error
    return parse_audiences(
        text,
        catalog,
        source=str(path),
        default_control_share=default_control_share,
        known_categories=known_categories,
    )


def parse_audiences(
    text: str,
    catalog: ColumnCatalog,
    *,
    source: str = "audiences.yml",
    default_control_share: float = DEFAULT_CONTROL_SHARE,
    known_categories: Collection[str] | None = None,
) -> tuple[Audience, ...]:
    """Validate YAML text against `catalog`; raise AudienceConfigError listing every problem.

    `known_categories`, when given, also checks each audience's `category` against it.
    """
    if not _is_control_share(default_control_share):
        raise ValueError(
            f"default control share {default_control_share!r} is not in [0, {MAX_CONTROL_SHARE}]"
        )
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise AudienceConfigError(
            source, [f"not valid YAML{where}: {getattr(error, 'problem', error)}"]
        ) from None
    if document is None:
        document = {"audiences": []}
    if not isinstance(document, Mapping) or set(document) != {"audiences"}:
        raise AudienceConfigError(source, ["the file must be a mapping with one key, 'audiences:' (a list)"])
    entries = document["audiences"] or []
    if not isinstance(entries, list):
        raise AudienceConfigError(source, ["'audiences' must be a list of audience definitions"])

    problems: list[str] = []
    audiences: list[Audience] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        label = f"audience #{index}"
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            label = f"audience '{entry['name']}'"
        found = _validate(entry, catalog, known_categories)
        problems.extend(f"{label}: {problem}" for problem in found)
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            if entry["name"] in seen:
                problems.append(f"{label}: duplicate name (audience #{seen[entry['name']]} has it too)")
            seen.setdefault(entry["name"], index)
        if not found:
            audiences.append(_audience(entry, default_control_share))
    if problems:
        raise AudienceConfigError(source, problems)
    return tuple(audiences)


def _is_control_share(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= MAX_CONTROL_SHARE


def _validate(entry, catalog, known_categories) -> list[str]:
    if not isinstance(entry, Mapping):
        return ["must be a mapping with name, description, channel and filter"]
    problems = [
        f"unknown key '{key}' (allowed: {', '.join(AUDIENCE_KEYS)})"
        for key in entry
        if key not in AUDIENCE_KEYS
    ]
    problems += [f"'{key}' is required" for key in REQUIRED_KEYS if key not in entry]
    name = entry.get("name")
    if "name" in entry and not (isinstance(name, str) and _NAME.fullmatch(name)):
        problems.append(
            f"name {name!r} must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)"
        )
    if "description" in entry and not (
        isinstance(entry["description"], str) and entry["description"].strip()
    ):
        problems.append("'description' must be non-empty text")
    channel = entry.get("channel")
    if "channel" in entry and channel not in CHANNELS:
        problems.append(f"unknown channel {channel!r} (allowed: {', '.join(CHANNELS)})")
    if "control_share" in entry and not _is_control_share(entry["control_share"]):
        problems.append(
            f"control_share {entry['control_share']!r} must be a number between 0 and {MAX_CONTROL_SHARE}"
            " (e.g. 0.1 for 10 %)"
        )
    category = entry.get("category")
    if "category" in entry:
        if not (isinstance(category, str) and category.strip()):
            problems.append("'category' must be non-empty text")
        elif known_categories is not None and category not in known_categories:
            problems.append(
                f"unknown category {category!r} (known: {', '.join(sorted(known_categories)) or 'none'})"
            )
    if "filter" in entry:
        problems += _filter_problems(entry["filter"], catalog, has_category="category" in entry)
    return problems


def _filter_problems(text, catalog: ColumnCatalog, *, has_category: bool) -> list[str]:
    if not isinstance(text, str):
        return [f"filter must be text, got {type(text).__name__} (quote it in YAML)"]
    try:
        compile_filter(parse_filter(text), catalog, has_category=has_category)
    except FilterError as error:
        return [describe_filter_error(text, error)]
    return []


def describe_filter_error(text: str, error: FilterError) -> str:
    """The problem, its position, and the filter's line with a caret under the position."""
    one_line = text.replace("\n", " ").replace("\r", " ")
    caret = " " * (error.position - 1) + "^"
    return f"filter: {error.message} at position {error.position}\n      {one_line}\n      {caret}"


def _audience(entry: Mapping, default_control_share: float) -> Audience:
    return Audience(
        name=entry["name"],
        description=entry["description"].strip(),
        channel=entry["channel"],
        filter=entry["filter"],
        control_share=float(entry.get("control_share", default_control_share)),
        category=entry.get("category"),
        expression=parse_filter(entry["filter"]),
    )
