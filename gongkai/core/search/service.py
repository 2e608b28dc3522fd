"""The site search as the public pages and the API use it.

:func:`search` parses the query, asks the backend for one page of visible matches,
re-checks those ids with their source's visibility rule (so even a stale index never
shows a withdrawn page), and builds highlighted snippets. :func:`record_search` keeps
the privacy-preserving counts behind 热门搜索.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from gongkai.core.models import Agency, SearchDocument, SearchTermCount
from gongkai.core.search.analyzer import is_han, normalize, runs
from gongkai.core.search.backends import get_backend
from gongkai.core.search.backends.base import FacetValue, SearchFilters, Sort
from gongkai.core.search.query import ParsedQuery, parse
from gongkai.core.search.registry import get_source

MAX_PAGE_SIZE = 100
SNIPPET_CHARS = 120


@dataclass(frozen=True)
class SearchHit:
    doc_id: int
    title: str
    title_html: SafeString
    url: str
    snippet_html: SafeString
    published_at: dt.datetime
    agency_name: str
    content_type_label: str
    column_title: str
    validity_label: str


@dataclass
class SearchResults:
    query: ParsedQuery
    total: int = 0
    page: int = 1
    page_size: int = 20
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # False when more documents match than a search looks at (the most recent 1,000):
    # the total is then "1000+" and the results and facets cover those 1,000.
    total_is_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search(raw: str, *, filters: SearchFilters | None = None, sort: Sort = Sort.RELEVANCE,
           page: int = 1, page_size: int = 20, now: dt.datetime | None = None,
           with_facets: bool = True) -> SearchResults:
    """One page of results. Never raises for anything a visitor can type."""
    moment = now or timezone.now()
    query = parse(raw)
    page_size = max(1, min(MAX_PAGE_SIZE, page_size))
    page = max(1, page)
    results = SearchResults(query=query, page=page, page_size=page_size)
    if query.is_empty:
        return results
    found = get_backend().search(query, filters or SearchFilters(), sort, now=moment,
                                 offset=(page - 1) * page_size, limit=page_size,
                                 with_facets=with_facets)
    results.total = found.total
    results.total_is_exact = found.total_is_exact
    results.facets = found.facets
    results.hits = _hits(found.doc_ids, query, moment)
    return results


def matching_object_ids(raw: str, *, source: str, now: dt.datetime | None = None
                        ) -> QuerySet[SearchDocument, Any] | None:
    """Object ids of one source whose documents contain every word of ``raw`` (a
    subquery), or None when the query has no searchable word (no filtering)."""
    query = parse(raw)
    if query.is_empty:
        return None
    return (get_backend().matching(query, now or timezone.now())
            .filter(source=source).values("object_id"))


def _hits(doc_ids: list[int], query: ParsedQuery, now: dt.datetime) -> list[SearchHit]:
    docs = SearchDocument.objects.in_bulk(doc_ids)
    by_source: dict[str, list[int]] = defaultdict(list)
    for doc in docs.values():
        by_source[doc.source].append(doc.object_id)
    allowed: set[tuple[str, int]] = set()
    for name, ids in by_source.items():
        source = get_source(name)
        if source is not None:
            allowed.update((name, object_id) for object_id in source.visible_ids(ids, now))
    agency_names = dict(Agency.objects.filter(
        id__in={doc.agency_id for doc in docs.values() if doc.agency_id}
    ).values_list("id", "name"))
    pieces = highlight_pieces(query)
    hits = []
    for doc_id in doc_ids:
        found = docs.get(doc_id)
        if found is None or (found.source, found.object_id) not in allowed:
            continue
        doc = found
        # Snippets look at the first 20,000 characters: enough for any summary and most
        # bodies, and bounded for 500-page reports.
        text = " ".join(part for part in (doc.summary, doc.body, doc.attachments) if part)
        text = text[:20000]
        hits.append(SearchHit(
            doc_id=doc.pk, title=doc.title, title_html=highlight(doc.title, pieces, None),
            url=doc.url, snippet_html=highlight(text, pieces, SNIPPET_CHARS),
            published_at=doc.published_at, agency_name=agency_names.get(doc.agency_id or 0, ""),
            content_type_label=doc.content_type_label, column_title=doc.column_title,
            validity_label=doc.validity_label,
        ))
    return hits


# --- snippets --------------------------------------------------------------------------


def highlight_pieces(query: ParsedQuery) -> list[str]:
    """The runs to mark: each Han run and word of every term, longest first."""
    pieces = {run for term in query.terms for run in runs(term.text)}
    return sorted(pieces, key=len, reverse=True)


def _folded(text: str, offset: int = 0) -> tuple[str, list[int]]:
    """The text normalised character by character, whitespace dropped, with a map from
    each folded character back to its position in the original text (plus ``offset``)."""
    whole = normalize(text)
    if len(whole) == len(text):
        # The usual case: normalisation kept every character in place.
        kept = [(index, ch) for index, ch in enumerate(whole, start=offset) if not ch.isspace()]
        return "".join(ch for _, ch in kept), [index for index, _ in kept]
    chars: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text, start=offset):
        if ch.isspace():
            continue
        for folded in normalize(ch):
            chars.append(folded)
            positions.append(index)
    return "".join(chars), positions


def _anchor(text: str, pieces: list[str]) -> int:
    """Where the first match starts: a plain find on the lower-cased text usually does
    (stored text is mostly simplified already); otherwise fold a bounded prefix."""
    lowered = text.lower()
    found = [pos for pos in (lowered.find(piece) for piece in pieces) if pos >= 0]
    if found:
        return min(found)
    folded, positions = _folded(text[:4000])
    found = [pos for pos in (folded.find(piece) for piece in pieces) if pos >= 0]
    return positions[min(found)] if found else 0


def highlight(text: str, pieces: list[str], width: int | None) -> SafeString:
    """Escaped ``text`` (or a window of ``width`` characters around the first match)
    with every occurrence of a piece wrapped in <mark>."""
    pieces = [piece for piece in pieces if len(piece) > 1 or is_han(piece)]
    lo, hi = 0, len(text)
    if width is not None:
        lo = max(0, _anchor(text, pieces) - width // 4)
        hi = min(len(text), lo + width)
    # Fold a little beyond the window so a match crossing its edge is still found.
    margin = 20 if width is not None else 0
    start_at = max(0, lo - margin)
    folded, positions = _folded(text[start_at : hi + margin], start_at)
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        for match in re.finditer(re.escape(piece), folded):
            start, end = positions[match.start()], positions[match.end() - 1] + 1
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
    spans.sort()
    out: list[str] = ["…" if lo > 0 else ""]
    cursor = lo
    for start, end in spans:
        if end <= cursor or start >= hi:
            continue
        start, end = max(start, cursor), min(end, hi)
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:hi]))
    if hi < len(text):
        out.append("…")
    return mark_safe("".join(out))  # every piece is escaped above


# --- 热门搜索 --------------------------------------------------------------------------

_NOT_RECORDED = re.compile(r"\d{5,}|@|[a-z0-9]{20,}")


def recordable_term(query: ParsedQuery) -> str | None:
    """The normalised query if it may be counted: short, and nothing that could
    identify a person (ID, phone or card numbers, e-mail addresses, names after labels)."""
    term = query.normalized
    if not term or len(term) > 20 or _NOT_RECORDED.search(term):
        return None
    try:
        from gongkai.core.text.pii import find_personal_data
    except ImportError:  # pragma: no cover - the detector ships with the platform
        return term
    return None if find_personal_data(query.raw) else term


def record_search(query: ParsedQuery, *, today: dt.date | None = None) -> None:
    term = recordable_term(query)
    if term is None:
        return
    day = today or timezone.localdate()
    updated = SearchTermCount.objects.filter(day=day, term=term).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            SearchTermCount.objects.create(day=day, term=term, count=1)
    except IntegrityError:  # created by a concurrent request
        SearchTermCount.objects.filter(day=day, term=term).update(count=F("count") + 1)


def hot_searches(*, limit: int = 10, days: int = 30, today: dt.date | None = None) -> list[str]:
    since = (today or timezone.localdate()) - dt.timedelta(days=days)
    minimum = settings.GONGKAI_HOT_SEARCH_MIN_COUNT
    rows = (SearchTermCount.objects.filter(day__gt=since).values("term")
            .annotate(total=Sum("count")).filter(total__gte=minimum)
            .order_by("-total", "term")[:limit])
    return [row["term"] for row in rows]
