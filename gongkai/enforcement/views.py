"""Public pages of 统计执法公开 (/zfgk/): draws with all their inputs and files, the verify
page, and 行政处罚决定.

Thin views: draws and frozen lists are public by design; decisions are read only through
``selectors.public_decisions`` (the one visibility rule), whose public copy was masked
when published.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.models import Agency
from gongkai.enforcement import draw as drawing
from gongkai.enforcement import selectors
from gongkai.enforcement.enums import PenaltyEventKind
from gongkai.enforcement.models import Draw, InspectionPlan, ListFreeze, PenaltyEvent

PAGE_SIZE = 20
MAX_UPLOAD = 20 * 1024 * 1024
VERIFY_WINDOW_SECONDS = 10 * 60
VERIFY_TRIES = 20
LIST_FILES = {"candidates": "candidates_csv", "inspectors": "inspectors_csv",
              "exclusions": "exclusions_csv"}


def _agency(slug: str) -> Agency:
    return get_object_or_404(Agency, slug=slug)


def _context(agency: Agency, **extra: Any) -> dict[str, Any]:
    return {"agency": agency, "_gk_agency": agency, **extra}


@require_GET
def index(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    plans = InspectionPlan.objects.filter(agency=agency).order_by("-year")
    return render(request, "enforcement/index.html", _context(
        agency, plans=plans, draws=list(selectors.agency_draws(agency).reverse()),
        pending=selectors.pending_freezes(agency),
        penalties=selectors.public_decisions(agency=agency)[:5]))


@require_GET
def freeze_detail(request: HttpRequest, agency_slug: str, pk: int) -> HttpResponse:
    agency = _agency(agency_slug)
    freeze = get_object_or_404(ListFreeze.objects.select_related("plan"), pk=pk,
                               plan__agency=agency)
    return render(request, "enforcement/freeze.html", _context(
        agency, freeze=freeze, draws=freeze.draws.order_by("sequence")))


@require_GET
def freeze_file(request: HttpRequest, agency_slug: str, pk: int, kind: str) -> HttpResponse:
    agency = _agency(agency_slug)
    if kind not in LIST_FILES:
        raise Http404
    freeze = get_object_or_404(ListFreeze, pk=pk, plan__agency=agency)
    response = HttpResponse(getattr(freeze, LIST_FILES[kind]).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="freeze-{freeze.pk}-{kind}.csv"'
    return response


def _draw(agency: Agency, sequence: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("freeze__plan"), agency=agency,
                             sequence=sequence)


@require_GET
def draw_detail(request: HttpRequest, agency_slug: str, sequence: int) -> HttpResponse:
    agency = _agency(agency_slug)
    draw = _draw(agency, sequence)
    record = draw.record
    names = {row["cert_no"]: row["name"] for row in record["inspectors"]}
    results = _latest_results(draw)
    assignments = [{**a, "team": [(cert, names.get(cert, "")) for cert in a["inspectors"]],
                    "outcome": results.get(a["uscc"])}
                   for a in record["result"]["enterprises"]]
    return render(request, "enforcement/draw.html", _context(
        agency, draw=draw, record=record, assignments=assignments, freeze=draw.freeze,
        plan=draw.freeze.plan))


def _latest_results(draw: Draw) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for result in draw.results.order_by("recorded_at", "id"):
        latest[result.uscc] = result
    return latest


def _json_file(data: Any, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def draw_file(request: HttpRequest, agency_slug: str, sequence: int) -> HttpResponse:
    agency = _agency(agency_slug)
    return _json_file(_draw(agency, sequence).record, f"draw-{agency.slug}-{sequence}.json")


@require_GET
def chain_file(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    return _json_file(selectors.chain_document(agency), f"draw-chain-{agency.slug}.json")


class VerifyForm(forms.Form):
    draw_file = forms.FileField(label="摇号记录文件（JSON）", required=False)
    text = forms.CharField(label="或粘贴摇号记录内容", required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("draw_file")
        if upload is None and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError("请选择摇号记录文件，或粘贴其内容。")
        if upload is not None and upload.size > MAX_UPLOAD:
            self.add_error("draw_file", "文件过大（上限20MB）。")
        return cleaned


def _verify_allowed(request: HttpRequest) -> bool:
    """Verification of a large file costs seconds of CPU: a few per address and window."""
    import hashlib

    from django.core.cache import cache

    address = str(request.META.get("REMOTE_ADDR", "")) or "unknown"
    key = "enforcement:verify:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=VERIFY_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    return count <= VERIFY_TRIES


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Recompute an uploaded draw file (or chain file) with the published method."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    outcome: drawing.Verification | None = None
    unreadable = ""
    if request.method == "POST" and not _verify_allowed(request):
        form.add_error(None, "验证次数过多，请10分钟后再试；也可以用命令行工具离线验证。")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("draw_file")
        raw = upload.read() if upload is not None else form.cleaned_data["text"].encode()
        try:
            outcome = drawing.verify_document(drawing.load_document(raw))
        except drawing.Unreadable as exc:
            unreadable = str(exc)
    response = render(request, "enforcement/verify.html", {
        "form": form, "outcome": outcome, "unreadable": unreadable,
        "rule_version": drawing.RULE_VERSION})
    if request.method == "POST":
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def penalties(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    page = Paginator(selectors.public_decisions(agency=agency), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "enforcement/penalties.html", _context(agency, page_obj=page))


@require_GET
def penalty(request: HttpRequest, agency_slug: str, pk: int) -> HttpResponse:
    agency = _agency(agency_slug)
    decision = selectors.public_decision(agency, pk)
    if decision is None:
        raise Http404
    notices = PenaltyEvent.objects.filter(
        decision=decision, kind__in=[PenaltyEventKind.CHANGED, PenaltyEventKind.REVOKED]
    ).order_by("at", "id")
    return render(request, "enforcement/penalty.html", _context(
        agency, decision=decision, notices=notices))

