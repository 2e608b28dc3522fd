"""Public views of 专题与公众参与 (thin: forms in, one service call, a page out).

Links from e-mails (cancel, confirm, unsubscribe) show a page with a button on GET and act on
POST, so a mail scanner that follows links changes nothing. The unsubscribe URLs also take
the RFC 8058 one-click POST from mail clients, which carries no CSRF token: the link's own
HMAC token is the proof, so those two views are exempt from CSRF.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gongkai.core.visibility import is_page_visible
from gongkai.engagement import invitations, responses, selectors, services, tokens
from gongkai.engagement.enums import ResponseRule, SubscriptionKind
from gongkai.engagement.forms import (
    InvitationCodeForm,
    RegistrationForm,
    SubscribeForm,
    SurveyEmailForm,
)
from gongkai.engagement.models import (
    EventPage,
    SurveyPage,
    SurveyResponse,
    TrainingMaterial,
)

logger = logging.getLogger(__name__)

SURVEY_COOKIE = "gk_survey"
SURVEY_COOKIE_SALT = "gongkai.engagement.survey-browser"
SURVEY_COOKIE_AGE = 2 * 365 * 24 * 3600


# --- Events ------------------------------------------------------------------------------------


def register_for_event(request: HttpRequest, event: EventPage) -> HttpResponse:
    form = RegistrationForm(request.POST)
    context: dict[str, Any] = {}
    status = 200
    if form.is_valid():
        try:
            context["registration"] = services.register(
                event_id=event.pk, name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"], email=form.cleaned_data["email"],
                organization=form.cleaned_data["organization"])
            form = RegistrationForm()
        except services.ServiceError as error:
            form.add_error(None, str(error))
            status = 409
        except OperationalError:
            # SQLite's write lock not obtained within busy_timeout (many sign-ups at once):
            # nothing was stored, so the visitor can simply send the same form again.
            form.add_error(None, "报名人数较多，系统繁忙，请稍后再提交一次。已填写的内容已保留。")
            status = 503
    else:
        status = 400
    context = {**event.get_context(request), **context, "form": form}
    return TemplateResponse(request, event.get_template(request), context, status=status)


@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    registration = services.registration_for_token(pk, token)
    if registration is None:
        raise Http404
    context: dict[str, Any] = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        try:
            context["registration"] = services.cancel_registration(registration_id=pk,
                                                                   token=token)
            context["done"] = True
        except services.ServiceError as error:
            context["error"] = str(error)
    return render(request, "engagement/cancel_registration.html", context)


# --- Training materials ------------------------------------------------------------------------


def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Count the download, then send the visitor to the document itself."""
    material = get_object_or_404(TrainingMaterial.objects.select_related("page", "document"),
                                 pk=pk)
    if not is_page_visible(material.page):
        raise Http404
    services.record_download(material=material, day=timezone.localdate())
    return HttpResponseRedirect(str(material.document.url))


# --- Surveys -----------------------------------------------------------------------------------


def browser_token(request: HttpRequest) -> tuple[str, bool]:
    """The browser's random survey token from its signed cookie, or a new one (True)."""
    raw = request.COOKIES.get(SURVEY_COOKIE, "")
    try:
        return str(signing.Signer(salt=SURVEY_COOKIE_SALT).unsign(raw)), False
    except signing.BadSignature:
        return secrets.token_urlsafe(24), True


def nullifier(survey_id: int, token: str) -> str:
    return invitations.browser_nullifier(survey_id, token)


def _with_cookie(response: HttpResponse, token: str, is_new: bool) -> HttpResponse:
    if is_new:
        response.set_cookie(SURVEY_COOKIE, signing.Signer(salt=SURVEY_COOKIE_SALT).sign(token),
                            max_age=SURVEY_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)))
    return response


def serve_survey(request: HttpRequest, survey: SurveyPage) -> HttpResponse:
    """The questionnaire under its per-person rule (docs/engagement.md#surveys)."""
    rule = ResponseRule(survey.response_rule)
    if rule == ResponseRule.INVITATION:
        return _serve_invited(request, survey)
    if rule == ResponseRule.EMAIL:
        return _serve_by_email(request, survey)
    return _serve_by_browser(request, survey)


