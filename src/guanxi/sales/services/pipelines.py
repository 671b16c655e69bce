"""Pipelines (商机阶段组) and their stages: which pipeline a department uses, and changes to them
(catalogue data: sales managers and administrators)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput
from guanxi.core.models import AuditEvent, Department
from guanxi.core.services import records
from guanxi.core.services.audit import record_event
from guanxi.sales.models import Pipeline, Stage, StageKind
from guanxi.sales.services.common import clean_values
from guanxi.sales.services.products import require_catalogue_editor


def default_pipeline() -> Pipeline:
    """The default pipeline; re-created from the defaults if the table was emptied (a
    ``flush``), as the data migration created it."""
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    if pipeline is None:
        pipeline = install_default_pipeline()
    return pipeline


def install_default_pipeline() -> Pipeline:
    from guanxi.sales.default_pipeline import DEFAULT_PIPELINE_NAME, DEFAULT_STAGES

    with transaction.atomic():
        pipeline = records.create_record(
            Pipeline,
            actor=None,
            check_scope=False,
            values={"name": DEFAULT_PIPELINE_NAME, "is_default": True},
        )
        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            records.create_record(
                Stage,
                actor=None,
                check_scope=False,
                values={
                    "pipeline": pipeline,
                    "name": name,
                    "position": position,
                    "probability": probability,
                    "kind": kind,
                },
            )
    return pipeline


def pipeline_for(owner: Any) -> Pipeline:
    """The pipeline of the owner's department: the one naming the nearest department up the
    tree, else the default pipeline."""
    department = getattr(owner, "department", None)
    if department is not None:
        ancestor_ids = [int(p) for p in department.path.strip("/").split("/") if p]
        named = {
            dept_id: pipeline
            for pipeline in Pipeline.objects.filter(departments__in=ancestor_ids).distinct()
            for dept_id in pipeline.departments.values_list("pk", flat=True)
        }
        for dept_id in reversed(ancestor_ids):
            if dept_id in named:
                return named[dept_id]
    return default_pipeline()


def stages_of(pipeline: Pipeline) -> list[Stage]:
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position", "pk"))


def first_open_stage(pipeline: Pipeline) -> Stage:
    stage = (
        Stage.objects.filter(pipeline=pipeline, kind=StageKind.OPEN)
        .order_by("position", "pk")
        .first()
    )
    if stage is None:
        raise InvalidInput({"stage": [_("This pipeline has no open stage.")]})
    return stage


def create_pipeline(
    *,
    actor: Any,
    name: str,
    stages: Iterable[Mapping[str, Any]],
    departments: Iterable[Department] = (),
    is_default: bool = False,
) -> Pipeline:
    """A new stage group with its stages (each: name, probability, kind); at least one open
    stage and one of each end state (won, lost, invalid)."""
    require_catalogue_editor(actor)
    stages = [clean_values(s, ("name", "probability", "kind")) for s in stages]
    kinds = {s.get("kind", StageKind.OPEN) for s in stages}
    if not {StageKind.OPEN, StageKind.WON, StageKind.LOST, StageKind.INVALID} <= kinds:
        raise InvalidInput(
            {
                "stages": [
                    _("A pipeline needs open stages and the won, lost and invalid end states.")
                ]
            }
        )
    with transaction.atomic():
        if is_default:
            for old in Pipeline.objects.filter(is_default=True):
                records.update_record(
                    old, actor=actor, expected_version=None, changes={"is_default": False}
                )
        pipeline = records.create_record(
            Pipeline, actor=actor, values={"name": name.strip(), "is_default": is_default}
        )
        for position, stage in enumerate(stages):
            records.create_record(
                Stage, actor=actor, values={**stage, "pipeline": pipeline, "position": position}
            )
        set_departments(pipeline, actor=actor, departments=departments)
    return pipeline


def create_pipeline_from(*, actor: Any, values: Mapping[str, Any]) -> Pipeline:
    """A pipeline from the API's fields: department ids checked, stages as given."""
    ids = list(values.get("departments") or [])
    departments = list(Department.objects.filter(pk__in=ids))
    if len(departments) != len(set(ids)):
        raise InvalidInput({"departments": [_("No such department.")]})
    return create_pipeline(
        actor=actor,
        name=str(values.get("name") or ""),
        stages=values.get("stages") or [],
        departments=departments,
        is_default=bool(values.get("is_default")),
    )


def set_departments(pipeline: Pipeline, *, actor: Any, departments: Iterable[Department]) -> None:
    """The departments that use this pipeline (audited as one change)."""
    require_catalogue_editor(actor)
    before = sorted(pipeline.departments.values_list("pk", flat=True))
    after = sorted({d.pk for d in departments})
    if before == after:
        return
    with transaction.atomic():
        pipeline.departments.set(after)
        record_event(
            pipeline,
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            changes={"departments": [before, after]},
        )


def update_stage(
    stage: Stage, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Stage:
    """Rename a stage, change its probability or position (its kind stays)."""
    require_catalogue_editor(actor)
    cleaned = clean_values(changes, ("name", "probability", "position"))
    return records.update_record(
        stage, actor=actor, expected_version=expected_version, changes=cleaned
    )
