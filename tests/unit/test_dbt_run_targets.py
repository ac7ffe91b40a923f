"""dbt's per-invocation target folders: old ones are removed, and checking whether the manifest is stale
never walks them (it did, and took 3 s per process start once a few hundred runs had left theirs)."""

import os
import time

from pipeline.defs.dbt.project import manifest_is_stale
from pipeline.defs.dbt.run_targets import prune_run_targets


def test_all_but_the_newest_invocation_folders_are_removed(tmp_path):
    target = tmp_path / "target"
    hours = 3600
    names = ["pulse_dbt_models-d", "pulse_dbt_segments-c", "pulse_dbt_models-b", "pulse_dbt_models-a"]
    for age, name in zip([0, 1 * hours, 2 * hours, 7 * hours], names, strict=True):
        (target / name).mkdir(parents=True)
        os.utime(target / name, (time.time() - age, time.time() - age))
    (target / "manifest.json").write_text("{}")  # the project's own manifest stays
    (target / "other").mkdir()  # folders not made for an invocation stay
    # beyond the newest two, only the folder older than six hours goes: a younger one may be a run's
    # still building (another shop's runs from this checkout can make newer folders meanwhile)
    removed = prune_run_targets(target, keep=2)
    assert [path.name for path in removed] == ["pulse_dbt_models-a"]
    assert sorted(path.name for path in target.iterdir()) == [
        "manifest.json",
        "other",
        "pulse_dbt_models-b",
        "pulse_dbt_models-d",
        "pulse_dbt_segments-c",
    ]
    assert [path.name for path in prune_run_targets(target, keep=2, in_use_seconds=90 * 60)] == [
        "pulse_dbt_models-b"
    ]
    assert prune_run_targets(tmp_path / "missing") == []


def test_a_stale_manifest_is_found_from_sources_only(tmp_path):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "target" / "pulse_dbt_models-a").mkdir(parents=True)
    manifest = project / "target" / "manifest.json"
    model = project / "models" / "orders.sql"
    model.write_text("select 1")
    assert manifest_is_stale(project, manifest)  # no manifest yet
    manifest.write_text("{}")
    past = time.time() - 60
    os.utime(model, (past, past))
    # newer files written by dbt itself (compiled SQL, logs) do not make it stale
    (project / "target" / "pulse_dbt_models-a" / "compiled.sql").write_text("select 1")
    (project / "logs").mkdir()
    (project / "logs" / "dbt.yml").write_text("")
    assert not manifest_is_stale(project, manifest)
    os.utime(model, (time.time() + 60, time.time() + 60))  # an edited model does
    assert manifest_is_stale(project, manifest)