def _context(request: HttpRequest, survey: SurveyPage, key: str | None) -> dict[str, Any]:
    """The page's context; ``key`` is the visitor's nullifier when it is known before
    submitting (cookie, used code, link) — a sheet under it means already answered."""
    context: dict[str, Any] = survey.get_context(request)
    already = key is not None and SurveyResponse.objects.filter(
        page=survey, nullifier=key).exists()
    context.update(already_answered=already, is_open=survey.is_open(timezone.now()),
                   rule=survey.response_rule)
    return context


def _questions(request: HttpRequest, survey: SurveyPage, context: dict[str, Any]) -> Any:
    """The survey's form, bound to the POST when answers are being submitted."""
    if request.method == "POST" and context["is_open"] and not context["already_answered"]:
        return survey.get_form(request.POST, page=survey, user=request.user)
    return survey.get_form(page=survey, user=request.user)


def _page(request: HttpRequest, survey: SurveyPage, context: dict[str, Any],
          status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, survey.get_template(request), context, status=status)


def _landing(request: HttpRequest, survey: SurveyPage, context: dict[str, Any],
             stored: tuple[SurveyResponse, bool]) -> TemplateResponse:
    context.update(form_submission=stored[0], counted=stored[1])
    return TemplateResponse(request, survey.get_landing_page_template(request), context)


