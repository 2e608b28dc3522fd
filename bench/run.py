"""`make bench`: how fast gongkai serves its catalog, on SQLite and PostgreSQL.

1. Builds (or reuses) a benchmark database per engine with 10,000 published items
   (`gongkai migrate` + bench/seed.py): SQLite in bench/results/bench.sqlite3, PostgreSQL in
   the database named by --postgres-url (created if missing).
2. Measures the server time of the item page and the catalog list (plain, filtered,
   keyword search) in-process (bench/measure.py): median and p95 over --requests requests.
3. Starts gunicorn with deploy/gunicorn.conf.py (DEBUG off, no cache) and nginx with
   deploy/nginx/*.conf (paths and ports substituted, in a temporary prefix), checks the
   nginx setup with a few requests, then measures requests per second with wrk for the
   item page and the catalog list: gunicorn alone, nginx → gunicorn (with an Authorization
   header, so past the micro-cache: bench/web_stack.py measures the cache), and nginx
   serving the same HTML as a static file; and /robots.txt (no database, no template) as
   the floor of Django + gunicorn. Reports the workers' memory (RSS and PSS) after the runs.
4. Writes bench/results/bench-<time>.json (and latest.json) and prints a Markdown table.

Everything listens on and is sent to 127.0.0.1 only. wrk and nginx are installed with
apt-get when missing and running as root; otherwise the HTTP part is skipped with a message.
The figures in docs/performance.md come from this script; see there for how to read them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEPLOY = ROOT / "deploy"
PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/gongkai_bench"
EXIT_PARTIAL_SEED = 3
SBIN_PATH = os.environ.get("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin"

FLOOR_URL = "/robots.txt"
# Debian's Lua module (libnginx-mod-http-lua, with NDK): the micro-cache's generation
# (docs/edge-cache.md).
LUA_MODULES = ("/usr/lib/nginx/modules/ndk_http_module.so",
               "/usr/lib/nginx/modules/ngx_http_lua_module.so")
LUA_PACKAGE = "libnginx-mod-http-lua"
# Sent by the "nginx → gunicorn" runs: bypasses the micro-cache, as a logged-in user would.
BYPASS_CACHE = {"Authorization": "Bearer bench-bypasses-the-micro-cache"}

# Gunicorn variants for --variants (the shipped configuration is "shipped").
VARIANTS: dict[str, dict[str, str]] = {
    "shipped": {},
    "gthread4": {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4"},
    "no-preload": {"GUNICORN_PRELOAD": "0"},
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def wait_for_quiet(seconds: int, threshold: float) -> int:
    """Wait (up to ``seconds``) until other work on the machine has calmed down."""
    started = time.monotonic()
    if seconds and loadavg() >= threshold:
        log(f"waiting up to {seconds} s for the load average ({loadavg()}) to fall "
            f"below {threshold}")
    while seconds and loadavg() >= threshold and time.monotonic() - started < seconds:
        time.sleep(5)
    return round(time.monotonic() - started)


# --- environment ------------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    """The production-like environment of every process the bench starts."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUNICORN_") and k not in {
               "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE",
               "ALLOWED_HOSTS", "STATIC_ROOT", "MEDIA_ROOT", "GONGKAI_VAR_DIR", "LOG_LEVEL",
               "LOG_FORMAT", "DJANGO_SETTINGS_MODULE", "SEARCH_BACKEND", "STATIC_MANIFEST",
               "TASKS_BACKEND", "DATABASE_CONN_MAX_AGE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "STATIC_ROOT": str(RESULTS / "static"),
        "GONGKAI_VAR_DIR": str(RESULTS / "var"),
        "MEDIA_ROOT": str(RESULTS / "var" / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def db_env(url: str) -> dict[str, str]:
    return {**base_env(), "DATABASE_URL": url}


def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def command_output(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10,
                              env={**os.environ, "PATH": SBIN_PATH})
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    return (done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr) \
        else "unknown"


def environment(postgres_url: str | None) -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory_gb = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": version_of("django"),
        "wagtail": version_of("wagtail"),
        "gunicorn": version_of("gunicorn"),
        "psycopg": version_of("psycopg"),
        "sqlite": sqlite3.sqlite_version,
        "nginx": command_output(["nginx", "-v"]),
        "wrk": command_output(["wrk", "-v"]),
        "loadavg_at_start": loadavg(),
    }
    if postgres_url:
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(maintenance_url(postgres_url), connect_timeout=3) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                info["postgresql"] = row[0] if row else "unknown"
    return info


# --- databases --------------------------------------------------------------------------------


def maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def postgres_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"unexpected PostgreSQL database name: {name!r}")
    return name


def postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(maintenance_url(url), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def postgres_create(url: str, *, drop: bool = False) -> None:
    import psycopg

    name = postgres_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=5) as conn:
        if drop:
            log(f"dropping PostgreSQL database {name}")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating PostgreSQL database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def run_checked(args: list[str], env: dict[str, str],
                what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode not in (0, EXIT_PARTIAL_SEED):
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit status {done.returncode})")
    return done


def prepare_database(engine: str, url: str, items: int) -> dict[str, Any]:
    """Migrate and seed; recreate the database if it holds a partial or different seed."""
    env = db_env(url)
    for attempt in (1, 2):
        if engine == "postgresql":
            postgres_create(url, drop=attempt == 2)
        elif attempt == 2:
            path = Path(urlsplit(url).path)
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        started = time.perf_counter()
        log(f"{engine}: gongkai migrate")
        run_checked([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"], env, "migrate")
        migrate_seconds = round(time.perf_counter() - started, 1)
        log(f"{engine}: seeding {items} items (reused if present)")
        done = run_checked([PYTHON, str(BENCH / "seed.py"), "--items", str(items)], env, "seed")
        if done.returncode == EXIT_PARTIAL_SEED:
            log(f"{engine}: {done.stderr.strip()} Recreating the database.")
            continue
        seeded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        seeded["migrate_seconds"] = migrate_seconds
        # The seed bulk-creates pages without signals; the catalog's keyword filter reads
        # the site-search index, so a fresh seed is indexed once.
        action = "process" if seeded["reused"] else "rebuild"
        log(f"{engine}: gongkai search {action}")
        started = time.perf_counter()
        run_checked([PYTHON, "-m", "gongkai", "search", action], env, "search index")
        seeded["search_index_seconds"] = round(time.perf_counter() - started, 1)
        log(f"{engine}: {'reused' if seeded['reused'] else 'seeded'} in {seeded['seconds']} s")
        return seeded
    raise SystemExit(f"{engine}: could not seed the benchmark database")


# --- in-process timings -----------------------------------------------------------------------

TIMED_PAGES = ("item", "list", "list_filtered", "list_search")


def measure_in_process(url: str, urls: dict[str, str], requests: int,
                       secondary_requests: int) -> dict[str, Any]:
    pages = {name: urls[name] for name in (*TIMED_PAGES, "bulk_item")}
    done = run_checked([PYTHON, str(BENCH / "measure.py"), json.dumps(pages),
                        "--requests", str(requests), "--profile-only", "bulk_item",
                        "--secondary", "list_search",
                        "--secondary-requests", str(secondary_requests)],
                       db_env(url), "in-process measurement")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- processes: gunicorn and nginx --------------------------------------------------------------


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise SystemExit("no free port on 127.0.0.1")


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process for {url} exited with status {process.returncode}")
        with contextlib.suppress(OSError, urllib.error.URLError), \
                urllib.request.urlopen(url, timeout=10) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn(url: str, port: int, logdir: Path, overrides: dict[str, str]
             ) -> Iterator[subprocess.Popen[bytes]]:
    env = {**db_env(url), "GUNICORN_BIND": f"{HOST}:{port}", **overrides}
    gunicorn_bin = Path(PYTHON).parent / "gunicorn"
    command = [str(gunicorn_bin)] if gunicorn_bin.exists() else [PYTHON, "-m", "gunicorn"]
    with (logdir / "gunicorn.log").open("ab") as output:
        process = subprocess.Popen(
            [*command, "-c", str(DEPLOY / "gunicorn.conf.py"), "gongkai.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        stop(process)


HTTPS_BLOCK = "# server {\n#     # nginx >= 1.25.1"


def self_signed_certificate(prefix: Path) -> bool:
    """A certificate for 127.0.0.1 in the prefix (for the HTTPS example block), if openssl."""
    if not shutil.which("openssl"):
        return False
    done = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(prefix / "key.pem"), "-out", str(prefix / "cert.pem"),
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"],
        capture_output=True, text=True,
    )
    return done.returncode == 0


def enable_https_block(text: str, prefix: Path, https_port: int) -> str:
    """Uncomment the example HTTPS server of gongkai.conf, with a local certificate."""
    start = text.find(HTTPS_BLOCK)
    if start < 0:
        raise SystemExit("deploy/nginx/gongkai.conf: the commented HTTPS server block is "
                         "missing: update enable_https_block() in bench/run.py")
    end = text.index("\n# }\n", start) + len("\n# }\n")
    block = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                      for line in text[start:end].splitlines())
    for old, new in (
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/ssl/gongkai/fullchain.pem", str(prefix / "cert.pem")),
        ("/etc/ssl/gongkai/privkey.pem", str(prefix / "key.pem")),
    ):
        if old not in block:
            raise SystemExit(f"HTTPS block of deploy/nginx/gongkai.conf lacks {old!r}")
        block = block.replace(old, new)
    return text[:start] + block + "\n" + text[end:]


def nginx_config(prefix: Path, upstream_port: int, app_port: int, static_port: int,
                 https_port: int | None) -> Path:
    """deploy/nginx/*.conf with the bench's paths and ports, in a Debian-like nginx.conf.

    With ``https_port``, the commented example HTTPS server is enabled too.
    """
    substitutions = {
        "gongkai.conf": [
            ("server 127.0.0.1:8001;", f"server {HOST}:{upstream_port};"),
            ("    listen 80;\n", f"    listen {HOST}:{app_port};\n"),
            ("    listen [::]:80;\n", ""),
            ("include /etc/nginx/snippets/gongkai-app.conf;",
             f"include {prefix / 'gongkai-app.conf'};"),
            ("proxy_cache_path /var/cache/nginx/gongkai levels",
             f"proxy_cache_path {prefix / 'cache'} levels"),
        ],
        "gongkai-app.conf": [
            ("alias /srv/gongkai/static/;", f"alias {RESULTS / 'static'}/;"),
            ("alias /srv/gongkai/var/media/;", f"alias {RESULTS / 'var' / 'media'}/;"),
            ("access_log /var/log/nginx/access.log gongkai",
             f"access_log {prefix / 'gongkai-access.log'} gongkai"),
        ],
    }
    for name, pairs in substitutions.items():
        text = (DEPLOY / "nginx" / name).read_text(encoding="utf-8")
        for old, new in pairs:
            if old not in text:
                raise SystemExit(f"deploy/nginx/{name} no longer contains {old!r}: "
                                 "update nginx_config() in bench/run.py")
            text = text.replace(old, new)
        if name == "gongkai.conf" and https_port is not None:
            text = enable_https_block(text, prefix, https_port)
        (prefix / name).write_text(text, encoding="utf-8")
    main = f"""# Generated by bench/run.py: Debian's nginx.conf defaults, paths in {prefix}.
load_module {LUA_MODULES[0]};
load_module {LUA_MODULES[1]};
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    gzip on;  # as in Debian's nginx.conf: gongkai.conf must not clash with it
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    include {prefix}/gongkai.conf;

    # The same pages, saved as files: what nginx does without the application.
    server {{
        listen {HOST}:{static_port};
        root {prefix}/html;
        access_log {prefix}/access-static.log;
    }}
}}
"""
    config = prefix / "nginx.conf"
    config.write_text(main, encoding="utf-8")
    return config


@contextlib.contextmanager
def nginx(config: Path, prefix: Path) -> Iterator[subprocess.Popen[bytes]]:
    binary = shutil.which("nginx", path=SBIN_PATH) or "nginx"
    test = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(config)],
                          capture_output=True, text=True)
    if test.returncode != 0:
        raise SystemExit(f"nginx -t failed:\n{test.stderr}")
    with (prefix / "nginx.out").open("ab") as output:
        process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
            stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        stop(process, signal.SIGQUIT)


