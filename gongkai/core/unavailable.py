"""The server-error page, and the page that keeps a visitor's form when a fault stops it.

Django calls ``server_error`` (``handler500`` in gongkai/urls.py) for any exception a view
or middleware let through, while that exception is still being handled. Two kinds of
exception are faults of the moment, not bugs, and a visitor who was submitting a form
(an application, a message) must not lose what they typed:

* ``DatabaseError`` — PostgreSQL restarting, a connection cut, a failover;
* ``OSError`` — the disk full (ENOSPC) or the storage failing while an upload is written.

For a POST, the answer is then a 503 page “暂时无法提交，请稍后重试” that shows every typed
field again in a form posting back to the same address, with the same hidden idempotency
key: resubmitting it later cannot create a second application, and if the first attempt
had in fact been stored, the resubmission shows its number (the services are idempotent by
that key). Chosen files cannot be carried over; the page says so.

The page is rendered without the request context: the context processors read the
session, the user and the site settings from the database that just failed. It needs no
database at all — only the CSRF token from the cookie.
"""

from __future__ import annotations

import errno
import logging
import sys
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader

logger = logging.getLogger("gongkai.unavailable")

RETRY_AFTER_SECONDS = 30
# Never shown back: the old token (a fresh one is put in), and the honeypot.
NOT_ECHOED = {"csrfmiddlewaretoken"}
# Fields kept but not shown: they identify the submission, the visitor did not type them.
HIDDEN = {"idempotency_key", "action", "checked", "website"}
MULTILINE_AT = 60
# Labels of the public forms' fields (info_requests, consultations); other names show as is.
LABELS = {
    "applicant_category": "申请人类型", "name": "姓名", "id_type": "身份证件类型",
    "id_number": "身份证件号码", "org_name": "名称", "org_kind": "组织类型",
    "org_code": "统一社会信用代码", "legal_representative": "法定代表人或负责人",
    "contact_person": "联系人", "phone": "联系电话", "email": "电子邮箱",
    "address": "通信地址", "postcode": "邮政编码", "description": "所需信息的描述",
    "purpose": "用途", "provision_form": "政府信息的提供形式",
    "delivery_method": "获取信息的方式", "kind": "留言类型", "title": "标题",
    "body": "留言内容", "publish_consent": "是否同意公开", "violation_kind": "举报事项类型",
    "subject": "被举报单位或个人", "region": "涉及地区",
}


def is_transient_fault(exc: BaseException | None) -> bool:
    """A database outage or a storage error: worth retrying, never the visitor's fault."""
    if isinstance(exc, DatabaseError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, (FileNotFoundError,
                                                            PermissionError))


def fault_reason(exc: BaseException | None) -> str:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "storage_full"
    if isinstance(exc, OSError):
        return "storage_error"
    return "database"


def typed_fields(request: HttpRequest) -> list[dict[str, Any]]:
    """What the visitor sent, in order, as rows for the template."""
    rows: list[dict[str, Any]] = []
    for name, values in request.POST.lists():
        if name in NOT_ECHOED:
            continue
        for value in values:
            rows.append({"name": name, "label": LABELS.get(name, name), "value": value,
                         "hidden": name in HIDDEN,
                         "multiline": "\n" in value or len(value) > MULTILINE_AT})
    return rows


def retry_page(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    context = {
        "fields": typed_fields(request),
        "had_files": bool(request.FILES) if _files_readable(request) else False,
        "action": request.get_full_path(),
        "csrf_token": get_token(request),
        "reason": fault_reason(exc),
    }
    html = loader.render_to_string("unavailable.html", context)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response


def _files_readable(request: HttpRequest) -> bool:
    try:
        request.FILES  # noqa: B018 - parsing may itself be what failed (disk full)
    except Exception:
        return False
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the retry page for a POST stopped by a transient fault, else 500."""
    exc = sys.exc_info()[1]
    if request.method == "POST" and is_transient_fault(exc):
        logger.warning("submission stopped by a transient fault", extra={
            "event": "submission_fault", "path": request.path, "reason": fault_reason(exc)})
        try:
            return retry_page(request, exc)
        except Exception:  # the page itself must never turn a 503 into a blank error
            logger.exception("retry page failed")
    html = loader.render_to_string("500.html")
    return HttpResponseServerError(html)
