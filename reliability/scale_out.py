"""Drill: the scale path of issue 9 §4 on one machine (docs/scaling.md).

* A private PostgreSQL primary and a streaming replica of it (pg_basebackup -R, hot
  standby, another port), both logging every statement, so each phase counts the SELECTs
  each cluster received.
* Replica routing, through real HTTP to gunicorn with DATABASE_URL=primary and
  DATABASE_REPLICA_URL=replica: anonymous GETs read the replica, staff requests read the
  primary; a submission confirmed by the primary is on the replica moments later.
* Embargo through a lagging replica: a release's time passes while replay is paused on the
  replica and the release has been postponed on the primary. The replica still holds the old
  time; the page must not show the release's text (the lag guard sends the public to the
  primary). Then replay resumes and the public is back on the replica.
* Replica stopped: public pages keep answering (the primary serves them), then the replica
  is used again after it came back.
* Two gunicorn instances behind one nginx upstream (the shipped gongkai-app.conf and
  gongkai-several-servers.conf), Redis as the shared cache and session store: a staff login
  made through nginx is valid on both instances; a page unpublished through instance A
  disappears from instance B's cached navigation at once; a mixed load of reads and
  submissions runs while instance B is killed (SIGKILL, master and workers): no read may
  fail, and every POST ends with its number or nginx's Chinese 503 page.

    .venv/bin/python reliability/scale_out.py [--load-seconds 60]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from common import (
    HOST,
    PG_BIN,
    PG_USER,
    ROOT,
    Client,
    PrivatePostgres,
    _as_postgres,
    app_env,
    free_port,
    gongkai,
    gunicorn,
    hidden_value,
    log,
    prepare_database,
    private_postgres,
    private_redis,
    python,
    source_address,
    verdict,
)
from pg_restart import NUMBER, fields_for

DB = "gongkai_drill"
STAFF = ("scale_admin", "scale-drill-pass-7391")
PUBLIC_PATHS = ("/", "/tjj/", "/hctjj/", "/hdjl/", "/sjfb/rc/", "/hdjl/phones/")
UNAVAILABLE_TEXT = "暂时无法提交"  # Django's 503 page (database outage): the form kept
NGINX_UNAVAILABLE_TEXT = "服务暂时不可用"  # nginx's page (gongkai/static/gongkai/errors/)


# --- PostgreSQL: primary, replica, statement counts ----------------------------------------


def sql(pg: PrivatePostgres, query: str, *args: Any, db: str = DB) -> Any:
    with psycopg.connect(f"postgres://{PG_USER}@{HOST}:{pg.port}/{db}", autocommit=True) as c:
        row = c.execute(query, args).fetchone()
        return row[0] if row else None


@contextlib.contextmanager
def streaming_replica(primary: PrivatePostgres) -> Iterator[PrivatePostgres]:
    directory = Path(tempfile.mkdtemp(prefix="h3-replica-"))
    os.chmod(directory, 0o777)
    replica = PrivatePostgres(free_port(), directory)
    done = _as_postgres([str(PG_BIN / "pg_basebackup"), "-h", HOST, "-p", str(primary.port),
                         "-U", PG_USER, "-D", str(replica.data), "-R", "-X", "stream",
                         "-c", "fast"], timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"pg_basebackup failed: {done.stdout}{done.stderr}")
    replica.start()
    log(f"streaming replica on port {replica.port} ({directory})")
    try:
        yield replica
    finally:
        replica.stop()
        shutil.rmtree(directory, ignore_errors=True)


class Statements:
    """SELECTs of the application's tables that a cluster logged since ``mark()``."""

    APP_TABLE = re.compile(r'statement: SELECT .*FROM "(?!pg_)\w+"')

    def __init__(self, pg: PrivatePostgres) -> None:
        self.log = pg.directory / "postgres.log"
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.log.stat().st_size

    def count(self) -> int:
        time.sleep(0.3)  # the server writes its log asynchronously
        with self.log.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        return len(self.APP_TABLE.findall(text))


def counted(statements: dict[str, Statements], action: Any) -> dict[str, int]:
    for s in statements.values():
        s.mark()
    action()
    return {name: s.count() for name, s in statements.items()}


# --- Helpers run in a Django process ----------------------------------------------------------

