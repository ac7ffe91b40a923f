"""audiences.yml validation: all problems at once, each naming its audience; the shipped file is valid."""

from pathlib import Path

import pytest
import yaml

from targeting.audience_config import AudienceConfigError, load_audiences, parse_audiences
from targeting.column_catalog import ColumnCatalog

REPO_ROOT = Path(__file__).resolve().parents[2]
# the columns the shipped audiences rely on: the customers mart (marts/customers/customers.sql) and
# the predictions tables' columns named in the predictions issue
CATALOG = ColumnCatalog(
    {
        "customers": {
            "customer_id": "VARCHAR",
            "order_count": "BIGINT",
            "revenue": "DECIMAL(18,2)",
            "recency_days": "INTEGER",
            "tenure_days": "INTEGER",
            "lifecycle_state": "VARCHAR",
            "frequency_group": "VARCHAR",
        },
        "customer_predictions": {
            "customer_id": "VARCHAR",
            "churn_probability": "DOUBLE",
            "purchase_probability_30d": "DOUBLE",
            "predicted_clv": "DOUBLE",
        },
        "customer_category_propensity": {
            "customer_id": "VARCHAR",
            "category": "VARCHAR",
            "probability": "DOUBLE",
            "rank": "INTEGER",
        },
    }
)


def audiences_yaml(*entries: dict) -> str:
    return yaml.safe_dump({"audiences": list(entries)}, sort_keys=False)


def entry(name="churners", channel="email", filter="churn_probability > 0.6", **extra) -> dict:
    return {"name": name, "description": "someone to write to", "channel": channel, "filter": filter, **extra}


def problems(text: str, **kwargs) -> list[str]:
    with pytest.raises(AudienceConfigError) as caught:
        parse_audiences(text, CATALOG, source="audiences.yml", **kwargs)
    assert str(caught.value).startswith("audiences.yml: ")
    return caught.value.problems


def test_the_shipped_audiences_file_is_valid():
    audiences = load_audiences(REPO_ROOT / "config" / "audiences.yml", CATALOG)
    assert len(audiences) >= 4
    assert {a.channel for a in audiences} == {"ads", "email", "sms"}
    assert len({a.name for a in audiences}) == len(audiences)


def test_a_valid_audience_with_defaults_and_options():
    text = audiences_yaml(
        entry(), entry("shoe_fans", "ads", "probability >= 0.3 and rank <= 2", category="shoes")
    )
    churners, shoes = parse_audiences(text, CATALOG, default_control_share=0.2, known_categories={"shoes"})
    assert (churners.name, churners.channel, churners.control_share, churners.category) == (
        "churners",
        "email",
        0.2,
        None,
    )
    assert (shoes.category, shoes.control_share) == ("shoes", 0.2)
    assert churners.expression is not None
    assert parse_audiences("", CATALOG) == ()
    assert parse_audiences("audiences: []", CATALOG) == ()


def test_unknown_column_names_the_audience_the_position_and_a_suggestion():
    (problem,) = problems(audiences_yaml(entry(filter="order_count > 1 and churn_probabilty > 0.6")))
    assert problem.startswith(
        "audience 'churners': filter: unknown column 'churn_probabilty' (did you mean 'churn_probability' or"
    )
    assert "?) at position 21\n" in problem
    assert problem.endswith("order_count > 1 and churn_probabilty > 0.6\n" + " " * 6 + " " * 20 + "^")


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        ("1=1; drop table customers", "';' is not allowed"),
        ("__import__('os')", "unknown function '__import__'"),
        ("x' or '1'='1", "expected 'and', 'or' or the end of the filter"),
        ("lifecycle_state = 'x' or '1'='1'", "a comparison needs a column on at least one side"),
        ("order_count > 1 -- and all", "comment marker '--' is not allowed"),
        ("order_count > 1 /* and all */", "comment marker '/*' is not allowed"),
    ],
)
def test_injection_attempts_are_refused_naming_the_audience(filter, message):
    (problem,) = problems(audiences_yaml(entry("sneaky", filter=filter)))
    assert problem.startswith("audience 'sneaky': filter: ")
    assert message in problem


def test_channel_share_names_and_keys():
    found = problems(
        audiences_yaml(
            entry(channel="fax"),
            entry("Bad Name"),
            entry("shares", control_share=10),
            entry("negative", control_share=-0.1),
            entry("text_share", control_share="ten"),
            entry("typo", chanel="email"),
            {"name": "bare"},
        )
    )
    assert found == [
        "audience 'churners': unknown channel 'fax' (allowed: ads, email, sms)",
        "audience 'Bad Name': name 'Bad Name' must start with a lower-case letter and hold only a-z, 0-9"
        " and _ (at most 63)",
        "audience 'shares': control_share 10 must be a number between 0 and 0.5 (e.g. 0.1 for 10 %)",
        "audience 'negative': control_share -0.1 must be a number between 0 and 0.5 (e.g. 0.1 for 10 %)",
        "audience 'text_share': control_share 'ten' must be a number between 0 and 0.5 (e.g. 0.1 for 10 %)",
        "audience 'typo': unknown key 'chanel' (allowed: name, description, channel, filter, control_share,"
        " category)",
        "audience 'bare': 'description' is required",
        "audience 'bare': 'channel' is required",
        "audience 'bare': 'filter' is required",
    ]


def test_duplicate_names_and_categories():
    found = problems(audiences_yaml(entry(), entry(channel="sms")))
    assert found == ["audience 'churners': duplicate name (audience #1 has it too)"]
    found = problems(
        audiences_yaml(entry("shoe_fans", "ads", "probability > 0.5"), entry("hats", category="hats")),
        known_categories={"shoes"},
    )
    assert found[0].startswith("audience 'shoe_fans': filter: 'probability' is a category propensity column")
    assert found[1] == "audience 'hats': unknown category 'hats' (known: shoes)"


def test_malformed_files_are_named():
    assert problems("audiences: [")[0].startswith("not valid YAML at line 1")
    assert problems("- a\n- b") == ["the file must be a mapping with one key, 'audiences:' (a list)"]
    assert problems("audiences: 3") == ["'audiences' must be a list of audience definitions"]
    assert problems("audiences:\n  - just text") == [
        "audience #1: must be a mapping with name, description, channel and filter"
    ]
    assert problems(audiences_yaml(entry(filter=True))) == [
        "audience 'churners': filter must be text, got bool (quote it in YAML)"
    ]
    with pytest.raises(AudienceConfigError, match="(?s)missing.yml: 1 invalid .*cannot read the file"):
        load_audiences("/nonexistent/missing.yml", CATALOG)
    with pytest.raises(ValueError, match="default control share 0.9"):
        parse_audiences("", CATALOG, default_control_share=0.9)
