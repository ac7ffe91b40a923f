"""The run's steps grouped into the stages a person follows (load, dbt build, predictions, segments and
audiences, the segment marts, checks, publish), one line each.

A stage is found from what a step produces, not from its name: the raw group loads files, the dbt
multi-asset builds (its second selection, SQL over the tables Python wrote, is the segment marts),
check-only steps check, the model and segment groups predict and segment, the publish group publishes;
any other group is its own stage.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

import dagster as dg
from dagster._core.definitions.dependency import NodeHandle  # no public way from a job node to its assets

LOAD, DBT, PREDICTIONS, SEGMENTS = "Load raw files", "dbt build", "Predictions", "Segments and audiences"
SEGMENT_MARTS, CHECKS, PUBLISH = "Segment marts (dbt)", "Checks", "Publish"
_ORDER = (LOAD, DBT, PREDICTIONS, SEGMENTS, SEGMENT_MARTS, CHECKS, PUBLISH)
_BY_GROUP = {"raw": LOAD, "publish": PUBLISH, "models": PREDICTIONS, "predictions": PREDICTIONS}
_SEGMENT_GROUP = "segments"
TARGETS_METADATA = "targets"  # model_metrics' metadata: each target's source, grade and why
# a materialization's lines for the console, below its stage's line (how the shop's files were read,
# a killed run's tables put back); named for the first of them
CONSOLE_NOTES = "source_notes"
WRITTEN_METADATA = "written"  # a published table's metadata: False when it kept its version (unchanged)
# the dbt step's observation when nothing needed building (pipeline/defs/dbt/unchanged_inputs.py)
UNCHANGED_METADATA = "unchanged_inputs"


def _stage_of(assets_def: dg.AssetsDefinition) -> str:
    specs = list(assets_def.specs)
    if not specs:
        return CHECKS
    group = specs[0].group_name or "assets"
    if any("dbt" in spec.kinds for spec in specs):
        return SEGMENT_MARTS if any(spec.group_name == _SEGMENT_GROUP for spec in specs) else DBT
    if group == _SEGMENT_GROUP:
        return SEGMENTS
    return _BY_GROUP.get(group, group)


def stages_by_step(job: dg.JobDefinition) -> dict[str, str]:
    """Step key (the op's name in the job) -> stage label."""
    layer = job.asset_layer
    return {
        name: _stage_of(layer.get_assets_def_for_node(NodeHandle(name, None))) for name in job.graph.node_dict
    }


def elapsed(seconds: float) -> str:
    return (
        f"{seconds:.1f} s"
        if seconds < 10
        else f"{seconds:.0f} s"
        if seconds < 90
        else f"{seconds / 60:.1f} min"
    )


@dataclass
class _Stage:
    label: str
    steps: set[str]
    started: float | None = None
    finished: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0  # published tables whose content equals the version already published
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. how the shop's files were read, what was put back
    # by check name: one verdict recorded on several tables counts once
    checks_passed: set[str] = field(default_factory=set)
    checks_failed: set[str] = field(default_factory=set)
    closed: bool = False
    targets: str | None = None  # predictions: each target's source, grade and why
    nothing_to_build: str | None = None  # dbt: why the run builds nothing (its inputs are the published ones)

    def summary(self) -> str:
        if self.label == LOAD and self.rows:
            loaded = ", ".join(f"{name} {rows:,}" for name, rows in self.rows.items() if rows)
            return f"{loaded} rows"
        if self.label == DBT and self.nothing_to_build:
            return self.nothing_to_build
        if self.label == DBT:
            tests = f"{len(self.checks_passed)} tests passed"
            if self.checks_failed:
                tests += f", {len(self.checks_failed)} failed"
            return f"{self.written} models built, {tests}"
        if self.label == CHECKS:
            total = len(self.checks_passed | self.checks_failed)
            failed = f" (failed: {', '.join(sorted(self.checks_failed))})" if self.checks_failed else ""
            return f"{len(self.checks_passed - self.checks_failed)} of {total} passed{failed}"
        if self.label == PREDICTIONS and self.targets:
            return f"{self.written} written; {self.targets}"
        if self.label == SEGMENT_MARTS:
            return f"{self.written} models built, {len(self.checks_passed)} tests passed"
        if self.unchanged:
            return f"{self.written - self.unchanged} written, {self.unchanged} unchanged (no new version)"
        return f"{self.written} written"


class StageProgress:
    """Fed the run's events as they happen; writes a stage's line when its last step is done."""

    def __init__(self, console: TextIO, stage_by_step: Mapping[str, str], clock=time.monotonic) -> None:
        self._console = console
        self._stage_by_step = dict(stage_by_step)
        self._clock = clock
        self._stages: dict[str, _Stage] = {}
        for step, label in stage_by_step.items():
            self._stages.setdefault(label, _Stage(label, set())).steps.add(step)
        self._open_line: _Stage | None = None  # the stage whose line is started but not ended

    def _write(self, text: str) -> None:
        self._console.write(text)
        self._console.flush()

    def _begin(self, stage: _Stage) -> None:
        stage.started = self._clock()
        if self._open_line is None:  # else this stage gets a full line of its own when it is done
            self._write(f"  {stage.label}: ")
            self._open_line = stage

    def _end_open_line(self) -> None:
        if self._open_line is not None:
            # another line must be written first: the open stage repeats its label when it is done
            self._write("running alongside the steps below\n")
            self._open_line = None

    def _close(self, stage: _Stage) -> None:
        stage.closed = True
        outcome = stage.summary()
        if stage.failed:
            outcome = "FAILED" + (f" ({', '.join(stage.failed)})" if len(stage.steps) > 1 else "")
        now = self._clock()
        took = elapsed(now - (now if stage.started is None else stage.started))
        if self._open_line is stage:
            self._write(f"{outcome} ({took})\n")
            self._open_line = None
        else:
            self._end_open_line()
            self._write(f"  {stage.label}: {outcome} ({took})\n")
        for note in stage.notes:
            self._write(f"    {note}\n")

    def on_event(self, event: dg.DagsterEvent) -> None:
        stage = self._stages.get(self._stage_by_step.get(event.step_key or "", ""))
        if stage is None:
            return
        if event.is_step_start and stage.started is None:
            self._begin(stage)
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            stage.written += 1
            materialization = event.step_materialization_data.materialization
            rows = materialization.metadata.get("dagster/row_count")
            if (written := materialization.metadata.get(WRITTEN_METADATA)) is not None and not written.value:
                stage.unchanged += 1
            if stage.label == LOAD and rows is not None:
                stage.rows[materialization.asset_key.path[-1]] = int(rows.value)
            if (targets := materialization.metadata.get(TARGETS_METADATA)) is not None:
                stage.targets = str(targets.value)
            if (notes := materialization.metadata.get(CONSOLE_NOTES)) is not None:
                stage.notes += str(notes.value).splitlines()
        elif event.event_type == dg.DagsterEventType.ASSET_OBSERVATION:
            observation = event.asset_observation_data.asset_observation
            if (unchanged := observation.metadata.get(UNCHANGED_METADATA)) is not None:
                stage.nothing_to_build = str(unchanged.value)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            (stage.checks_passed if evaluation.passed else stage.checks_failed).add(evaluation.check_name)
        elif event.is_step_success or event.is_step_failure or event.is_step_skipped:
            stage.finished.add(event.step_key)
            if event.is_step_failure:
                stage.failed.append(event.step_key)
            # a stage whose steps were all skipped never started: the closing line names it as not run
            if stage.finished >= stage.steps and not stage.closed and stage.started is not None:
                self._close(stage)

    def finish(self) -> None:
        """At the end of the run: close stages cut short, and name the ones that never started."""
        for stage in self._stages.values():
            if stage.started is not None and not stage.closed:
                self._close(stage)
        not_run = sorted(
            (stage.label for stage in self._stages.values() if stage.started is None),
            key=lambda label: (_ORDER.index(label) if label in _ORDER else len(_ORDER), label),
        )
        self._end_open_line()
        if not_run:
            why = (
                ", nothing changed" if any(stage.nothing_to_build for stage in self._stages.values()) else ""
            )
            self._write(f"  Not run{why}: {', '.join(not_run)}\n")