SETUP = """
from django.contrib.auth import get_user_model
from gongkai.testing import make_user
if not get_user_model().objects.filter(username={user!r}).exists():
    make_user({user!r}, superuser=True, password={password!r})
print(json.dumps({{"ok": True}}))
"""

MAKE_RELEASE = """
import datetime as dt
from django.utils import timezone
from gongkai.core.models import Agency
from gongkai.official_stats import services
from gongkai.official_stats.enums import TextKind
agency = Agency.objects.get(slug="tjj")
at = dt.datetime.fromisoformat({at!r})
release = services.create_release(None, agency, title="工业生产月度数据", scheduled_at=at)
# Only the text carries the marker: it is shown once the release is public, never before.
services.save_text(None, release, kind=TextKind.PRESS_RELEASE, title="新闻稿 {marker}",
                   summary="发布前保密 {marker}")
print(json.dumps({{"pk": release.pk}}))
"""

POSTPONE = """
import datetime as dt
from gongkai.official_stats import services
from gongkai.official_stats.models import Release
release = Release.objects.get(pk={pk})
services.postpone_release(None, release, release.scheduled_at + dt.timedelta(hours=1),
                          "数据核查未完成")
print(json.dumps({{"ok": True}}))
"""

COLUMN = """
from gongkai.core.models import Agency
from gongkai.catalog.models import ColumnPage
home = Agency.objects.get(slug="tjj").home_page
page = ColumnPage.objects.child_of(home).live().filter(show_in_navigation=True).first()
print(json.dumps({"pk": page.pk, "title": page.title, "url": page.url}))
"""


# --- Phases ------------------------------------------------------------------------------------


def next_minute(after_seconds: float) -> dt.datetime:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=after_seconds)
    return moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def routing(port: int, primary: PrivatePostgres, replica: PrivatePostgres,
            statements: dict[str, Statements]) -> dict[str, Any]:
    visitor = Client(port)
    anonymous = counted(statements, lambda: [visitor.get(p) for p in PUBLIC_PATHS * 5])
    staff = Client(port)
    login(staff, port)
    staff_reads = counted(statements, lambda: [staff.get("/admin/") for _ in range(10)])
    # A submission: confirmed by the primary, then on the replica once replayed.
    marker = "SC" + uuid.uuid4().hex[:6].upper()
    applicant = Client(port, source_address(7))
    _, form = applicant.get("/ysqgk/tjj/apply/")
    body = {**fields_for("application", 7, marker),
            "idempotency_key": hidden_value(form, "idempotency_key")}
    status, html = applicant.post("/ysqgk/tjj/apply/", body)
    number = NUMBER.search(html)
    confirmed = time.monotonic()
    query = ("SELECT count(*) FROM info_requests_application WHERE description LIKE %s")
    on_primary = sql(primary, query, f"%{marker}%")
    while sql(replica, query, f"%{marker}%") == 0 and time.monotonic() - confirmed < 10:
        time.sleep(0.01)
    replay_ms = round((time.monotonic() - confirmed) * 1000)
    on_replica = sql(replica, query, f"%{marker}%")
    return {"anonymous_gets": len(PUBLIC_PATHS) * 5, "selects_anonymous": anonymous,
            "staff_gets": 10, "selects_staff": staff_reads,
            "submission_status": status, "submission_number": number.group(1).strip()
            if number else "", "stored_on_primary": on_primary, "on_replica": on_replica,
            "visible_on_replica_after_ms": replay_ms}


def login(client: Client, port: int) -> None:
    client.get("/admin/login/")
    status, _ = client.post("/admin/login/", {"username": STAFF[0], "password": STAFF[1],
                                              "next": "/admin/"})
    if status != 302:
        raise SystemExit(f"staff login answered {status}")


