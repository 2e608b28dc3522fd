"""gongkai scan_personal_data: list the personal data the detector finds, for review.

Without arguments: the latest revision of every disclosure item (text and attachments),
with each agency's own contact numbers allowed. With FILE arguments: those text files,
with ``--allow`` numbers/addresses (repeatable). Values are printed masked, with a
masked snippet of context, so the output can be shared to judge false positives.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.text.decode import decode_bytes
from gongkai.core.text.pii import find_personal_data, mask_personal_data


class Command(BaseCommand):
    help = "列出检测到的个人信息（已遮蔽），用于核查误报。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="text files to scan instead of the catalog")
        parser.add_argument("--allow", action="append", default=[],
                            help="a number or address that is public on purpose")

    def handle(self, *args: Any, **options: Any) -> None:
        counts: collections.Counter[str] = collections.Counter()
        scanned = 0
        if options["files"]:
            for name in options["files"]:
                scanned += 1
                text = decode_bytes(Path(name).read_bytes()).text
                for finding in find_personal_data(text, allowed=options["allow"]):
                    counts[finding.kind.label] += 1
                    context = text[max(0, finding.start - 20):finding.end + 10]
                    snippet = mask_personal_data(context, allowed=options["allow"])
                    self.stdout.write(f"{name}\t{finding.label}\t{finding.masked}\t"
                                      + snippet.replace("\n", " "))
        else:
            scanned = self._scan_catalog(counts)
        self.stdout.write(f"scanned: {scanned}; findings: {sum(counts.values())} "
                          + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))

    def _scan_catalog(self, counts: collections.Counter[str]) -> int:
        from gongkai.catalog.models import DisclosureItemPage
        from gongkai.catalog.personal_data import latest_object, report_for

        pages = DisclosureItemPage.objects.order_by("path")
        for page in pages:
            report = report_for(latest_object(page))
            for finding in report.findings:
                counts[finding.label] += 1
                self.stdout.write(f"{page.pk}\t{mask_personal_data(page.title)}\t"
                                  f"{finding.where}\t{finding.label}\t{finding.masked}")
            for unreadable in report.unreadable:
                self.stdout.write(f"{page.pk}\t{unreadable.where}\t{unreadable.reason}")
        return int(pages.count())
