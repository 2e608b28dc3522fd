"""Public pages of 互动交流 (under /hdjl/): the message form, tracking and rating, the
published exchanges, 常见问题, the 咨询、监督电话 page, and the confidential 统计违法举报 form
and its tracking.

Thin views over ``forms``, ``services`` and ``selectors``. Pages that carry a 查询码 or
personal data are never cached and put nothing personal into a URL. Text typed by the
public is rendered by Django's auto-escaping only (``linebreaksbr`` at most): links,
HTML and scripts show as text.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.consultations import ratelimit, selectors, services
from gongkai.consultations.enums import Status
from gongkai.consultations.forms import (
    MessageForm,
    RatingForm,
    ReportForm,
    TrackForm,
    contact_key,
)
from gongkai.consultations.models import ConsultationSettings, Message, ViolationReport
from gongkai.core.models import Agency

SESSION_KEYS = "hdjl_keys"
MAX_SESSION_KEYS = 20
PAGE_SIZE = 20
GENERIC_TRACK_ERROR = "编号或查询码不正确，请核对后重试。"
TOO_MANY_TRIES = "查询次数过多，请稍后再试。"
TOO_MANY_SUBMISSIONS = "提交过于频繁，请稍后再试。如有急事，请拨打本页公布的咨询电话。"
BOT_REFUSAL = "未能提交。请不要填写标注“请勿填写”的栏目，然后重新提交。"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _agency(slug: str) -> Agency:
    return get_object_or_404(Agency, slug=slug)


def _remember_key(request: HttpRequest, key: str) -> None:
    keys: list[str] = list(request.session.get(SESSION_KEYS, []))
    request.session[SESSION_KEYS] = [*keys, key][-MAX_SESSION_KEYS:]


def _usable_key(request: HttpRequest, typed: str,
                model: type[Message] | type[ViolationReport]) -> str:
    """The form's idempotency key, unless this browser was not given it and it is taken
    (never replay a 查询码 to someone else)."""
    key = typed or services.new_idempotency_key()
    if key not in request.session.get(SESSION_KEYS, []) \
            and model.objects.filter(idempotency_key=key).exists():
        return services.new_idempotency_key()
    return key


def _fresh_form(request: HttpRequest, form_class: type[MessageForm] | type[ReportForm]
                ) -> MessageForm | ReportForm:
    key = services.new_idempotency_key()
    _remember_key(request, key)
    return form_class(initial={"idempotency_key": key})


# --- Listings -----------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.order_by("sort_order", "id")
    return render(request, "consultations/index.html", {"agencies": agencies})


def agency_index(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    page = Paginator(selectors.public_messages().filter(agency=agency), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    return render(request, "consultations/agency_index.html", {
        "agency": agency, "_gk_agency": agency, "page": page,
        "ratings": selectors.rating_summary(agency),
    })


def detail(request: HttpRequest, agency_slug: str, number: str) -> HttpResponse:
    message = selectors.public_messages().filter(agency__slug=agency_slug,
                                                 number=number).first()
    if message is None:
        raise Http404
    return render(request, "consultations/detail.html",
                  {"message": message, "agency": message.agency, "_gk_agency": message.agency})


def faq(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    query = request.GET.get("q", "").strip()[:50]
    entries = selectors.public_faq().filter(agency=agency)
    if query:
        entries = entries.filter(question__icontains=query) | entries.filter(
            answer__icontains=query)
    return render(request, "consultations/faq.html",
                  {"agency": agency, "_gk_agency": agency, "entries": entries, "q": query})


def phones(request: HttpRequest) -> HttpResponse:
    """咨询、监督电话: from each agency's own record (and its extra numbers)."""
    rows = []
    for agency in Agency.objects.order_by("sort_order", "id"):
        config = ConsultationSettings.for_agency(agency)
        rows.append({"agency": agency, "others": config.other_phone_rows(),
                     "report_phone": config.report_phone})
    return render(request, "consultations/phones.html", {"rows": rows})


# --- Writing ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    context: dict[str, Any] = {"agency": agency, "_gk_agency": agency}
    if request.method == "GET":
        context["form"] = _fresh_form(request, MessageForm)
        return _no_store(render(request, "consultations/write.html", context))
    form = MessageForm(request.POST)
    context["form"] = form
    if form.is_bot:
        context["error"] = BOT_REFUSAL
        return _no_store(render(request, "consultations/write.html", context, status=400))
    if not form.is_valid():
        return _no_store(render(request, "consultations/write.html", context))
    now = timezone.now()
    ip = client_ip(request)
    contact = contact_key(form.cleaned_data["phone"], form.cleaned_data["email"])
    if ratelimit.exceeded(ratelimit.MESSAGE_PER_ADDRESS, ip, now) or \
            ratelimit.exceeded(ratelimit.MESSAGE_PER_CONTACT, contact, now):
        context["error"] = TOO_MANY_SUBMISSIONS
        return _no_store(render(request, "consultations/write.html", context, status=429))
    key = _usable_key(request, form.cleaned_data["idempotency_key"], Message)
    try:
        submission = services.submit_message(form.message_data(), agency=agency,
                                             idempotency_key=key, now=now)
    except services.ServiceError as error:
        context["error"] = str(error)
        return _no_store(render(request, "consultations/write.html", context))
    if submission.created:
        ratelimit.count(ratelimit.MESSAGE_PER_ADDRESS, ip, now)
        ratelimit.count(ratelimit.MESSAGE_PER_CONTACT, contact, now)
    context.update(message=submission.message, code=selectors.format_code(submission.code),
                   repeated=not submission.created,
                   due=submission.message.due_on)
    return _no_store(render(request, "consultations/submitted.html", context))