def ensure_tools(install: bool) -> str | None:
    """None if wrk and nginx are there (installing them if allowed), else why not."""
    def absent() -> list[str]:
        tools = [tool for tool in ("wrk", "nginx") if not shutil.which(tool, path=SBIN_PATH)]
        return tools + ([LUA_PACKAGE] if not all(Path(m).exists() for m in LUA_MODULES) else [])

    missing = absent()
    if not missing:
        return None
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing {' '.join(missing)} with apt-get")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=apt_env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=apt_env, check=False)
        missing = absent()
        if not missing:
            return None
    return (f"{' and '.join(missing)} not found: install them (Debian: "
            f"`apt-get install -y {' '.join(missing)}`) to measure requests per second")


# --- HTTP checks and wrk ----------------------------------------------------------------------


def http_get(url: str, headers: dict[str, str] | None = None,
             cafile: Path | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, \
                response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def nginx_checks(app: str, direct: str, urls: dict[str, str],
                 https: tuple[str, Path] | None) -> list[dict[str, Any]]:
    """Requests through nginx that prove the shipped configuration does its job."""
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})

    status, headers, body = http_get(app + urls["item"])
    _, _, direct_body = http_get(direct + urls["item"])
    check("item page through nginx", status == 200 and body == direct_body,
          f"{status}, {len(body)} bytes, identical to gunicorn's: {body == direct_body}")
    status, headers, _ = http_get(app + urls["list"])
    check("catalog list through nginx", status == 200, str(status))
    check("security headers come from Django",
          "content-security-policy" in headers and "x-frame-options" in headers,
          f"CSP: {'content-security-policy' in headers}, "
          f"X-Frame-Options: {headers.get('x-frame-options')}")
    status, headers, _ = http_get(app + urls["item"], {"X-Forwarded-Proto": "https"})
    check("client cannot fake X-Forwarded-Proto",
          status == 200 and "strict-transport-security" not in headers,
          "no HSTS on a plain-HTTP request that claimed https"
          if "strict-transport-security" not in headers else "HSTS sent: header trusted!")
    status, headers, _ = http_get(app + urls["item"], {"Accept-Encoding": "gzip"})
    check("gzip", headers.get("content-encoding") == "gzip",
          f"Content-Encoding: {headers.get('content-encoding')}, Vary: {headers.get('vary')}")
    _, _, page = http_get(direct + urls["item"])
    css = re.search(rb'href="(/static/[^"]+\.css)"', page)
    if css:
        status, headers, _ = http_get(app + css.group(1).decode())
        check("hashed static file from STATIC_ROOT, cached a year",
              status == 200 and "immutable" in headers.get("cache-control", ""),
              f"{css.group(1).decode()}: {status}, Cache-Control: {headers.get('cache-control')}")
    else:
        check("hashed static file from STATIC_ROOT", False, "no stylesheet link in the page")
    status, _, _ = http_get(app + "/media/documents/secret.pdf")
    check("/media/documents/ not served directly", status == 404, str(status))
    connection = http.client.HTTPConnection(urlsplit(app).hostname or HOST,
                                            urlsplit(app).port, timeout=10)
    try:
        connection.putrequest("POST", "/admin/documents/multiple/add/")
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(60 * 1024 * 1024))
        connection.endheaders()
        status = connection.getresponse().status
    finally:
        connection.close()
    check("uploads over client_max_body_size refused by nginx", status == 413,
          f"60 MB upload: {status}")
    if https is not None:
        base, cafile = https
        request = urllib.request.Request(base + urls["item"])
        context = ssl.create_default_context(cafile=str(cafile))
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            hsts = response.headers.get_all("Strict-Transport-Security") or []
            check("HTTPS example block: page served, HSTS sent once (by Django)",
                  response.status == 200 and len(hsts) == 1,
                  f"{response.status}, Strict-Transport-Security: {hsts}")
    return checks


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return round(float(match[1]) * _UNITS[match[2]], 2) if match else float("nan")


