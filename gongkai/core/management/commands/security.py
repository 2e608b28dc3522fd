"""`gongkai security …`: the security administrator's console tasks.

    gongkai security roles                        who holds which platform duty (三员分立)
    gongkai security assign-role USER ROLE --by SECADMIN
    gongkai security revoke-role USER ROLE --by SECADMIN
    gongkai security unlock USER --by SECADMIN
    gongkai security reset-2fa USER --by SECADMIN
    gongkai security logins [USER] [--limit N]

ROLE is sysadmin, secadmin or auditor. --by names the account the change is recorded under
in the audit log; it must be a security administrator (or, while setting up, a superuser).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.enums import PlatformRole
from gongkai.core.models import LoginRecord
from gongkai.core.security import services


def _user(name: str) -> AbstractBaseUser:
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: name}).first()
    if user is None:
        raise CommandError(f"没有用户名为“{name}”的账户。")
    return cast(AbstractBaseUser, user)


class Command(BaseCommand):
    help = "账户安全：三员分立角色、解锁、重置双因素认证、查看登录记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("roles", help="列出平台三员角色")
        for name in ("assign-role", "revoke-role"):
            p = sub.add_parser(name)
            p.add_argument("user")
            p.add_argument("role", choices=[r.value for r in PlatformRole])
            p.add_argument("--by", required=True)
        for name in ("unlock", "reset-2fa"):
            p = sub.add_parser(name)
            p.add_argument("user")
            p.add_argument("--by", required=True)
        p = sub.add_parser("logins")
        p.add_argument("user", nargs="?")
        p.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "roles":
                self._roles()
            elif action == "logins":
                self._logins(options["user"], options["limit"])
            else:
                self._change(action, options)
        except (PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc

    def _change(self, action: str, options: dict[str, Any]) -> None:
        user, by = _user(options["user"]), _user(options["by"])
        if action == "assign-role":
            services.assign_platform_role(user=user, role=PlatformRole(options["role"]), by=by)
        elif action == "revoke-role":
            services.revoke_platform_role(user=user, role=PlatformRole(options["role"]), by=by)
        elif action == "unlock":
            services.unlock(user=user, by=by)
        else:
            services.reset_totp(user=user, by=by)
        self.stdout.write(f"已完成：{action} {user.get_username()}（已记入审计日志）。")

    def _roles(self) -> None:
        for role in PlatformRole:
            names = sorted(services.platform_group(role).user_set.values_list(
                "username", flat=True))
            self.stdout.write(f"{role.label}：{'、'.join(names) or '（无）'}")

    def _logins(self, username: str | None, limit: int) -> None:
        records = LoginRecord.objects.all()
        if username:
            records = records.filter(username=username)
        for r in records[:limit]:
            self.stdout.write(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.username:<20} "
                              f"{r.get_outcome_display():<8} {r.ip_address or '—'}")
