"""Public pages of 依申请公开: the application form, its confirmation, the tracking page.

Thin views over ``forms``, ``services`` and ``selectors``. Every page here carries personal
data or a 查询码, so responses are never cached (``Cache-Control: private, no-store``) and
nothing personal ever goes into a URL: the confirmation is the POST's own response.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.catalog.models import ApplyEntryPage
from gongkai.core.models import Agency
from gongkai.core.search.service import search
from gongkai.info_requests import letters, selectors, services
from gongkai.info_requests.forms import ApplicationForm, TrackForm
from gongkai.info_requests.models import Application

SESSION_KEYS = "ysqgk_keys"
MAX_SESSION_KEYS = 20
MATCHES_SHOWN = 5
# Tracking: tries per IP and number, and per IP over all numbers, in one window.
TRACK_WINDOW_SECONDS = 15 * 60
TRACK_TRIES_PER_NUMBER = 5
TRACK_TRIES_PER_IP = 30
GENERIC_TRACK_ERROR = "申请编号或查询码不正确，请核对后重试。"
TOO_MANY_TRIES = "查询次数过多，请15分钟后再试。"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _entry_page(agency: Agency) -> ApplyEntryPage | None:
    if agency.home_page is None:
        return None
    page: ApplyEntryPage | None = (
        ApplyEntryPage.objects.live().descendant_of(agency.home_page).first())
    return page


def _remember_key(request: HttpRequest, key: str) -> None:
    keys: list[str] = list(request.session.get(SESSION_KEYS, []))
    request.session[SESSION_KEYS] = [*keys, key][-MAX_SESSION_KEYS:]


def _matches(description: str) -> list[Any]:
    """Published catalog items that may already answer the request.

    A description is a sentence (“关于做好2024年统计工作的通知的附件”), which as one search
    term would have to occur verbatim. Its keywords are searched one by one instead, and
    the items containing the most of them come first; an item must contain at least half
    of them, so that generic words (公开, 信息) alone do not make a match."""
    words = keywords(description)
    found: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    for word in words:
        for hit in search(word, page_size=100, with_facets=False).hits:
            found.setdefault(hit.url, hit)
            counts[hit.url] += 1
    needed = max(1, -(-len(words) // 2))
    ranked = [url for url, count in counts.most_common() if count >= needed]
    return [found[url] for url in ranked[:MATCHES_SHOWN]]


def keywords(text: str) -> list[str]:
    """The description's distinctive words (jieba's TF-IDF keywords, two characters or
    more), most distinctive first."""
    import jieba.analyse  # loaded on first use: the dictionary takes about a second

    return [word for word in jieba.analyse.extract_tags(text[:500], topK=6)
            if len(word) >= 2 and not word.isdigit()]


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    context: dict[str, Any] = {"agency": agency, "_gk_agency": agency,
                               "entry_page": _entry_page(agency)}
    if request.method == "GET":
        key = services.new_idempotency_key()
        _remember_key(request, key)
        form = ApplicationForm(initial={"idempotency_key": key})
        return _no_store(render(request, "info_requests/apply.html", {**context, "form": form}))
    action = request.POST.get("action", "submit")
    if action == "check":
        # Only look for published items: keep what was typed, judge nothing yet.
        form = ApplicationForm(initial=request.POST.dict())
        context.update(form=form, matches=_matches(request.POST.get("description", "")),
                       show_matches=True, checked=True)
        return _no_store(render(request, "info_requests/apply.html", context))
    form = ApplicationForm(request.POST, request.FILES)
    if not form.is_valid():
        context.update(form=form, checked=request.POST.get("checked") == "1")
        return _no_store(render(request, "info_requests/apply.html", context))
    if request.POST.get("checked") != "1":
        matches = _matches(form.cleaned_data["description"])
        if matches:
            context.update(form=form, matches=matches, show_matches=True, checked=True,
                           had_files=bool(form.cleaned_data["attachments"]))
            return _no_store(render(request, "info_requests/apply.html", context))
    return _submit(request, agency, form, context)


def _submit(request: HttpRequest, agency: Agency, form: ApplicationForm,
            context: dict[str, Any]) -> HttpResponse:
    key = form.cleaned_data["idempotency_key"] or services.new_idempotency_key()
    known = key in request.session.get(SESSION_KEYS, [])
    if not known:
        # A key this browser was not given (or a lost session): never replay a code for it.
        existing = Application.objects.filter(idempotency_key=key).exists()
        if existing:
            key = services.new_idempotency_key()
    submission = services.submit_application(
        form.applicant_data(), agency=agency, idempotency_key=key,
        attachments=form.cleaned_data["attachments"])
    context.update(
        application=submission.application,
        code=selectors.format_code(submission.code),
        repeated=not submission.created,
        track_url="/ysqgk/track/",
    )
    return _no_store(render(request, "info_requests/submitted.html", context))


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _limit_keys(request: HttpRequest, number: str) -> tuple[str, str]:
    ip = _client_ip(request)
    digest = hashlib.sha256(selectors.normalise_number(number).encode()).hexdigest()[:24]
    return f"ysqgk:track:{ip}:{digest}", f"ysqgk:track-ip:{ip}"


def _over_limit(keys: tuple[str, str]) -> bool:
    per_number, per_ip = (cache.get(k, 0) for k in keys)
    return bool(per_number >= TRACK_TRIES_PER_NUMBER or per_ip >= TRACK_TRIES_PER_IP)


def _count_failure(keys: tuple[str, str]) -> None:
    for key in keys:
        cache.add(key, 0, timeout=TRACK_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=TRACK_WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """POST number + code → the case; any failure says the same thing."""
    if request.method == "GET":
        return _no_store(render(request, "info_requests/track.html", {"form": TrackForm()}))
    form = TrackForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return _no_store(render(request, "info_requests/track.html", context))
    keys = _limit_keys(request, form.cleaned_data["number"])
    if _over_limit(keys):
        context["error"] = TOO_MANY_TRIES
        return _no_store(render(request, "info_requests/track.html", context, status=429))
    application = selectors.track(form.cleaned_data["number"], form.cleaned_data["code"])
    if application is None:
        _count_failure(keys)
        context["error"] = GENERIC_TRACK_ERROR
        return _no_store(render(request, "info_requests/track.html", context))
    today = timezone.localdate()
    context.update(
        application=application,
        deadlines=selectors.deadlines(application, today),
        events=selectors.public_events(application),
        letters=[(letter, letters.title_of(letters.resolve_kind(letter.kind)))
                 for letter in selectors.sent_letters(application)],
        today=today,
        form=TrackForm(),
    )
    return _no_store(render(request, "info_requests/track.html", context))
