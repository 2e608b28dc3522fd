"""Staff sign-in security: lockout, second factor, idle timeout, passwords, 三员分立."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gongkai.core import audit, crypto
from gongkai.core.enums import LoginOutcome, PlatformRole
from gongkai.core.models import AuditLogEntry, LoginRecord, StaffAuthState
from gongkai.core.security import services
from gongkai.core.security.passwords import CharacterClassesValidator
from gongkai.core.security.rules import LockoutPolicy, is_idle_expired, lock_until
from gongkai.testing import CommandRunner, make_user

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy(max_failures=3, window=dt.timedelta(minutes=10),
                       lock_for=dt.timedelta(minutes=30))
PASSWORD = "test-pass-123"


# --- pure rules -------------------------------------------------------------------------

@pytest.mark.parametrize(("minutes_ago", "locked"), [
    ((), False),
    ((1, 2), False),                 # below the limit
    ((1, 2, 3), True),               # the limit, inside the window
    ((1, 2, 11), False),             # one failure fell out of the window
    ((0, 0, 0, 0), True),
])
def test_it_locks_after_the_policy_number_of_recent_failures(
        minutes_ago: tuple[int, ...], locked: bool) -> None:
    failures = [T0 - dt.timedelta(minutes=m) for m in minutes_ago]
    until = lock_until(failures, T0, POLICY)
    assert (until == T0 + POLICY.lock_for) if locked else until is None


@pytest.mark.parametrize(("last", "now", "idle", "expired"), [
    (None, 1000.0, 60, False), (1000.0, 1060.0, 60, False), (1000.0, 1061.0, 60, True),
    (1000.0, 99999.0, 0, False),
])
def test_idle_expiry_is_strictly_after_the_timeout(last: float | None, now: float, idle: int,
                                                   expired: bool) -> None:
    assert is_idle_expired(last, now, idle) is expired


@pytest.mark.parametrize(("password", "ok"), [
    ("abcdefghijkl", False), ("abcdefgh1234", False), ("Abcdefgh1234", True),
    ("abcdefgh-123", True), ("统计局abc-123", True),
])
def test_passwords_need_three_character_classes(password: str, ok: bool) -> None:
    validator = CharacterClassesValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


# --- lockout through the real login form ------------------------------------------------

def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("wagtailadmin_login"),
                       {"username": username, "password": password})


@pytest.mark.django_db
@override_settings(GONGKAI_LOGIN_MAX_FAILURES=3)
def test_it_locks_an_account_after_repeated_failures_even_for_the_right_password(
        client: Client) -> None:
    make_user("editor1", superuser=True)
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert _login(client, "editor1", "wrong").status_code == 200
        response = _login(client, "editor1", PASSWORD)
    assert response.status_code == 200
    assert "已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    outcomes = list(LoginRecord.objects.filter(username="editor1").order_by("at", "pk")
                    .values_list("outcome", flat=True))
    assert outcomes == [LoginOutcome.BAD_PASSWORD] * 3 + [LoginOutcome.LOCKED]
    assert AuditLogEntry.objects.filter(action="auth.account_locked").count() == 1
    # After the lock period the right password works again.
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert _login(client, "editor1", PASSWORD).status_code == 302
    assert LoginRecord.objects.filter(username="editor1", outcome="success").exists()


@pytest.mark.django_db
@override_settings(GONGKAI_LOGIN_MAX_FAILURES=3)
def test_a_success_resets_the_failure_count(client: Client) -> None:
    make_user("editor2", superuser=True)
    with time_machine.travel(T0, tick=False):
        _login(client, "editor2", "wrong")
        _login(client, "editor2", "wrong")
        assert _login(client, "editor2", PASSWORD).status_code == 302
        client.logout()
        _login(client, "editor2", "wrong")
        _login(client, "editor2", "wrong")
        assert _login(client, "editor2", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failed_attempts_on_unknown_names_are_recorded_without_locking_anything(
        client: Client) -> None:
    _login(client, "nobody", "guess")
    record = LoginRecord.objects.get(username="nobody")
    assert record.user is None and record.outcome == LoginOutcome.BAD_PASSWORD
    assert not StaffAuthState.objects.exists()


# --- the second factor ----------------------------------------------------------------------

def _signed_in(username: str) -> tuple[Client, Any]:
    user = make_user(username, superuser=True)
    client = Client()
    assert _login(client, username, PASSWORD).status_code == 302
    return client, user


@pytest.mark.django_db
@override_settings(GONGKAI_STAFF_2FA="required")
def test_staff_must_enrol_a_second_factor_before_using_the_admin() -> None:
    with time_machine.travel(T0, tick=False):
        client, user = _signed_in("secure1")
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("gk_totp"))
        page = client.get(response["Location"])
        assert "<svg" in page.content.decode() and "绑定身份验证器" in page.content.decode()
        secret = client.session["gk_totp_pending"]
        wrong = client.post(reverse("gk_totp"), {"code": "000000", "next": "/admin/"})
        assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
        done = client.post(reverse("gk_totp"),
                           {"code": pyotp.TOTP(secret).at(T0), "next": "/admin/pages/"})
        assert done.status_code == 302 and done["Location"] == "/admin/pages/"
        assert client.get("/admin/").status_code == 200
    state = StaffAuthState.objects.get(user=user)
    assert state.has_totp and secret not in state.totp_secret_encrypted
    assert crypto.decrypt(state.totp_secret_encrypted) == secret
    assert AuditLogEntry.objects.filter(action="auth.totp_enrolled").exists()
    assert not AuditLogEntry.objects.filter(data__icontains=secret).exists()


@pytest.mark.django_db
@override_settings(GONGKAI_STAFF_2FA="optional")
def test_an_enrolled_account_must_pass_its_code_and_a_code_is_accepted_once() -> None:
    with time_machine.travel(T0, tick=False):
        user = make_user("secure2", superuser=True)
        secret = services.new_totp_secret()
        assert services.confirm_totp(user=user, secret=secret, code=pyotp.TOTP(secret).at(T0),
                                     request=None)
    later = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        client = Client()
        assert _login(client, "secure2", PASSWORD).status_code == 302
        assert client.get("/admin/")["Location"].startswith(reverse("gk_totp"))
        code = pyotp.TOTP(secret).at(later)
        assert client.post(reverse("gk_totp"), {"code": code}).status_code == 302
        assert client.get("/admin/").status_code == 200
        # The same code, replayed in another session, is refused.
        other = Client()
        _login(other, "secure2", PASSWORD)
        replay = other.post(reverse("gk_totp"), {"code": code})
        assert replay.status_code == 200
        assert other.get("/admin/").status_code == 302


@pytest.mark.django_db
@override_settings(GONGKAI_STAFF_2FA="required", GONGKAI_LOGIN_MAX_FAILURES=3)
def test_repeated_wrong_codes_lock_the_account_and_sign_it_out() -> None:
    with time_machine.travel(T0, tick=False):
        user = make_user("secure3", superuser=True)
        secret = services.new_totp_secret()
        services.confirm_totp(user=user, secret=secret, code=pyotp.TOTP(secret).at(T0),
                              request=None)
        client = Client()
        _login(client, "secure3", PASSWORD)
        for _ in range(3):
            response = client.post(reverse("gk_totp"), {"code": "123456"})
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_login")
        assert "_auth_user_id" not in client.session
        assert services.locked_until("secure3", timezone.now()) is not None


# --- idle timeout ----------------------------------------------------------------------------

@pytest.mark.django_db
@override_settings(GONGKAI_STAFF_IDLE_TIMEOUT=600)
def test_idle_staff_are_signed_out_and_sent_back_to_where_they_were() -> None:
    with time_machine.travel(T0, tick=False):
        client, _user = _signed_in("idle1")
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=599), tick=False):
        assert client.get("/admin/pages/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(seconds=599 + 601), tick=False):
        response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]
    assert "_auth_user_id" not in client.session
    outcomes = set(LoginRecord.objects.filter(username="idle1").values_list("outcome", flat=True))
    assert LoginOutcome.IDLE_TIMEOUT in outcomes and LoginOutcome.LOGOUT not in outcomes


# --- login history -------------------------------------------------------------------------

@pytest.mark.django_db
def test_staff_see_their_own_login_history_and_nobody_elses() -> None:
    client, _user = _signed_in("history1")
    _login(Client(), "history2-unknown", "x")
    page = client.get(reverse("gk_login_history")).content.decode()
    assert "登录成功" in page
    assert "history2-unknown" not in page
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert reverse("gk_login_history") in account


# --- 三员分立 -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_one_account_cannot_combine_two_platform_duties_by_any_path() -> None:
    setup = make_user("setup", superuser=True)
    secadmin = make_user("secadmin")
    services.assign_platform_role(user=secadmin, role=PlatformRole.SECURITY_ADMIN, by=setup)
    alice = make_user("alice")
    services.assign_platform_role(user=alice, role=PlatformRole.AUDITOR, by=secadmin)
    with pytest.raises(services.SeparationOfDutiesError):
        services.assign_platform_role(user=alice, role=PlatformRole.SYSTEM_ADMIN, by=secadmin)
    # Wagtail's user screen and the shell change groups directly: still refused.
    sysadmin_group = services.platform_group(PlatformRole.SYSTEM_ADMIN)
    with pytest.raises(ValidationError), transaction.atomic():
        alice.groups.add(sysadmin_group)
    with pytest.raises(ValidationError), transaction.atomic():
        sysadmin_group.user_set.add(alice)  # type: ignore[arg-type]
    with pytest.raises(services.SeparationOfDutiesError):
        services.assign_platform_role(user=setup, role=PlatformRole.AUDITOR, by=secadmin)
    assert services.platform_roles(alice) == {PlatformRole.AUDITOR}


@pytest.mark.django_db
def test_only_a_security_administrator_assigns_duties_and_never_to_themselves() -> None:
    setup = make_user("setup", superuser=True)
    auditor = make_user("auditor")
    services.assign_platform_role(user=auditor, role=PlatformRole.AUDITOR, by=setup)
    bob = make_user("bob")
    with pytest.raises(PermissionDenied):
        services.assign_platform_role(user=bob, role=PlatformRole.SYSTEM_ADMIN, by=auditor)
    secadmin = make_user("secadmin")
    services.assign_platform_role(user=secadmin, role=PlatformRole.SECURITY_ADMIN, by=setup)
    with pytest.raises(PermissionDenied):
        services.assign_platform_role(user=secadmin, role=PlatformRole.AUDITOR, by=secadmin)


@pytest.mark.django_db
def test_group_changes_reach_the_audit_log_with_who_made_them() -> None:
    user = make_user("carol")
    group = Group.objects.create(name="某组")
    user.groups.add(group)
    entry = AuditLogEntry.objects.filter(action="auth.groups_add").latest("seq")
    assert entry.target_id == str(user.pk) and entry.data == {"groups": ["某组"]}


@pytest.mark.django_db
def test_the_auditor_reads_the_audit_log_and_a_system_administrator_does_not() -> None:
    setup = make_user("setup", superuser=True)
    auditor, sysadmin = make_user("aud"), make_user("sys")
    services.assign_platform_role(user=auditor, role=PlatformRole.AUDITOR, by=setup)
    services.assign_platform_role(user=sysadmin, role=PlatformRole.SYSTEM_ADMIN, by=setup)
    url = reverse("audit_log:index")
    as_auditor, as_sysadmin = Client(), Client()
    as_auditor.force_login(auditor)  # type: ignore[arg-type]
    as_sysadmin.force_login(sysadmin)  # type: ignore[arg-type]
    assert as_auditor.get(url).status_code == 200
    assert as_sysadmin.get(url).status_code in {302, 403}


# --- the audit chain and field encryption ------------------------------------------------

@pytest.mark.django_db
def test_audit_verify_passes_and_then_finds_a_removed_newest_entry() -> None:
    for n in range(3):
        audit.record(action="test.step", data={"n": n})
    runner = CommandRunner("audit")
    assert "哈希链校验通过" in runner.run("verify")[0]
    AuditLogEntry.objects.filter(seq=AuditLogEntry.objects.count()).delete()
    assert audit.verify_chain() is not None
    with pytest.raises(CommandError, match="断裂") as caught:
        runner.run("verify")
    assert caught.value.returncode == 1


@override_settings(GONGKAI_FIELD_KEYS=[crypto.new_key()])
def test_field_encryption_round_trips_and_refuses_tampering() -> None:
    token = crypto.encrypt("举报人：张三 13800138000")
    assert "张三" not in token
    assert crypto.decrypt(token) == "举报人：张三 13800138000"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token[:-4] + "AAAA")
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_a_new_key_in_front_still_reads_old_values_and_rotate_moves_them() -> None:
    old, new = crypto.new_key(), crypto.new_key()
    with override_settings(GONGKAI_FIELD_KEYS=[old]):
        token = crypto.encrypt("秘密")
    with override_settings(GONGKAI_FIELD_KEYS=[new, old]):
        assert crypto.decrypt(token) == "秘密"
        rotated = crypto.rotate(token)
    with override_settings(GONGKAI_FIELD_KEYS=[new]):
        assert crypto.decrypt(rotated) == "秘密"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


@pytest.mark.django_db
def test_the_user_screen_reports_a_combination_of_duties_as_a_form_error() -> None:
    setup = make_user("setup", superuser=True)
    dave = make_user("dave")
    services.assign_platform_role(user=dave, role=PlatformRole.AUDITOR, by=setup)
    client = Client()
    client.force_login(setup)  # type: ignore[arg-type]
    groups = [services.platform_group(PlatformRole.AUDITOR).pk,
              services.platform_group(PlatformRole.SYSTEM_ADMIN).pk]
    response = client.post(reverse("wagtailusers_users:edit", args=[dave.pk]), {
        "username": "dave", "email": "dave@example.com", "first_name": "D", "last_name": "W",
        "is_active": "on", "groups": groups,
    })
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert services.platform_roles(dave) == {PlatformRole.AUDITOR}