def wrk(url: str, duration: int, connections: int, threads: int,
        headers: dict[str, str] | None = None) -> dict[str, Any]:
    load_before = loadavg()
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "--latency", *extra, url],
        capture_output=True, text=True, timeout=duration + 60,
    )
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    result = {
        "url": url,
        "rps": float(rps[1]) if rps else 0.0,
        "requests": int(total[1]) if total else 0,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "latency_ms": {f"p{k}": _ms(v) for k, v in latency.items()},
        "loadavg_before": load_before,
    }
    if not rps or result["non_2xx"] or result["socket_errors"]:
        log(f"wrk {url}: problems: {result} {done.stderr.strip()}")
    return result


def pss_mb(pid: int) -> float | None:
    """Proportional set size: the process's private memory plus its share of shared pages."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def worker_rss(master: subprocess.Popen[bytes]) -> dict[str, Any]:
    """RSS (ps) and PSS of the gunicorn master and its workers, in MB."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-e"], capture_output=True,
                         text=True).stdout
    workers: list[tuple[float, float | None]] = []
    master_mb = 0.0
    for line in out.splitlines():
        pid, ppid, rss = (int(x) for x in line.split())
        if pid == master.pid:
            master_mb = round(rss / 1024, 1)
        elif ppid == master.pid:
            workers.append((round(rss / 1024, 1), pss_mb(pid)))
    workers.sort()
    return {"master_mb": master_mb, "master_pss_mb": pss_mb(master.pid),
            "workers_mb": [rss for rss, _ in workers],
            "workers_pss_mb": [pss for _, pss in workers]}


