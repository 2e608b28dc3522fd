"""The public reading room (依申请公开结果): an agency's published replies.

Only ``PublishedReply`` rows are read: their texts were masked when published
(``publication.publish_reply``), so nothing here can show an applicant's personal data.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from gongkai.catalog.models import ApplyEntryPage
from gongkai.core.models import Agency
from gongkai.info_requests.enums import Outcome
from gongkai.info_requests.models_publication import PublishedReply

PAGE_SIZE = 20


@require_GET
def reading_room(request: HttpRequest, agency_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=agency_slug)
    replies = PublishedReply.objects.filter(agency=agency).order_by("-replied_on", "-id")
    page = Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Outcome.choices)
    entry = (ApplyEntryPage.objects.live().descendant_of(agency.home_page).first()
             if agency.home_page is not None else None)
    return render(request, "info_requests/reading_room.html", {
        "agency": agency, "_gk_agency": agency, "entry_page": entry, "page_obj": page,
        "rows": [(reply, labels.get(reply.outcome, reply.outcome)) for reply in page],
    })
