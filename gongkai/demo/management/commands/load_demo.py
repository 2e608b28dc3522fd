"""`gongkai load_demo`: the demo platform of 鞍山市统计局 and its seven county bureaus."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.demo import accounts
from gongkai.demo.engagement import demo_invitation_lines
from gongkai.demo.loader import Summary, load


def display_width(text: str) -> int:
    # Chinese characters take two terminal columns; the box must line up around them.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def boxed(lines: list[str]) -> str:
    width = max(display_width(line) for line in lines)
    top = "╔" + "═" * (width + 2) + "╗"
    bottom = "╚" + "═" * (width + 2) + "╝"
    middle = [f"║ {line}{' ' * (width - display_width(line))} ║" for line in lines]
    return "\n".join([top, *middle, bottom])


def summary_text(summary: Summary) -> str:
    return (
        f"平台首页：{'新建' if summary.platform_created else '保留'}；"
        f"机构：新建 {summary.agencies_created}，保留 {summary.agencies_kept}；"
        f"公开信息：新建 {summary.items_created}（另有草稿 {summary.drafts_created}），"
        f"保留 {summary.items_kept}；附件：新建 {summary.documents_created}；"
        f"用户：新建 {summary.users_created}，保留 {summary.users_kept}。"
    )


def login_lines(summary: Summary) -> list[str]:
    path = accounts.password_file()
    lines = ["演示站点后台登录", "", f"地址：{accounts.admin_url()}",
             f"用户名：{accounts.ADMIN_USERNAME}"]
    if summary.admin_credential is not None:
        lines += [f"密码：{summary.admin_credential.password}", f"（已保存到 {path}）"]
    elif path.exists():
        lines += [f"密码：见 {path}", "（账号已存在，密码未修改）"]
    else:
        lines += ["密码：账号已存在，密码未修改；密码文件已不存在，",
                  f"可用 gongkai changepassword {accounts.ADMIN_USERNAME} 重设。"]
    staff = "、".join(spec.username for spec in accounts.STAFF)
    lines += ["", f"示例工作人员：{staff}", "（密码同在上述文件中，可体验保密审查流程）"]
    return lines


def index_for_search() -> int:
    """Index what the load published now, rather than when the worker gets to it; a
    database from before the search existed is indexed in full."""
    from gongkai.core.models import SearchDocument
    from gongkai.core.search import indexing

    indexing.process_outbox()
    if not SearchDocument.objects.exists():
        indexing.rebuild()
    return SearchDocument.objects.count()


class Command(BaseCommand):
    help = "载入演示内容：鞍山市统计局及其7个县（市）区统计局。可重复运行，不会重复创建。"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load(progress=options["verbosity"] > 0)
        indexed = index_for_search()
        credentials = ([summary.admin_credential] if summary.admin_credential else [])
        credentials += summary.new_credentials
        if credentials:
            # A new admin means a new database: start the file afresh.
            accounts.save_credentials(credentials, fresh=summary.admin_credential is not None)
        self.stdout.write(summary_text(summary))
        self.stdout.write(f"站内搜索索引：{indexed} 条。")
        for line in demo_invitation_lines():  # the 邀请码 survey's codes (docs/demo.md)
            self.stdout.write(line)
        self.stdout.write(boxed(login_lines(summary)))
