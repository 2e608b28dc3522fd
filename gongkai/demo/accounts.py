"""Demo logins: the platform administrator and a few staff members with roles.

Passwords are random, printed once and kept in var/demo-admin-password.txt (mode 600).
An existing account is never changed, so a second run keeps every password.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.security.rules import character_classes
from gongkai.core.services import add_staff_member

ADMIN_USERNAME = "admin"
PASSWORD_FILE_NAME = "demo-admin-password.txt"  # noqa: S105 - a file name, not a secret


@dataclass(frozen=True)
class StaffSpec:
    username: str
    agency: str
    role: StaffRole
    display_name: str


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("anshan_editor", "anshan", StaffRole.EDITOR, "市局信息编辑（示例）"),
    StaffSpec("anshan_reviewer", "anshan", StaffRole.REVIEWER, "市局保密审查员（示例）"),
    StaffSpec("anshan_approver", "anshan", StaffRole.APPROVER, "市局审核发布人（示例）"),
    StaffSpec("haicheng_editor", "haicheng", StaffRole.EDITOR, "海城市局信息编辑（示例）"),
)


@dataclass(frozen=True)
class Credential:
    username: str
    password: str
    label: str


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE_NAME


def admin_url() -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/"


def new_password() -> str:
    """A random password that also satisfies the platform's own rules (3 character classes),
    so a demo user changing nothing never trips the password validator."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if character_classes(candidate) >= 3:
            return candidate


def ensure_admin() -> tuple[AbstractBaseUser, Credential | None]:
    """The superuser ``admin``; a credential only when it was created now."""
    User = get_user_model()
    existing = User.objects.filter(username=ADMIN_USERNAME).first()
    if existing is not None:
        return existing, None
    password = new_password()
    admin = User.objects.create_superuser(ADMIN_USERNAME, "admin@demo.example", password)
    return admin, Credential(ADMIN_USERNAME, password, "平台管理员（超级用户）")


def ensure_staff(*, agencies: dict[str, Agency], by: AbstractBaseUser
                 ) -> tuple[list[Credential], int]:
    """Create the missing staff members with their roles; returns (created, kept count)."""
    User = get_user_model()
    created: list[Credential] = []
    kept = 0
    for spec in STAFF:
        if User.objects.filter(username=spec.username).exists():
            kept += 1
            continue
        password = new_password()
        user = User.objects.create_user(spec.username, f"{spec.username}@demo.example", password,
                                        first_name=spec.display_name)
        agency = agencies[spec.agency]
        add_staff_member(agency=agency, user=user, role=spec.role, by=by)
        created.append(Credential(spec.username, password,
                                  f"{agency.name} · {spec.role.label}"))
    return created, kept


def save_credentials(credentials: list[Credential], *, fresh: bool) -> Path:
    """Write (or, for accounts added later, append) the logins; only the owner may read."""
    path = password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
    fd = os.open(path, flags, 0o600)
    os.chmod(path, 0o600)  # an older file may have been created with wider permissions
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        if fresh:
            handle.write(f"# 演示站点后台登录：{admin_url()}\n# 用户名\t密码\t身份\n")
        for credential in credentials:
            handle.write(f"{credential.username}\t{credential.password}\t{credential.label}\n")
    return path