# --- Tracking and rating --------------------------------------------------------------------------


def _track_failed(request: HttpRequest, context: dict[str, Any], template: str) -> HttpResponse:
    ratelimit.count(ratelimit.TRACK_FAILURES_PER_ADDRESS, client_ip(request), timezone.now())
    context["error"] = GENERIC_TRACK_ERROR
    return _no_store(render(request, template, context))


def _too_many(request: HttpRequest) -> bool:
    return ratelimit.exceeded(ratelimit.TRACK_FAILURES_PER_ADDRESS, client_ip(request),
                              timezone.now())


def _message_context(message: Message) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "message": message, "events": selectors.public_events(message),
        "deadline": selectors.deadline(message, today), "today": today,
        "can_rate": message.status == Status.REPLIED and not message.rating,
        "rating_form": RatingForm(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    template = "consultations/track.html"
    if request.method == "GET":
        return _no_store(render(request, template, {"form": TrackForm()}))
    form = TrackForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return _no_store(render(request, template, context))
    if _too_many(request):
        context["error"] = TOO_MANY_TRIES
        return _no_store(render(request, template, context, status=429))
    message = selectors.track_message(form.cleaned_data["number"], form.cleaned_data["code"])
    if message is None:
        return _track_failed(request, context, template)
    context.update(_message_context(message))
    context["form"] = TrackForm()
    context["rating_form"] = RatingForm(initial={"number": message.number,
                                                 "code": form.cleaned_data["code"]})
    return _no_store(render(request, template, context))


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    template = "consultations/track.html"
    form = RatingForm(request.POST)
    context: dict[str, Any] = {"form": TrackForm()}
    if _too_many(request):
        context["error"] = TOO_MANY_TRIES
        return _no_store(render(request, template, context, status=429))
    number, code = request.POST.get("number", ""), request.POST.get("code", "")
    message = selectors.track_message(number, code)
    if message is None:
        return _track_failed(request, context, template)
    context.update(_message_context(message))
    if not form.is_valid():
        context["rating_form"] = form
        return _no_store(render(request, template, context))
    try:
        message = services.rate(message, form.cleaned_data["rating"])
    except services.ServiceError as error:
        context["error"] = str(error)
        return _no_store(render(request, template, context))
    context.update(_message_context(message), rated=True)
    return _no_store(render(request, template, context))


# --- 统计违法举报 ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = _agency(agency_slug)
    template = "consultations/report.html"
    context: dict[str, Any] = {"agency": agency, "_gk_agency": agency,
                               "config": ConsultationSettings.for_agency(agency)}
    if request.method == "GET":
        context["form"] = _fresh_form(request, ReportForm)
        return _no_store(render(request, template, context))
    form = ReportForm(request.POST)
    context["form"] = form
    if form.is_bot:
        context["error"] = BOT_REFUSAL
        return _no_store(render(request, template, context, status=400))
    if not form.is_valid():
        return _no_store(render(request, template, context))
    now = timezone.now()
    ip = client_ip(request)
    contact = contact_key(form.cleaned_data["phone"], form.cleaned_data["email"])
    if ratelimit.exceeded(ratelimit.REPORT_PER_ADDRESS, ip, now) or \
            ratelimit.exceeded(ratelimit.REPORT_PER_CONTACT, contact, now):
        context["error"] = TOO_MANY_SUBMISSIONS
        return _no_store(render(request, template, context, status=429))
    key = _usable_key(request, form.cleaned_data["idempotency_key"], ViolationReport)
    try:
        submission = services.submit_report(form.report_data(), agency=agency,
                                            idempotency_key=key, now=now)
    except services.ServiceError as error:
        context["error"] = str(error)
        return _no_store(render(request, template, context))
    if submission.created:
        ratelimit.count(ratelimit.REPORT_PER_ADDRESS, ip, now)
        ratelimit.count(ratelimit.REPORT_PER_CONTACT, contact, now)
    context.update(report=submission.report, code=selectors.format_code(submission.code),
                   repeated=not submission.created)
    return _no_store(render(request, "consultations/report_submitted.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def report_track(request: HttpRequest) -> HttpResponse:
    template = "consultations/report_track.html"
    if request.method == "GET":
        return _no_store(render(request, template, {"form": TrackForm()}))
    form = TrackForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return _no_store(render(request, template, context))
    if _too_many(request):
        context["error"] = TOO_MANY_TRIES
        return _no_store(render(request, template, context, status=429))
    found = selectors.track_report(form.cleaned_data["number"], form.cleaned_data["code"])
    if found is None:
        return _track_failed(request, context, template)
    context.update(report=found, entries=selectors.reporter_entries(found), form=TrackForm())
    return _no_store(render(request, template, context))