def embargo(env: dict[str, str], port: int, primary: PrivatePostgres,
            replica: PrivatePostgres, statements: dict[str, Statements]) -> dict[str, Any]:
    marker = "EMB" + uuid.uuid4().hex[:6].upper()
    at = next_minute(90)  # two Django processes start before it (~20 s each when busy)
    pk = python(env, MAKE_RELEASE.format(at=at.isoformat(), marker=marker))["pk"]
    path = f"/sjfb/release/{pk}/"
    while sql(replica, "SELECT count(*) FROM official_stats_releasetext WHERE title LIKE %s",
              f"%{marker}%") == 0:
        time.sleep(0.05)
    visitor = Client(port)
    before = visitor.get(path)
    sql(replica, "SELECT pg_wal_replay_pause()")
    python(env, POSTPONE.format(pk=pk))
    replica_time = sql(replica, "SELECT scheduled_at FROM official_stats_release WHERE id=%s",
                       pk)
    primary_time = sql(primary, "SELECT scheduled_at FROM official_stats_release WHERE id=%s",
                       pk)
    log(f"replay paused; release {pk}: replica says {replica_time}, primary {primary_time}; "
        f"waiting for {at:%H:%M:%S} UTC")
    leaks = requests = errors = 0
    for s in statements.values():
        s.mark()
    while dt.datetime.now(dt.UTC) < at + dt.timedelta(seconds=5):
        status, html = visitor.get(path)
        requests += 1
        errors += status != 200
        if dt.datetime.now(dt.UTC) >= at:
            leaks += marker in html
        time.sleep(0.5)
    during = {name: s.count() for name, s in statements.items()}
    sql(replica, "SELECT pg_wal_replay_resume()")
    time.sleep(2.5)  # the lag guard looks once a second
    after = counted(statements, lambda: [visitor.get(p) for p in PUBLIC_PATHS * 3])
    return {"release": pk, "old_time_on_replica": str(replica_time),
            "new_time_on_primary": str(primary_time),
            "page_before_release_had_text": marker in before[1],
            "requests_after_old_time": requests, "errors": errors,
            "pages_showing_the_text_early": leaks, "selects_while_paused": during,
            "selects_after_resume": after}


def replica_outage(port: int, replica: PrivatePostgres,
                   statements: dict[str, Statements]) -> dict[str, Any]:
    visitor = Client(port)
    replica.pg_ctl("-w", "-m", "fast", "stop")
    statuses = [visitor.get(p)[0] for p in PUBLIC_PATHS * 5]
    replica.start()
    log("replica back; waiting for the retry interval (30 s)")
    time.sleep(32)
    back = counted({"replica": statements["replica"]},
                   lambda: [visitor.get(p) for p in PUBLIC_PATHS * 2])
    return {"gets_while_replica_down": len(statuses),
            "failed": sum(1 for s in statuses if s != 200),
            "replica_selects_after_it_came_back": back["replica"]}


# --- nginx, two instances ----------------------------------------------------------------------


