"""gunicorn settings for production (issue 13). Started by `make serve` (README, docs/operations.md).

Values come from the environment so that one file serves every instance:

- PORT / HOST          where to listen (default 127.0.0.1:8000)
- WEB_WORKERS          worker processes (default 2 × cores + 1)
- WEB_TIMEOUT          seconds a request may take before its worker is restarted (default 30)
"""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
wsgi_app = "btt.wsgi:application"