def http_phase(args: argparse.Namespace, databases: dict[str, str],
               urls_by_db: dict[str, dict[str, str]]) -> dict[str, Any]:
    ports = {"gunicorn": free_port(18001), "app": free_port(18080), "static": free_port(18081),
             "https": free_port(18443)}
    prefix = Path(tempfile.mkdtemp(prefix="gongkai-bench-nginx-"))
    prefix.chmod(0o755)  # nginx workers run as nobody when started by root
    (prefix / "html").mkdir()
    direct = f"http://{HOST}:{ports['gunicorn']}"
    app = f"http://{HOST}:{ports['app']}"
    static = f"http://{HOST}:{ports['static']}"
    tls = self_signed_certificate(prefix)
    https = (f"https://{HOST}:{ports['https']}", prefix / "cert.pem") if tls else None
    config = nginx_config(prefix, ports["gunicorn"], ports["app"], ports["static"],
                          ports["https"] if tls else None)
    result: dict[str, Any] = {"ports": ports, "wrk": {"duration_s": args.duration,
                                                      "connections": args.connections,
                                                      "threads": args.threads},
                              "runs": {}, "rss": {}, "variants": {}}
    pages = ("item", "list")

    def run(label: str, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        log(f"wrk {label}: {url}")
        return wrk(url, args.duration, args.connections, args.threads, headers)

    with nginx(config, prefix) as nginx_process:
        for engine, url in databases.items():
            urls = urls_by_db[engine]
            with gunicorn(url, ports["gunicorn"], prefix, {}) as master:
                wait_for(direct + urls["item"], master)
                wait_for(app + urls["item"], nginx_process)
                for page in pages:  # warm-up: every worker has served the pages
                    wrk(direct + urls[page], 3, args.connections, args.threads)
                if "checks" not in result:
                    result["checks"] = nginx_checks(app, direct, urls, https)
                    for page in pages:
                        status, _, body = http_get(direct + urls[page])
                        assert status == 200, (page, status)
                        (prefix / "html" / f"{page}.html").write_bytes(body)
                    result["static_html_from"] = engine
                runs = result["runs"].setdefault(engine, {})
                for page in pages:
                    runs[page] = {"gunicorn": run(f"{engine} gunicorn {page}",
                                                  direct + urls[page])}
                    runs[page]["nginx_gunicorn"] = run(f"{engine} nginx→gunicorn {page}",
                                                       app + urls[page], BYPASS_CACHE)
                result["rss"][engine] = worker_rss(master)
                if "floor" not in result:
                    # A view without database or template: what Django, its middleware and
                    # gunicorn cost by themselves on this machine.
                    result["floor"] = {
                        "url": FLOOR_URL,
                        "gunicorn": run("gunicorn floor", direct + FLOOR_URL),
                        "nginx_gunicorn": run("nginx→gunicorn floor", app + FLOOR_URL,
                                              BYPASS_CACHE),
                    }
        result["static"] = {page: run(f"nginx static {page}", f"{static}/{page}.html")
                            for page in pages}
    for variant in args.variants:
        engine, url = next(iter(databases.items()))
        urls = urls_by_db[engine]
        try:
            with gunicorn(url, ports["gunicorn"], prefix, VARIANTS[variant]) as master:
                wait_for(direct + urls["item"], master)
                for page in pages:
                    wrk(direct + urls[page], 3, args.connections, args.threads)
                result["variants"][variant] = {
                    "database": engine,
                    **{page: run(f"{engine} gunicorn[{variant}] {page}", direct + urls[page])
                       for page in pages},
                    "rss": worker_rss(master),
                }
        except SystemExit as error:
            log(f"variant {variant} failed: {error} (log: {prefix / 'gunicorn.log'})")
            result["variants"][variant] = {"database": engine, "error": str(error)}
            return result  # keep the prefix and its logs for inspection
    shutil.rmtree(prefix, ignore_errors=True)
    return result


# --- report -----------------------------------------------------------------------------------

PAGE_LABELS = {
    "item": "Item page",
    "list": "Catalog list",
    "list_filtered": "Catalog list, filtered (theme + year)",
    "list_search": "Catalog list, keyword search",
}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Benchmark {results['started']} — {results['items']} items, "
        f"{results['environment']['cores']} cores, load average at start "
        f"{results['environment']['loadavg_at_start']}",
        "",
        "| Page | Database | Median ms | p95 ms | Python CPU ms (median) | SQL queries | "
        "Requests |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for engine, measured in results["in_process"].items():
        for name in TIMED_PAGES:
            page = measured["pages"][name]
            lines.append(f"| {PAGE_LABELS[name]} | {ENGINE_LABELS[engine]} | "
                         f"{page['median_ms']:.1f} | {page['p95_ms']:.1f} | "
                         f"{page['cpu_median_ms']:.1f} | {page['queries']} | "
                         f"{page['requests']} |")
    http = results.get("http")
    if not http:
        lines += ["", f"Requests per second: skipped ({results.get('http_skipped')})."]
        return "\n".join(lines)
    w = http["wrk"]
    lines += [
        "",
        f"Requests per second (wrk -t{w['threads']} -c{w['connections']} -d{w['duration_s']}s, "
        "gunicorn as shipped, no cache):",
        "",
        "| Page | Database | gunicorn | nginx → gunicorn | nginx static | "
        "gunicorn / static | nginx→gunicorn / static | p50 / p99 ms (nginx→gunicorn) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, runs in http["runs"].items():
        for page, run in runs.items():
            static = http["static"][page]["rps"] or float("nan")
            latency = run["nginx_gunicorn"]["latency_ms"]
            lines.append(
                f"| {PAGE_LABELS[page]} | {ENGINE_LABELS[engine]} | {run['gunicorn']['rps']:.0f} | "
                f"{run['nginx_gunicorn']['rps']:.0f} | {static:.0f} | "
                f"{run['gunicorn']['rps'] / static:.3%} | "
                f"{run['nginx_gunicorn']['rps'] / static:.3%} | "
                f"{latency.get('p50', 0):.0f} / {latency.get('p99', 0):.0f} |")
    floor = http.get("floor")
    if floor:
        lines += ["", f"Floor: `{floor['url']}` (no database, no template) — gunicorn "
                  f"{floor['gunicorn']['rps']:.0f} rps, nginx → gunicorn "
                  f"{floor['nginx_gunicorn']['rps']:.0f} rps."]
    lines += ["", "| gunicorn memory after the runs | master RSS MB | workers RSS MB | "
              "workers PSS MB |", "|---|---:|---|---|"]
    for engine, rss in http["rss"].items():
        lines.append(f"| {ENGINE_LABELS[engine]} | {rss['master_mb']} | "
                     f"{', '.join(str(mb) for mb in rss['workers_mb'])} | "
                     f"{', '.join(str(mb) for mb in rss.get('workers_pss_mb', []))} |")
    if http["variants"]:
        lines += ["", "| gunicorn variant | Database | item rps | list rps | workers RSS MB | "
                  "workers PSS MB |", "|---|---|---:|---:|---|---|"]
        for name, variant in http["variants"].items():
            if "error" in variant:
                lines.append(f"| {name} | {ENGINE_LABELS[variant['database']]} | failed: "
                             f"{variant['error']} | | |")
                continue
            lines.append(f"| {name} | {ENGINE_LABELS[variant['database']]} | "
                         f"{variant['item']['rps']:.0f} | {variant['list']['rps']:.0f} | "
                         f"{', '.join(str(mb) for mb in variant['rss']['workers_mb'])} | "
                         f"{', '.join(str(mb) for mb in variant['rss'].get('workers_pss_mb', []))}"
                         " |")
    failed = [c for c in http.get("checks", []) if not c["ok"]]
    lines += ["", f"nginx checks: {len(http.get('checks', [])) - len(failed)} passed"
              + (f", FAILED: {'; '.join(c['check'] + ' (' + c['detail'] + ')' for c in failed)}"
                 if failed else "")]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200,
                        help="timed in-process requests for the item page and the plain and "
                             "filtered lists (after 10 for warm-up)")
    parser.add_argument("--secondary-requests", type=int, default=100,
                        help="timed in-process requests for the keyword-searched list")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--databases", default="postgresql,sqlite",
                        help="comma-separated: postgresql, sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 DEFAULT_POSTGRES_URL))
    parser.add_argument("--sqlite-path", default=str(RESULTS / "bench.sqlite3"))
    parser.add_argument("--variants", default="",
                        help=f"also measure gunicorn variants: {', '.join(VARIANTS)}")
    parser.add_argument("--skip-http", action="store_true", help="in-process timings only")
    parser.add_argument("--wait-quiet", type=int, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS for the 1-minute load average to fall "
                             "below --quiet-load (the figures assume an otherwise idle machine)")
    parser.add_argument("--quiet-load", type=float, default=0.5)
    parser.add_argument("--no-install", action="store_true",
                        help="do not apt-get install missing wrk/nginx")
    args = parser.parse_args()
    args.variants = [v for v in args.variants.split(",") if v]
    for variant in args.variants:
        if variant not in VARIANTS:
            parser.error(f"unknown variant {variant!r}")
    args.databases = [e.strip() for e in args.databases.split(",") if e.strip()]
    for engine in args.databases:
        if engine not in ENGINE_LABELS:
            parser.error(f"unknown database {engine!r}")
    return args


def select_databases(args: argparse.Namespace) -> dict[str, str]:
    databases: dict[str, str] = {}
    for engine in args.databases:
        if engine == "sqlite":
            databases[engine] = f"sqlite:///{Path(args.sqlite_path).resolve()}"
        elif postgres_reachable(args.postgres_url):
            databases[engine] = args.postgres_url
        else:
            log(f"PostgreSQL not reachable at {args.postgres_url}: skipped")
    if not databases:
        raise SystemExit("no database to benchmark")
    return databases


def http_results(args: argparse.Namespace, databases: dict[str, str],
                 urls_by_db: dict[str, dict[str, str]], results: dict[str, Any]) -> None:
    if args.skip_http:
        results["http_skipped"] = "--skip-http"
    elif (missing := ensure_tools(not args.no_install)) is not None:
        log(missing)
        results["http_skipped"] = missing
    else:
        try:
            results["http"] = http_phase(args, databases, urls_by_db)
        except SystemExit as error:  # keep the in-process figures
            log(f"HTTP measurements failed: {error}")
            results["http_skipped"] = f"failed: {error}"


def main() -> None:
    args = parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    databases = select_databases(args)
    waited = wait_for_quiet(args.wait_quiet, args.quiet_load)
    results: dict[str, Any] = {
        "waited_for_quiet_s": waited,
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "items": args.items,
        "environment": environment(databases.get("postgresql")),
        "settings": {"DEBUG": False, "cache": "none (LocMem, cleared / unused by pages)",
                     "gunicorn": "deploy/gunicorn.conf.py"},
        "seed": {}, "in_process": {},
    }
    if results["environment"]["loadavg_at_start"] > 0.5 * (os.cpu_count() or 1):
        log(f"warning: the machine is busy (load average {loadavg()}): figures will be low")
    log("gongkai collectstatic")
    run_checked([PYTHON, "-m", "gongkai", "collectstatic", "--noinput", "-v", "0"],
                base_env(), "collectstatic")
    urls_by_db: dict[str, dict[str, str]] = {}
    for engine, url in databases.items():
        seeded = prepare_database(engine, url, args.items)
        results["seed"][engine] = seeded
        urls_by_db[engine] = seeded["urls"]
        log(f"{engine}: timing pages in-process ({args.requests} requests each)")
        results["in_process"][engine] = measure_in_process(url, seeded["urls"], args.requests,
                                                           args.secondary_requests)
    http_results(args, databases, urls_by_db, results)

    results["loadavg_at_end"] = loadavg()
    results["seconds"] = round(time.perf_counter() - started, 1)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    output = RESULTS / f"bench-{stamp}.json"
    text = json.dumps(results, ensure_ascii=False, indent=2)
    output.write_text(text, encoding="utf-8")
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    print(markdown(results))
    print(f"\nResults: {output.relative_to(ROOT)} ({results['seconds']} s)")


if __name__ == "__main__":
    main()
