"""Staff pages of several forms, each POST running one named action (statistics releases,
双随机 plans and penalties): the request handling they share.

A page lists its actions as ``{name: (form class, method name)}``. A POST names one; its
form is validated, the method runs with the cleaned data and returns a message (shown
after a redirect to the same page) or a response. A refusal of the service — an exception
of one of :attr:`ActionFormView.refusals` — is shown on that form, which keeps what was
typed; every other form of the page is rendered empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.core.agencies import agencies_for


class ActionFormView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """Refuses anyone who is not staff of an agency; POSTs run one named action."""

    actions: dict[str, tuple[type[forms.Form], str]] = {}
    # The service's refusals, shown on the form (the app's ServiceError and its kin).
    refusals: tuple[type[Exception], ...] = ()
    bound: tuple[str, forms.Form] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, name: str, data: Any, files: Any = None) -> forms.Form:
        return self.actions[name][0](data, files)

    def refuse(self, form: forms.Form, error: Exception) -> None:
        """Show a refusal on the form (apps with richer refusals override this)."""
        form.add_error(None, str(error))

    def build_forms(self) -> dict[str, forms.Form]:
        made = {name: self.make_form(name, None) for name in self.actions}
        if self.bound is not None:
            made[self.bound[0]] = self.bound[1]
        return made

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("action", "")
        if name not in self.actions:
            raise PermissionDenied
        form = self.make_form(name, request.POST, request.FILES)
        if form.is_valid():
            handler: Callable[[dict[str, Any]], str | HttpResponse] = getattr(
                self, self.actions[name][1])
            try:
                done = handler(form.cleaned_data)
            except self.refusals as error:
                self.refuse(form, error)
            else:
                if isinstance(done, HttpResponse):
                    return done
                messages.success(request, done)
                return redirect(request.path)
        self.bound = (name, form)
        return self.render_to_response(self.get_context_data(**kwargs))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["forms"] = self.build_forms()
        return context