def _mark_invalid(form: Any, name: str, message: str) -> None:
    """An error found after validation (by the service), announced like the form's own."""
    form.add_error(name, message)
    form.fields[name].widget.attrs.update(
        {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"})


def _answers(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "invitation_code"}


def _serve_by_browser(request: HttpRequest, survey: SurveyPage) -> HttpResponse:
    token, is_new = browser_token(request)
    key = nullifier(survey.pk, token)
    context = _context(request, survey, key)
    form = _questions(request, survey, context)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                stored = services.submit_survey_response(survey=survey, data=_answers(form),
                                                         nullifier=key)
            except services.ServiceError:
                context["is_open"] = False
            else:
                return _with_cookie(_landing(request, survey, context, stored), token, is_new)
        else:
            status = 400
    context["form"] = form
    return _with_cookie(_page(request, survey, context, status), token, is_new)


def _with_code_field(form: Any, initial: str) -> Any:
    """The questionnaire with the invitation code as its first field (one form, one error
    summary)."""
    code = InvitationCodeForm(initial={"invitation_code": initial}).fields["invitation_code"]
    code.widget.attrs["aria-describedby"] = "id_invitation_code-help"
    form.fields = {"invitation_code": code, **form.fields}
    if not form.is_bound:
        form.initial["invitation_code"] = initial
    return form


def _serve_invited(request: HttpRequest, survey: SurveyPage) -> HttpResponse:
    posted = request.POST.get("invitation_code", "") if request.method == "POST" else ""
    raw = posted or request.GET.get("code", "")
    invitation = selectors.invitation_for_code(survey, raw) if raw else None
    key = None
    if invitation is not None and invitation.used_at is not None:
        key = invitations.invitation_nullifier(survey.pk, invitation.pk)
    context = _context(request, survey, key)
    form = _with_code_field(_questions(request, survey, context), request.GET.get("code", ""))
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                stored = responses.submit_invited_response(
                    survey=survey, data=_answers(form),
                    code=form.cleaned_data["invitation_code"])
            except services.ServiceError as error:
                _mark_invalid(form, "invitation_code", str(error))
            else:
                return _landing(request, survey, context, stored)
    elif raw and invitation is None:
        context["code_unknown"] = True
    context["form"] = form
    return _page(request, survey, context, status)


def _serve_by_email(request: HttpRequest, survey: SurveyPage) -> HttpResponse:
    token = request.GET.get("t", "")
    key = invitations.nullifier_from_link(survey.pk, token) if token else None
    context = _context(request, survey, key)
    if key is None:  # no link (or a bad one): first ask where to send it
        context["link_invalid"] = bool(token)
        return _request_link(request, survey, context)
    form = _questions(request, survey, context)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                stored = responses.submit_verified_response(survey=survey, data=_answers(form),
                                                            token=token)
            except services.ServiceError:
                context["is_open"] = False
            else:
                return _landing(request, survey, context, stored)
    context["form"] = form
    return _page(request, survey, context, status)


def _request_link(request: HttpRequest, survey: SurveyPage,
                  context: dict[str, Any]) -> HttpResponse:
    email_form = SurveyEmailForm(request.POST if request.method == "POST" else None)
    status = 200
    if email_form.is_bound and context["is_open"]:
        status = 400
        if email_form.is_valid():
            try:
                responses.request_survey_link(
                    survey=survey, email=email_form.cleaned_data["respondent_email"],
                    subscribe=email_form.cleaned_data["subscribe"])
            except services.ServiceError:
                context["is_open"] = False
            except Exception:  # the mail server: nothing was stored, asking again is safe
                logger.exception("survey link mail not sent (survey %s)", survey.pk)
                _mark_invalid(email_form, "respondent_email",
                              "邮件暂时无法发送，请稍后再试。")
                status = 503
            else:
                context["link_sent"] = True
                status = 200
    context.update(email_form=email_form, email_step=True)
    return _page(request, survey, context, status)


def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(SurveyPage, pk=pk)
    if not survey.results_published or not is_page_visible(survey):
        raise Http404
    total, results = selectors.public_survey_results(survey)
    return render(request, "engagement/survey_results.html",
                  {"survey": survey, "total": total, "results": results,
                   "chart_data": chart_data(results)})


def chart_data(results: list[Any]) -> list[dict[str, Any]]:
    """What survey_charts.js draws: one bar chart per question (the tables say the same)."""
    return [{"id": f"q{i}", "title": r.question.label,
             "labels": [option for option, _count in r.counts],
             "values": [count for _option, count in r.counts]}
            for i, r in enumerate(results) if not r.is_text]


# --- Subscriptions -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = {"kind": request.GET.get("kind", ""), "key": request.GET.get("key", "")}
    form = SubscribeForm(data, initial=initial)
    kind = (form.data.get("kind") if data else initial["kind"]) or ""
    key = (form.data.get("key") if data else initial["key"]) or ""
    label = (selectors.subscription_target_label(kind, key)
             if kind in SubscriptionKind.values else None)
    if label is None:
        raise Http404
    context: dict[str, Any] = {"form": form, "label": label,
                               "kind_label": SubscriptionKind(kind).label}
    status = 200
    if data is not None:
        if form.is_valid():
            services.subscribe(email=form.cleaned_data["email"], kind=SubscriptionKind(kind),
                               key=key)
            context["requested"] = True
        else:
            status = 400
    return render(request, "engagement/subscribe.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirm_subscription(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    context: dict[str, Any] = {"action": "confirm"}
    try:
        if request.method == "POST":
            context["subscription"] = services.confirm_subscription(subscription_id=pk,
                                                                    token=token)
            context["done"] = True
        else:
            context["subscription"] = services.subscription_for_token(
                tokens.CONFIRM_SUBSCRIPTION, pk, token)
    except services.ServiceError:
        raise Http404 from None
    return render(request, "engagement/subscription_action.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    context: dict[str, Any] = {"action": "unsubscribe"}
    try:
        if request.method == "POST":
            context["subscription"] = services.unsubscribe(subscription_id=pk, token=token)
            context["done"] = True
        else:
            context["subscription"] = services.subscription_for_token(
                tokens.UNSUBSCRIBE, pk, token)
    except services.ServiceError:
        raise Http404 from None
    return render(request, "engagement/subscription_action.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_all(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    context: dict[str, Any] = {"action": "unsubscribe_all"}
    if request.method == "POST":
        try:
            context["count"] = services.unsubscribe_all(subscriber_id=pk, token=token)
        except services.ServiceError:
            raise Http404 from None
        context["done"] = True
    elif not services.unsubscribe_all_token_valid(pk, token):
        raise Http404
    return render(request, "engagement/subscription_action.html", context)