def nginx_conf(directory: Path, port: int, servers: list[int], env: dict[str, str]) -> Path:
    """The shipped files: gongkai.conf's http-level part (micro-cache zone, maps), the
    upstream of gongkai-several-servers.conf with our two ports, gongkai-app.conf with the
    drill's paths."""
    nginx_dir = ROOT / "deploy" / "nginx"
    http = (nginx_dir / "gongkai.conf").read_text()
    http = re.sub(r"(?ms)^upstream gongkai_app \{.*?^\}\n", "", http)
    http = re.sub(r"(?ms)^server \{.*?^\}\n", "", http)
    http = http.replace("/var/cache/nginx/gongkai", str(directory / "cache"))
    upstream = (nginx_dir / "gongkai-several-servers.conf").read_text()
    lines = [f"    server {HOST}:{p} max_fails=1 fail_timeout=10s;" for p in servers]
    upstream = re.sub(r"(?m)^    server 10\.0\.0\.\d+:8001.*\n", "", upstream)
    upstream = upstream.replace("upstream gongkai_app {\n",
                                "upstream gongkai_app {\n" + "\n".join(lines) + "\n")
    app = (nginx_dir / "gongkai-app.conf").read_text()
    app = app.replace("/srv/gongkai/static/", env["STATIC_ROOT"].rstrip("/") + "/")
    app = app.replace("/srv/gongkai/var/media/", env["MEDIA_ROOT"].rstrip("/") + "/")
    # nginx listens on a free port here, not 80: the Host header must keep the port, or
    # Django's CSRF check sees an Origin that does not match.
    app = app.replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    (directory / "app.conf").write_text(app)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = directory / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {directory}/nginx.pid;\n"
        "include /etc/nginx/modules-enabled/*.conf;\n"
        f"error_log {directory}/error.log warn;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n"
        f"  access_log {directory}/access.log;\n"
        + "".join(f"  {kind}_temp_path {directory}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"{http}\n{upstream}\n  server {{\n    listen {HOST}:{port};\n"
        f"    include {directory}/app.conf;\n  }}\n}}\n")
    return conf


@contextlib.contextmanager
def nginx(directory: Path, port: int, servers: list[int], env: dict[str, str]
          ) -> Iterator[None]:
    conf = nginx_conf(directory, port, servers, env)
    test = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    if test.returncode != 0:
        raise SystemExit(f"nginx -t failed: {test.stderr}")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if Client(port).get("/")[0] == 200:
                    break
            time.sleep(0.2)
        log(f"nginx on port {port}, upstream {servers}")
        yield
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def kill_instance(master_pid: int) -> int:
    """SIGKILL a gunicorn master and its workers at once: a machine that died."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True,
                         text=True).stdout
    pids = [master_pid, *(int(p) for p in out.split())]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


def sessions_and_cache(env: dict[str, str], nginx_port: int, a: int, b: int
                       ) -> dict[str, Any]:
    staff = Client(nginx_port)
    login(staff, nginx_port)
    valid = {}
    for name, port in (("a", a), ("b", b)):
        other = Client(port)
        other.cookies = dict(staff.cookies)
        status, html = other.get("/admin/")
        valid[name] = status == 200 and "wagtail" in html.lower()
    column = python(env, COLUMN)
    on_b = Client(b)
    link = f'href="{column["url"]}"'
    for _ in range(2):  # the second request is answered from the (shared) cache
        _, before = on_b.get("/tjj/")
    via_a = Client(a)
    via_a.cookies = dict(staff.cookies)
    via_a.get(f"/admin/pages/{column['pk']}/unpublish/")
    status, _ = via_a.post(f"/admin/pages/{column['pk']}/unpublish/", {})
    unpublished = time.monotonic()
    gone_after = None
    while time.monotonic() - unpublished < 10:
        if on_b.get("/tjj/")[1].count(link) < before.count(link):
            gone_after = round((time.monotonic() - unpublished) * 1000)
            break
        time.sleep(0.05)
    return {"login_valid_on": valid, "column": column["title"],
            "links_to_it_on_b_before": before.count(link),
            "unpublish_via_a_status": status, "gone_from_b_after_ms": gone_after}


def post_outcome(status: int, html: str) -> str:
    if status == 200 and NUMBER.search(html):
        return "number"
    if status == 503 and UNAVAILABLE_TEXT in html:
        return "django 503 page"
    if status in {502, 503, 504} and NGINX_UNAVAILABLE_TEXT in html:
        return "nginx error page"
    return str(status)


def mixed_load(nginx_port: int, seconds: float, master_b: int) -> dict[str, Any]:
    stop = threading.Event()
    reads: list[int] = []
    posts: list[str] = []
    run = "LB" + uuid.uuid4().hex[:5].upper()

    def reader(n: int) -> None:
        client = Client(nginx_port, source_address(3000 + n), timeout=60)
        i = 0
        while not stop.is_set():
            i += 1
            try:
                reads.append(client.get(PUBLIC_PATHS[(i + n) % len(PUBLIC_PATHS)])[0])
            except OSError:
                reads.append(0)

    def submitter(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            client = Client(nginx_port, source_address(4000 + n * 1000 + i), timeout=60)
            try:
                _, form = client.get("/ysqgk/tjj/apply/")
                body = {**fields_for("application", n * 1000 + i, f"{run}-{n}-{i}"),
                        "idempotency_key": hidden_value(form, "idempotency_key")}
                status, html = client.post("/ysqgk/tjj/apply/", body)
            except OSError as error:
                posts.append(f"connection error {error}")
                continue
            posts.append(post_outcome(status, html))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    threads += [threading.Thread(target=submitter, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    killed = kill_instance(master_b)
    log(f"killed instance B ({killed} processes) after {seconds / 2:.0f} s")
    time.sleep(seconds / 2)
    stop.set()
    for thread in threads:
        thread.join()
    outcomes: dict[str, int] = {}
    for outcome in posts:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"seconds": seconds, "reads": len(reads),
            "failed_reads": sum(1 for s in reads if s != 200),
            "read_statuses": sorted(set(reads)), "posts": outcomes,
            "processes_killed": killed}


# --- The drill ---------------------------------------------------------------------------------


def drill(load_seconds: float = 60) -> bool:
    figures: dict[str, Any] = {}
    logdir = Path(tempfile.mkdtemp(prefix="h3-scale-"))
    with private_postgres() as primary:
        with psycopg.connect(f"postgres://{PG_USER}@{HOST}:{primary.port}/postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB}")
            conn.execute("ALTER SYSTEM SET log_statement = 'all'")
            conn.execute("SELECT pg_reload_conf()")
        base = app_env(primary.url, GONGKAI_VAR_DIR=str(logdir / "var"),
                       MEDIA_ROOT=str(logdir / "var" / "media"),
                       EMAIL_FILE_PATH=str(logdir / "mail"), GONGKAI_STAFF_2FA="optional")
        prepare_database(base)
        # nginx serves its error page from the collected static files.
        gongkai(base, "collectstatic", "--no-input", "-v", "0")
        python(base, SETUP.format(user=STAFF[0], password=STAFF[1]))
        with streaming_replica(primary) as replica, private_redis() as redis:
            statements = {"primary": Statements(primary), "replica": Statements(replica)}
            env = {**base, "DATABASE_REPLICA_URL": f"postgres://{PG_USER}@{HOST}:"
                   f"{replica.port}/{DB}", "REDIS_URL": redis.url}
            a, b = free_port(), free_port()
            with gunicorn(env, a, 2, logdir / "a.gunicorn.log"):
                log("--- replica routing")
                figures["routing"] = routing(a, primary, replica, statements)
                log(json.dumps(figures["routing"], ensure_ascii=False))
                log("--- embargo through a paused replica")
                figures["embargo"] = embargo(env, a, primary, replica, statements)
                log(json.dumps(figures["embargo"], ensure_ascii=False))
                log("--- replica stopped")
                figures["replica_stopped"] = replica_outage(a, replica, statements)
                log(json.dumps(figures["replica_stopped"], ensure_ascii=False))
                with gunicorn(env, b, 2, logdir / "b.gunicorn.log") as process_b:
                    port = free_port()
                    with nginx(logdir, port, [a, b], env):
                        log("--- sessions and cache shared through Redis")
                        figures["shared"] = sessions_and_cache(env, port, a, b)
                        log(json.dumps(figures["shared"], ensure_ascii=False))
                        log(f"--- mixed load through nginx for {load_seconds:.0f} s")
                        figures["load"] = mixed_load(port, load_seconds, process_b.pid)
                        log(json.dumps(figures["load"], ensure_ascii=False))
    figures["uptime"] = subprocess.run(["uptime"], capture_output=True,
                                       text=True).stdout.strip()
    log(f"logs of this run: {logdir}")
    return verdict("scale-out", passed(figures), figures)


def passed(f: dict[str, Any]) -> bool:
    r, e, s, sh, ld = (f["routing"], f["embargo"], f["replica_stopped"], f["shared"],
                       f["load"])
    posts_ok = (set(ld["posts"]) <= {"number", "django 503 page", "nginx error page"}
                and ld["posts"].get("number", 0) > 0)
    return all([
        r["selects_anonymous"]["replica"] > 0,
        # The primary still answers the micro-cache's expiry lookups (EdgeCacheMiddleware runs
        # outside ReplicaRequestMiddleware: a cache lifetime must come from the newest data).
        r["selects_anonymous"]["primary"] < r["selects_anonymous"]["replica"],
        r["selects_staff"]["replica"] == 0 and r["selects_staff"]["primary"] > 0,
        r["stored_on_primary"] == 1 and r["on_replica"] == 1 and r["submission_number"],
        e["pages_showing_the_text_early"] == 0 and e["errors"] == 0,
        not e["page_before_release_had_text"] and e["requests_after_old_time"] > 0,
        e["old_time_on_replica"] != e["new_time_on_primary"],
        e["selects_while_paused"]["replica"] == 0,
        e["selects_after_resume"]["replica"] > 0,
        s["failed"] == 0 and s["replica_selects_after_it_came_back"] > 0,
        all(sh["login_valid_on"].values()),
        sh["links_to_it_on_b_before"] > 0 and sh["gone_from_b_after_ms"] is not None,
        ld["failed_reads"] == 0 and posts_ok,
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=60)
    args = parser.parse_args()
    return 0 if drill(args.load_seconds) else 1


if __name__ == "__main__":
    sys.exit(main())
