"""Shared pieces of the fault drills (``make reliability``): a private PostgreSQL cluster,
a private Redis, gunicorn on a free port, and a small form-posting HTTP client.

Nothing here touches the shared PostgreSQL (5432) or Redis (6379) of the machine: each
drill starts its own server on a free port in a temporary directory and removes it at the
end, so restarting or stopping it never disturbs anyone else.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "postgres"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _as_postgres(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user when we are."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", PG_USER, "--", *args]
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


@dataclass
class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb in a temporary directory, pg_ctl)."""

    port: int
    directory: Path
    data: Path = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgres://{PG_USER}@{HOST}:{self.port}/gongkai_drill"

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args], timeout=120)
        if check and done.returncode != 0:
            raise SystemExit(f"pg_ctl {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses={HOST} "
                   "-c fsync=on -c max_connections=200 -c shared_buffers=64MB")
        self.pg_ctl("-w", "-l", str(self.directory / "postgres.log"), "-o", options, "start")

    def restart(self, mode: str = "fast") -> float:
        """Restart (every connection is cut); returns the seconds the server was down."""
        started = time.monotonic()
        self.pg_ctl("-w", "-m", mode, "stop")
        self.start()
        return time.monotonic() - started

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop", check=False)


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    directory = Path(tempfile.mkdtemp(prefix="h10-pg-"))
    os.chmod(directory, 0o777)  # the postgres user writes its socket and log here
    server = PrivatePostgres(free_port(), directory)
    done = _as_postgres([str(PG_BIN / "initdb"), "-D", str(server.data), "-A", "trust",
                         "-E", "UTF8", "--locale=C.UTF-8", "-U", PG_USER], timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"initdb failed: {done.stdout}{done.stderr}")
    server.start()
    log(f"private PostgreSQL cluster on port {server.port} ({directory})")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class PrivateRedis:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 1):
                return
            time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    directory = Path(tempfile.mkdtemp(prefix="h10-redis-"))
    server = PrivateRedis(free_port(), directory)
    server.start()
    log(f"private Redis on port {server.port}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process (DEBUG off) on the drill database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env.update({
        "DATABASE_URL": database_url, "SECRET_KEY": "reliability-drill-only",
        "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(ROOT / "static_collected"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    })
    env.update(extra)
    return env


def gongkai(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    done = subprocess.run([PYTHON, "-m", "gongkai", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"gongkai {' '.join(args)} failed:\n{done.stdout[-3000:]}"
                         f"{done.stderr[-3000:]}")
    return done.stdout


def python(env: dict[str, str], code: str, timeout: float = 300) -> Any:
    """Run ``code`` in a Django-configured process; it must print one JSON line last."""
    prelude = ("import django, json, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
               "'gongkai.settings')\ndjango.setup()\n")
    done = subprocess.run([PYTHON, "-c", prelude + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"drill helper failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP_AGENCIES = """
from gongkai.core.models import Agency
from gongkai.testing import make_agency
made = []
for slug, name in (("tjj", "鞍山市统计局"), ("hctjj", "海城市统计局")):
    if not Agency.objects.filter(slug=slug).exists():
        make_agency(slug=slug, name=name, short_name=name[:-1])
        made.append(slug)
print(json.dumps({"created": made}))
"""


def prepare_database(env: dict[str, str]) -> None:
    """Migrate, make the two agencies and collect static files (DEBUG off needs them)."""
    started = time.monotonic()
    gongkai(env, "migrate", "--no-input", "-v", "0")
    python(env, SETUP_AGENCIES)
    if not (ROOT / "static_collected" / "staticfiles.json").exists():
        gongkai(env, "collectstatic", "--no-input", "-v", "0")
    log(f"database migrated and seeded in {time.monotonic() - started:.0f} s")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, logfile: Path
             ) -> Iterator[subprocess.Popen[bytes]]:
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_WORKERS": str(workers),
           "GUNICORN_ACCESS_LOG": str(logfile.with_suffix(".access.log")),
           "GUNICORN_TIMEOUT": "60"}
    with logfile.open("ab") as output:
        process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", str(ROOT / "deploy" /
                                                           "gunicorn.conf.py"),
             "gongkai.wsgi"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({process.returncode}); see {logfile}")
            with contextlib.suppress(OSError):
                status, _ = Client(port).get("/")
                if status < 500:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 120 s")
            time.sleep(0.5)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master + workers), in MB."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-e"], capture_output=True,
                         text=True).stdout
    rows = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip()]
    total = sum(rss for p, parent, rss in rows if p == pid or parent == pid)
    return round(total / 1024, 1)


# --- HTTP client ------------------------------------------------------------------------------

INPUT = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*>', re.S)
VALUE = re.compile(r'value="(?P<value>[^"]*)"')


def hidden_value(html: str, name: str) -> str:
    for match in INPUT.finditer(html):
        if match.group("name") == name:
            value = VALUE.search(match.group(0))
            return value.group("value") if value else ""
    return ""


class Client:
    """One visitor: keeps cookies, posts url-encoded forms, from its own source address.

    The public forms limit submissions per client address (a few an hour); a real spike
    comes from many addresses, so each simulated visitor binds its own 127.x.y.z."""

    def __init__(self, port: int, source: str = HOST, timeout: float = 120) -> None:
        self.port = port
        self.source = source
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None
                ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout,
                                                source_address=(self.source, 0))
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "gongkai-reliability"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, str]) -> tuple[int, str]:
        return self.request("POST", path, {**body,
                                           "csrfmiddlewaretoken": self.cookies.get("csrftoken",
                                                                                   "")})


def source_address(n: int) -> str:
    """A distinct loopback address per visitor: 127.1.0.1, 127.1.0.2, …"""
    return f"127.{1 + n // 65025}.{(n // 255) % 255}.{1 + n % 255}"


@contextlib.contextmanager
def drill_database() -> Iterator[tuple[PrivatePostgres, dict[str, str], Path]]:
    """A private cluster with a migrated ``gongkai_drill`` database and two agencies, the
    production-like environment for it, and a directory for logs, mail and media."""
    import psycopg

    logdir = Path(tempfile.mkdtemp(prefix="h10-drill-"))
    reuse = os.environ.get("DRILL_DATABASE_URL", "")
    if reuse:  # development: an already migrated database (drills that restart need none)
        env = app_env(reuse, GONGKAI_VAR_DIR=str(logdir / "var"),
                      MEDIA_ROOT=str(logdir / "var" / "media"),
                      EMAIL_FILE_PATH=str(logdir / "mail"))
        prepare_database(env)
        yield None, env, logdir  # type: ignore[misc]
        return
    with private_postgres() as pg:
        with psycopg.connect(f"postgres://{PG_USER}@{HOST}:{pg.port}/postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE gongkai_drill")
        env = app_env(pg.url, GONGKAI_VAR_DIR=str(logdir / "var"),
                      MEDIA_ROOT=str(logdir / "var" / "media"),
                      EMAIL_FILE_PATH=str(logdir / "mail"))
        prepare_database(env)
        log(f"logs, mail and media of this run: {logdir}")
        yield pg, env, logdir


def verdict(name: str, ok: bool, figures: dict[str, Any]) -> bool:
    print(json.dumps({"drill": name, "verdict": "PASS" if ok else "FAIL", **figures},
                     ensure_ascii=False), flush=True)
    print(f"== {name}: {'PASS' if ok else 'FAIL'}", flush=True)
    return ok
