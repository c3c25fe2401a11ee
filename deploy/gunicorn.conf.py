"""gunicorn settings for production (issue 13). Started by `deploy/serve` (`make serve`), or
directly: `gunicorn -c deploy/gunicorn.conf.py` from the project directory.

Values come from the environment so that one file serves every instance:

- PORT / HOST          where to listen (default 127.0.0.1:8000)
- WEB_WORKERS          worker processes (default 2 x usable cores + 1)
- WEB_TIMEOUT          seconds a request may take before its worker is killed and replaced
                       (default 30)
- WEB_MAX_REQUESTS     requests after which a worker is replaced (default 1000, plus a random
                       0-10 %, so the workers do not all restart at once; 0 = never)
- FORWARDED_ALLOW_IPS  addresses whose X-Forwarded-Proto gunicorn trusts (default 127.0.0.1,
                       ::1: a proxy on the same host). Django itself trusts the header only
                       with BEHIND_TLS_PROXY=1.
- PROMETHEUS_MULTIPROC_DIR  where workers write their metrics; default a fresh temporary
                       directory per start (emptied at start when given).

Decisions:

- Sync workers: one request per process at a time, so a slow request cannot stall others in
  its process, WEB_TIMEOUT can kill a stuck one, and the database connections are exactly the
  workers. Run it behind a buffering reverse proxy (nginx, a load balancer) that terminates
  TLS and absorbs slow clients.
- preload_app off: each worker imports Django after the fork. Nothing (a database connection,
  a socket) is ever shared between processes, and a graceful reload (`kill -HUP <master>`)
  starts new workers on the new code while old ones finish their requests. The cost is
  memory: no copy-on-write sharing of the imported code (about 60-80 MB per worker).
- Graceful: SIGHUP reloads (new workers, then the old stop), SIGTERM stops after the current
  requests (up to graceful_timeout), max_requests with jitter recycles workers slowly.
- Logs: JSON lines on stderr, like Django's (btt/observability/logs.py). The access log holds
  the method, the path without its query string (which may carry a CPR number or a name), the
  status, the duration, the response size and the request id; no client address, referrer
  (it holds other pages' query strings) or user agent. CPR-like numbers are scrubbed.
- No control socket: signals suffice, and two instances on one host would share its default
  path (~/.gunicorn/gunicorn.ctl).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
chdir = str(BASE_DIR)


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    value = int(raw) if raw else default
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, got {value}")
    return value


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "btt.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000, 1)}"
workers = _int("WEB_WORKERS", 2 * _cores() + 1, 1)
worker_class = "sync"
timeout = _int("WEB_TIMEOUT", 30, 1)
graceful_timeout = 30
keepalive = 5
max_requests = _int("WEB_MAX_REQUESTS", 1000, 0)
max_requests_jitter = max_requests // 10
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
control_socket_disable = True
# The workers' heartbeat files: in memory, never on a slow disk (gunicorn creates them safely).
if os.path.isdir("/dev/shm"):  # noqa: S108  # nosec B108
    worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108

# --- logs: JSON on stderr, as Django writes them ------------------------------------------

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The message of an access line; the JSON fields come from the same atoms (AccessJsonFormatter).
# Never %(r)s or %(q)s (query string), %(f)s (referrer), %(a)s (user agent), %(h)s (address).
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
_handler = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stderr",
    "filters": ["scrub"],
}
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "btt.observability.logs.PersonNumberFilter"}},
    "formatters": {
        "json": {"()": "btt.observability.logs.JsonFormatter"},
        "access": {"()": "btt.observability.logs.AccessJsonFormatter"},
    },
    "handlers": {
        "console": {**_handler, "formatter": "json"},
        "error_console": {**_handler, "formatter": "json"},
        "access_console": {**_handler, "formatter": "access"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}

# --- Prometheus: one directory of sample files shared by the workers ----------------------

_OWN_DIR = "BTT_METRICS_DIR_OWNED"  # marks a directory this file made (a reload keeps it)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before any worker imports prometheus_client: the workers inherit the environment.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="btt-metrics-")
    os.environ[_OWN_DIR] = "1"


def on_starting(server: Any) -> None:
    """A directory given by the operator may hold an earlier run's samples: drop them."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def post_worker_init(worker: Any) -> None:
    """The application is loaded: move what it allocated so far (modules, templates, URL
    patterns) out of the garbage collector's generations, so the periodic full collections of
    a busy worker no longer walk them (they set the board's p95: issue 14, helper R's
    profile)."""
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended (recycled, timed out, crashed): its live gauges no longer count."""
    from prometheus_client import multiprocess  # in the master, after the directory is set

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if os.environ.get(_OWN_DIR) == "1":
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
