"""After a dbt invocation its parse becomes the project's, for the next invocation to reuse."""

from pathlib import Path

from pipeline.defs.dbt.partial_parse import PARTIAL_PARSE, keep_partial_parse, project_partial_parse


def test_the_invocations_parse_replaces_the_projects(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    project = tmp_path / "dbt_project"
    (project / "target").mkdir(parents=True)
    (project / "target" / PARTIAL_PARSE).write_bytes(b"parsed with the settings of another shop")
    invocation = project / "target" / "pulse_dbt_models-1234"
    invocation.mkdir()
    (invocation / PARTIAL_PARSE).write_bytes(b"parsed with this run's settings")

    assert keep_partial_parse(invocation, project)
    assert (project / "target" / PARTIAL_PARSE).read_bytes() == b"parsed with this run's settings"
    assert sorted(p.name for p in (project / "target").iterdir()) == [PARTIAL_PARSE, invocation.name]


def test_an_invocation_that_wrote_no_parse_changes_nothing(tmp_path):
    project = tmp_path / "dbt_project"
    (project / "target").mkdir(parents=True)
    (project / "target" / PARTIAL_PARSE).write_bytes(b"earlier")
    assert not keep_partial_parse(Path("target/pulse_dbt_models-failed"), project)
    assert (project / "target" / PARTIAL_PARSE).read_bytes() == b"earlier"


def test_it_goes_where_dagster_dbt_copies_it_from(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "elsewhere"))
    assert project_partial_parse(tmp_path / "dbt_project") == tmp_path / "elsewhere" / PARTIAL_PARSE
    monkeypatch.setenv("DBT_TARGET_PATH", "build")
    assert project_partial_parse(tmp_path / "p") == tmp_path / "p" / "build" / PARTIAL_PARSE
