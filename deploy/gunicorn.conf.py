"""Gunicorn settings for gongkai: ``gunicorn -c deploy/gunicorn.conf.py gongkai.wsgi``.

Every value can be overridden from the environment (GUNICORN_*), so the systemd unit, a
container and the benchmark (`make bench`) all use this one file. The defaults are the
ones measured in docs/performance.md: one sync worker per core behind nginx.

* Worker class: ``sync``. Rendering a page is CPU-bound Python (templates, ORM), so a
  second thread in the same process only competes for the GIL: on the 2-core bench machine
  gthread with 4 threads served 9-15 item pages/s against 20-25 for sync
  (docs/performance.md, "Worker model"). nginx buffers requests and responses, so slow
  clients never hold a sync worker. Use gthread (GUNICORN_WORKER_CLASS=gthread,
  GUNICORN_THREADS=4) only if pages come to wait on network I/O (an external search
  service, S3 media).
* Workers: one per CPU core. More workers than cores only add memory (~110 MB RSS each)
  and context switches.
* Workers are recycled after about 2,000 requests (with jitter, so they do not restart at
  once): a guard against slow memory growth, not a fix for it.
* The application is preloaded in the master, so a recycled worker is ready at once
  instead of spending ~3 s importing Django and Wagtail. New code therefore needs a restart
  (``systemctl restart gongkai-web``), not a HUP.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


# --- Sockets ------------------------------------------------------------------------------
# nginx proxies to this address (deploy/nginx/gongkai.conf, upstream gongkai_app). A unix
# socket works too: GUNICORN_BIND=unix:/run/gongkai/gunicorn.sock.
bind = [_str("GUNICORN_BIND", "127.0.0.1:8001")]
backlog = _int("GUNICORN_BACKLOG", 2048)

# --- Workers ------------------------------------------------------------------------------
workers = _int("GUNICORN_WORKERS", os.cpu_count() or 2)
worker_class = _str("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)  # > 1 switches gunicorn to gthread
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# A request running longer than this is killed (the worker restarts). nginx waits 60 s.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive to nginx (upstream keepalive) only matters for gthread; sync closes each time.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Load Django once in the master and fork: a new worker is ready at once. Costs ~20 MB in
# total with 2 workers (the master's copy), saves memory from ~4 workers on. Restart the
# service (not HUP) to deploy new code.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no"}
# The heartbeat file (created with mkstemp and unlinked at once) lives in memory, never on
# a slow or full disk; with systemd's PrivateTmp=yes /tmp would work as well.
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHM if os.access(_SHM, os.W_OK) else None
proc_name = "gongkai"

# Only nginx on this host may set X-Forwarded-* (Django reads X-Forwarded-Proto itself,
# see SECURE_PROXY_SSL_HEADER in gongkai/settings.py).
forwarded_allow_ips = _str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Control socket (gunicornc) -------------------------------------------------------------
# Off unless a path is given (the systemd unit uses /run/gongkai/gunicorn.ctl).
_control_socket = _str("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket

# --- Logging --------------------------------------------------------------------------------
# Access log: one JSON-ish object per line on stdout (journald), next to Django's JSON logs.
# Values are gunicorn atoms; double quotes inside them are escaped by gunicorn. "-" in a
# numeric field means the value was not available.
accesslog = _str("GUNICORN_ACCESS_LOG", "-")
# The request line, query and referer reach the log with a survey's one-time code or link
# token replaced (gongkai/core/access_log.py).
logger_class = "gongkai.core.access_log.RedactingLogger"
errorlog = _str("GUNICORN_ERROR_LOG", "-")
loglevel = _str("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"event": "http_access", "time": "%(t)s", "remote": "%({x-forwarded-for}i)s", '
    '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "status": %(s)s, '
    '"bytes": "%(B)s", "ms": %(M)s, "referer": "%(f)s", "ua": "%(a)s", "pid": "%(p)s"}'
)
