"""Publishing a run and its documents: the bulletin settings and texts, the office's paragraphs,
the published run and the report files."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.core.writes import acting_user
from govhall.org.scoping import ANY_UNIT, require_perm
from govhall.performance import selectors
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.errors import PerformanceError
from govhall.performance.models import BulletinSettings, EvaluationRun
from govhall.performance.periods import parse_period
from govhall.performance.report import Bulletin, compose_bulletin, report_tables
from govhall.performance.services.runs import authorize_compute, check_run


def edit_run_text(
    *, run: EvaluationRun, narrative_work: str, narrative_problems: str, actor: Any
) -> EvaluationRun:
    """The paragraphs the office writes for a draft's bulletin (seed 000 (四)部门重视, 二(一));
    a published run's are frozen with it. Written by those who compute the evaluation."""
    authorize_compute(actor=actor, center_id=run.center_id)
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != EvaluationRun.Status.DRAFT:
            raise PerformanceError.RUN_NOT_DRAFT(_("已发布的通报不能修改。"))
        run.narrative_work = narrative_work.strip()
        run.narrative_problems = narrative_problems.strip()
        run.save(update_fields=["narrative_work", "narrative_problems"])
        return run


def bulletin_texts(*, settings: BulletinSettings, center: Center) -> dict[str, str]:
    """The centre's bulletin settings as a run freezes them when it is published."""
    return {
        "addressees": settings.addressees,
        "basis": settings.basis,
        "requirements": settings.requirements,
        "closing": settings.closing,
        "issuer": settings.issuer or center.name,
    }


def publish_run(
    *, run: EvaluationRun, actor: Any, issued_on: dt.date | None = None
) -> EvaluationRun:
    """Freeze a run as the period's published result; an earlier published run is superseded.

    The bulletin's settings (addressees, basis, requirements, closing, issuer) and its date are
    stored with the run, so its document never changes again. A run whose figures break an
    invariant (checks.py) is refused with the failed checks."""
    require_perm(
        actor, "performance.publish_evaluation", center_id=run.center_id, department_id=ANY_UNIT
    )
    failed = [c.text for c in check_run(run=run) if not c.ok]
    if failed:
        raise PerformanceError.CHECK_FAILED(
            _("评价结果未通过数据校验,不能发布:%(failed)s") % {"failed": ";".join(failed)},
            detail={"failed": failed},
        )
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != EvaluationRun.Status.DRAFT:
            raise PerformanceError.RUN_NOT_DRAFT(_("只能发布草稿状态的评价结果。"))
        newer = run.period.runs.filter(version__gt=run.version).exists()
        if newer:
            raise PerformanceError.NEWER_RUN_EXISTS(
                _("该考核期已有更新的计算结果,请发布最新版本。")
            )
        run.period.runs.filter(status=EvaluationRun.Status.PUBLISHED).update(
            status=EvaluationRun.Status.SUPERSEDED
        )
        run.status = EvaluationRun.Status.PUBLISHED
        run.published_at = timezone.now()
        run.published_by = acting_user(actor)
        run.issued_on = issued_on or timezone.localdate()
        run.bulletin = bulletin_texts(
            settings=selectors.bulletin_settings(center_id=run.center_id), center=run.center
        )
        run.save(update_fields=["status", "published_at", "published_by", "issued_on", "bulletin"])
        return run


def report_run(*, center: Center, code: str) -> EvaluationRun:
    """The run a report is made of: the published one, else the latest draft; a period that
    was never evaluated is refused (evaluate it first)."""
    code = parse_period(code).code
    run = selectors.shown_run(selectors.period_runs(center_id=center.pk, code=code))
    if run is None:
        raise PerformanceError.PERIOD_NOT_EVALUATED(
            _("考核期%(code)s还没有评价结果,请先运行 govhall evaluate。") % {"code": code}
        )
    return run


def bulletin_of(*, run: EvaluationRun, issued_on: dt.date | None = None) -> Bulletin:
    """The bulletin of a run: a published one as frozen (its date cannot be changed); a draft
    with the centre's current settings, dated `issued_on` (today by default), marked 草稿."""
    if run.status != EvaluationRun.Status.DRAFT:
        if issued_on is not None and issued_on != run.issued_on:
            raise PerformanceError.PUBLISHED_DATE(
                _("已发布的通报成文日期为%(day)s,不能更改。") % {"day": run.issued_on},
            )
        return compose_bulletin(run=run, texts=run.bulletin, issued_on=run.issued_on)
    texts = bulletin_texts(
        settings=selectors.bulletin_settings(center_id=run.center_id), center=run.center
    )
    return compose_bulletin(run=run, texts=texts, issued_on=issued_on or timezone.localdate())


def write_report(
    *, center: Center, code: str, out_dir: Path, issued_on: dt.date | None = None
) -> list[Path]:
    """Write the bulletin (.docx) and the tables (.xlsx) of a period into `out_dir`."""
    run = report_run(center=center, code=code)
    bulletin = bulletin_of(run=run, issued_on=issued_on)
    out_dir.mkdir(parents=True, exist_ok=True)
    draft = "-draft" if run.status == EvaluationRun.Status.DRAFT else ""
    stem = f"{center.region_code}-{run.period.code}-v{run.version}{draft}"
    docx_path = out_dir / f"{stem}-bulletin.docx"
    xlsx_path = out_dir / f"{stem}-tables.xlsx"
    docx_path.write_bytes(bulletin_docx(bulletin))
    xlsx_path.write_bytes(tables_xlsx(report_tables(run)))
    return [docx_path, xlsx_path]
