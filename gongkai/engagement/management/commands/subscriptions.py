"""`gongkai subscriptions send-digests|stats`: the subscription digests.

``send-digests`` runs from cron through ``gongkai periodic``: it first queues the statistics
releases that have become public since the last run (``releases.queue_released``: they become
public by time, so no event does it), then every subscriber gets at most one digest per run,
of what was published since their last one (``services.send_digests``). ``queue-releases``
does only the first step.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from gongkai.engagement import releases, services
from gongkai.engagement.enums import SubscriptionStatus
from gongkai.engagement.models import DigestItem, Subscriber, Subscription


class Command(BaseCommand):
    help = "订阅：send-digests 发送更新汇总邮件，stats 统计订阅情况。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("send-digests", help="向每位订阅者发送至多一封更新汇总邮件")
        sub.add_parser("stats", help="订阅者、订阅和待发送条目数量")
        sub.add_parser("queue-releases", help="把已到发布时间的统计数据发布加入订阅队列")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "stats":
            self._stats()
            return
        queued = releases.queue_released(timezone.now())
        if queued or options["verbosity"] > 1:
            self.stdout.write(f"已到发布时间的统计数据发布 {queued} 项加入订阅队列。")
        if options["action"] == "queue-releases":
            return
        upto = DigestItem.objects.aggregate(top=Max("pk"))["top"] or 0
        waiting = Subscriber.objects.filter(digest_cursor__lt=upto).count()
        with tqdm(total=waiting, desc="发送订阅汇总", unit="人", file=sys.stderr,
                  disable=not sys.stderr.isatty()) as bar:
            run = services.send_digests(progress=bar.update)
        if run.subscribers_sent or run.failed or options["verbosity"] > 1:
            self.stdout.write(
                f"已发送汇总邮件 {run.subscribers_sent} 封，共 {run.items_sent} 条更新；"
                f"跳过 {run.skipped}，失败 {run.failed}。")
        for error in run.errors:
            self.stderr.write(error)

    def _stats(self) -> None:
        confirmed = Subscription.objects.filter(status=SubscriptionStatus.CONFIRMED)
        self.stdout.write(
            f"订阅者 {Subscriber.objects.count()} 人；有效订阅 {confirmed.count()} 项；"
            f"待确认 {Subscription.objects.filter(status=SubscriptionStatus.PENDING).count()} 项；"
            f"队列条目 {DigestItem.objects.count()} 条。")
