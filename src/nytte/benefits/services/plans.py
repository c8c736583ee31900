"""Realisation plans: each saved version is kept as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nytte.core import registercache
from nytte.core.actors import SYSTEM, Actor, actor_user
from nytte.core.models import Programme
from nytte.core.permissions import Action, check
from nytte.core.services import object_create
from nytte.portfolio.models import Initiative

from ..choices import PlanStatus
from ..models import PlanFile, RealisationPlan, RealisationPlanBenefit

ROWS_PER_INSERT = 500
BACKGROUND_OVER = 500  # benefits: a programme's plan larger than this is saved by the worker
FILES_KEPT_DAYS = 7  # a large plan's Word or Excel file is built again after this

# ---------------------------------------------------------------------------------------------
# Realisation plans: each saved version is kept as it was


@transaction.atomic
def realisation_plan_save(
    *,
    programme: Programme,
    initiative: Initiative | None = None,
    note: str = "",
    acting_user: Actor,
) -> RealisationPlan:
    """Freeze the plan as it stands now as the next version: its summary in the version's
    ``content``, each of its benefits in a row of its own. A programme's plan of more than
    ``BACKGROUND_OVER`` benefits (half a minute and more to build at national size) gets its
    number now and is built by ``nytte worker`` once this commits (``status``: saving)."""
    check(acting_user, Action.EDIT, initiative or programme)
    if initiative is not None and initiative.programme_id != programme.pk:
        raise ValidationError(_("The initiative belongs to another programme."))
    # Lock the programme row so two people saving at once get different version numbers.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = RealisationPlan.objects.filter(programme=programme, initiative=initiative).aggregate(
        latest=Max("version")
    )["latest"]
    plan = RealisationPlan(
        programme=programme,
        initiative=initiative,
        version=(latest or 0) + 1,
        note=note,
        content={},
        status=PlanStatus.SAVING,
        created_by=actor_user(acting_user),
    )
    plan = object_create(plan, acting_user=acting_user)
    if in_background(register_plan_size(programme, initiative)):
        from ..tasks import fill_realisation_plan

        transaction.on_commit(lambda: fill_realisation_plan.enqueue(plan.pk))
        return plan
    return realisation_plan_fill(plan)


@transaction.atomic
def realisation_plan_fill(plan: RealisationPlan) -> RealisationPlan:
    """Build the plan of a version being saved and keep it; the task's body for a large
    one. As the system, which reads what every reader of the programme reads."""
    from ..plan import build_pieces  # the plan reads selectors; import here to keep this light

    summary, benefits = build_pieces(
        programme=plan.programme, initiative=plan.initiative, user=SYSTEM
    )
    RealisationPlanBenefit.objects.bulk_create(
        (
            RealisationPlanBenefit(plan=plan, position=position, code=b["code"], content=b)
            for position, b in enumerate(benefits)
        ),
        batch_size=ROWS_PER_INSERT,
    )
    plan.content, plan.status = summary, PlanStatus.SAVED
    plan.save(update_fields=["content", "status"])
    return plan


def realisation_plan_build(plan_id: int) -> str:
    """Build a large version being saved (``realisation_plan_save``); the task's body. Run
    twice it does nothing more; a failure marks the version, so the page says so rather
    than "being saved"."""
    plan = RealisationPlan.objects.select_related("programme", "initiative").get(pk=plan_id)
    if plan.status != PlanStatus.SAVING:
        return str(plan.status)
    try:
        return str(realisation_plan_fill(plan).status)
    except Exception:
        RealisationPlan.objects.filter(pk=plan_id).update(status=PlanStatus.FAILED)
        raise


# ---------------------------------------------------------------------------------------------
# Files of large plans: built by the worker, kept a while


def plan_size(plan: dict[str, Any]) -> int:
    """What decides how a plan (its summary or the whole) is saved and put into files: a
    programme plan's benefits; an initiative's plan, a handful, counts as none."""
    return plan["counts"]["benefits"] if plan["scope"] == "programme" else 0


def register_plan_size(programme: Programme, initiative: Initiative | None) -> int:
    """``plan_size`` of the plan as the register holds it now, counted (one query)."""
    return 0 if initiative is not None else programme.benefits.count()


def in_background(size: int) -> bool:
    """Whether a plan of ``size`` is saved, and put into files, by ``nytte worker``."""
    return size > BACKGROUND_OVER


def word_takes(size: int) -> bool:
    """Whether a plan of ``size`` may be a Word document (``plan.files.WORD_MOST``)."""
    from ..plan import files

    return size <= files.WORD_MOST


@dataclass(frozen=True)
class PlanDownload:
    """What a plan's file link answers: the file and its name, or the ``pending`` file the
    worker is building (or failed to), or ``refused``: too large for Word."""

    data: bytes | None = None
    name: str = ""
    pending: PlanFile | None = None
    refused: bool = False


def plan_download(
    *,
    programme: Programme,
    initiative: Initiative | None,
    saved: RealisationPlan | None,
    fmt: str,
    user: Actor,
    retry: bool = False,
) -> PlanDownload:
    """The plan (current, or the version ``saved``) as a file of ``fmt`` in the active
    language: built now, or for a large plan by the worker (``plan_file_for``); Word only
    up to ``word_takes``."""
    from ..plan.files import file_name, render_file
    from ..plan.paging import plan_source, saved_plan

    if saved is not None:
        size = plan_size(saved_plan(saved).summary)
    else:
        size = register_plan_size(programme, initiative)
    if fmt == "docx" and not word_takes(size):
        return PlanDownload(refused=True)
    scope = initiative.code if initiative is not None else programme.slug
    if in_background(size):
        file = plan_file_for(
            programme=programme,
            saved=saved,
            fmt=fmt,
            language=translation.get_language(),
            retry=retry,
        )
        if file.status != PlanStatus.SAVED:
            return PlanDownload(pending=file)
        data = bytes(PlanFile.objects.values_list("data", flat=True).get(pk=file.pk))
        built_on = timezone.localdate(file.created_at).isoformat()
    else:
        plan = plan_source(programme, initiative, saved, user).whole()
        data, built_on = render_file(plan, fmt, saved), plan["built_on"]
    return PlanDownload(data=data, name=file_name(scope, fmt, saved, built_on))


def plan_file_for(
    *,
    programme: Programme,
    saved: RealisationPlan | None,
    fmt: str,
    language: str,
    retry: bool = False,
) -> PlanFile:
    """The file of the programme's plan (current, or the version ``saved``) in ``fmt`` and
    ``language``: ready, being built, or asked for now (built once this commits). The
    current plan's file is of the register as it is now: one of an earlier state is not
    handed out, and goes when another is asked for. One that failed stays failed (the page
    says so) until asked for again with ``retry``."""
    versions = "" if saved else registercache.versions_of(programme, registercache.REALISATION)
    same = PlanFile.objects.filter(
        programme=programme, plan=saved, versions=versions, format=fmt, language=language
    )
    found = same.defer("data").first()
    if found is not None and (found.status != PlanStatus.FAILED or not retry):
        return found
    with transaction.atomic():
        old = timezone.now() - dt.timedelta(days=FILES_KEPT_DAYS)
        PlanFile.objects.filter(programme=programme, created_at__lt=old).delete()
        if saved is None:
            PlanFile.objects.filter(programme=programme, plan=None).exclude(
                versions=versions
            ).delete()
        same.delete()  # the failed one
        file = PlanFile.objects.create(
            programme=programme, plan=saved, versions=versions, format=fmt, language=language
        )
        from ..tasks import build_plan_file

        transaction.on_commit(lambda: build_plan_file.enqueue(file.pk))
    return file


def plan_file_build(file_id: int) -> str:
    """Build a file asked for (``plan_file_for``); the task's body. A failure marks it."""
    from ..plan import build_plan
    from ..plan.files import render_file
    from ..plan.paging import saved_plan

    file = (
        PlanFile.objects.select_related("programme", "plan__created_by")
        .defer("data")
        .get(pk=file_id)
    )
    if file.status != PlanStatus.SAVING:  # run twice
        return str(file.status)
    if file.plan is not None:
        file.plan.programme = file.programme
    try:
        with translation.override(file.language):
            if file.plan is not None:
                plan = saved_plan(file.plan).whole()
            else:
                plan = build_plan(programme=file.programme, user=SYSTEM)
            data = render_file(plan, file.format, file.plan)
    except Exception:
        PlanFile.objects.filter(pk=file.pk).update(status=PlanStatus.FAILED)
        raise
    PlanFile.objects.filter(pk=file.pk).update(data=data, status=PlanStatus.SAVED)
    return PlanStatus.SAVED
