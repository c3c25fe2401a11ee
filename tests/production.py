"""The production server in tests: gunicorn with ``deploy/gunicorn.conf.py`` and the production
settings (``btt.settings``, ``DEBUG`` off), and the job worker, as subprocesses against the
pytest test database. Used by ``tests/test_production_server.py``,
``tests/test_two_instances.py``, the browser tests (``BROWSER_SERVER=production``,
``tests/browser/conftest.py``) and the load benchmark (``bench/load.py``).

- ``ProductionServer.start()`` runs ``python -m gunicorn -c deploy/gunicorn.conf.py`` on a free
  port with ``HOST``/``PORT``/``WEB_WORKERS`` and the production settings, waits for
  ``/healthz`` (with a deadline) and ``stop()`` sends SIGTERM and returns the exit code: a
  graceful stop exits 0 within a few seconds. The process group is killed whatever happens.
- ``JobWorker.start()`` runs ``python manage.py procrastinate worker`` the same way.
- ``ensure_static_collected()`` runs ``manage.py collectstatic`` into ``STATIC_ROOT``
  (``var/static``) when the sources changed since the last run (whitenoise's manifest storage
  needs the collected files when ``DEBUG`` is off; collecting takes some 18 s on two cores, so
  it happens once per change of the sources, not once per test run).
- ``WebClient`` speaks HTTP as a browser without JavaScript does (standard library only: a
  cookie jar, redirects not followed, so tests see each 302); ``HtmlForm`` reads a form's
  fields from a page as the browser would post them; ``sign_in`` passes the password and the
  second factor through the forms.

Production settings hash passwords with PBKDF2 while the test settings use MD5 (speed), so a
user built in a test cannot sign in to the production server until
``use_production_passwords()`` gives the users a PBKDF2 hash of the test password (or the
test sets ``PASSWORD_HASHERS`` to ``QuickPBKDF2PasswordHasher``, as the browser tests do
with ``BROWSER_SERVER=production``).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN_CONF = BASE_DIR / "deploy" / "gunicorn.conf.py"
START_DEADLINE_S = 45.0  # imports and two workers on a busy two-core machine
STOP_DEADLINE_S = 10.0  # a graceful stop: idle sync workers exit at once
PRODUCTION_SECRET_KEY = "production-server-test-secret-key-0123456789"  # tests only

# Variables the child process must not inherit from the test process, where btt.settings_test
# has set some of them (os.environ.setdefault) for the in-process test settings.
_NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "MIGRATION_DATABASE_URL",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "ENVIRONMENT_LABEL",
    "HOST",
    "PORT",
    "WEB_WORKERS",
}


# --- the processes ------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(settings_dict: Mapping[str, Any] | None = None) -> str:
    """A ``postgres://`` URL for the database Django is connected to now (in a test: the test
    database, ``test_<name>``), as dj-database-url reads it (a socket directory as host too)."""
    if settings_dict is None:
        from django.db import connection

        settings_dict = connection.settings_dict
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = quote(str(settings_dict.get("HOST") or ""), safe="")
    port = str(settings_dict.get("PORT") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    where = f"{host}:{port}" if port else host
    return f"postgres://{auth}{where}/{quote(str(settings_dict['NAME']), safe='')}"


def production_env(
    *,
    database: str,
    port: int | None = None,
    workers: int | None = None,
    secret_key: str = PRODUCTION_SECRET_KEY,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a production process: ``btt.settings`` with ``DEBUG`` off.

    Only TLS is switched off: the tests speak plain http to 127.0.0.1, and in production TLS is
    the reverse proxy's job (docs/operations.md), so ``SECURE_SSL_REDIRECT=0`` (else every
    request is redirected to https) and ``SECURE_COOKIES=0`` (else the browser and the test
    client keep the ``Secure`` session cookie off plain http). Everything else (HSTS on https,
    manifest static files, ``ALLOWED_HOSTS``, no debug pages) is as in production.
    """
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "btt.settings",
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database,
            "SECURE_SSL_REDIRECT": "0",  # plain http in the test; TLS is the proxy's job
            "SECURE_COOKIES": "0",  # likewise: a Secure cookie never travels over http
            "ENVIRONMENT_LABEL": "Test",
            "HOST": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if port is not None:
        env["PORT"] = str(port)
    if workers is not None:
        env["WEB_WORKERS"] = str(workers)
    env.update(extra or {})
    return env


class _Process:
    """A subprocess in its own process group, its output in a temporary log file."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], label: str) -> None:
        self.label = label
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix=f"btt-{label}-", suffix=".log", delete=False
        )
        self.log_path = Path(log.name)
        self._log = log
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            list(args),
            cwd=BASE_DIR,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, killed as one
        )
        self.exit_code: int | None = None
        self.stop_seconds: float | None = None
        self._term_sent: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self, tail: int = 4000) -> str:
        """The end of the process's output (for a failure message)."""
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def terminate(self) -> None:
        """Send SIGTERM (a graceful stop) once; ``stop()`` waits for the exit."""
        if self._term_sent is None:
            self._term_sent = time.monotonic()
            if self.running():
                self.process.send_signal(signal.SIGTERM)

    def stop(self, deadline_s: float = STOP_DEADLINE_S) -> int:
        """SIGTERM (a graceful stop), then the exit code; after ``deadline_s`` the group is
        killed and the code is the kill's (not 0). Idempotent. The log file stays (for the
        caller to read); ``stop_cleanly()`` removes it after a clean exit."""
        if self.exit_code is not None:
            return self.exit_code
        try:
            self.terminate()
            assert self._term_sent is not None
            left = max(0.0, self._term_sent + deadline_s - time.monotonic())
            try:
                self.exit_code = self.process.wait(timeout=left)
            except subprocess.TimeoutExpired:
                self.exit_code = -1
        finally:
            self.stop_seconds = time.monotonic() - (self._term_sent or time.monotonic())
            self._kill_group()
            self._log.close()
        return self.exit_code

    def _kill_group(self) -> None:
        """Whatever is left of the group (a worker that outlived its master)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=5)

    def stop_cleanly(self, deadline_s: float = STOP_DEADLINE_S) -> None:
        """Stop, and fail unless the process exited 0 on SIGTERM within the deadline."""
        code = self.stop(deadline_s)
        assert code == 0, (
            f"{self.label} did not stop cleanly on SIGTERM within {deadline_s:.0f} s "
            f"(exit code {code}):\n{self.log()}"
        )
        self.log_path.unlink(missing_ok=True)


def stop_all(processes: Sequence[_Process], deadline_s: float = STOP_DEADLINE_S) -> None:
    """SIGTERM to all at once, then wait for each (the group killed after the deadline)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop(deadline_s)


class ProductionServer(_Process):
    """gunicorn with deploy/gunicorn.conf.py, on 127.0.0.1:<port>."""

    def __init__(self, env: Mapping[str, str], port: int) -> None:
        super().__init__(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], env, f"gunicorn-{port}"
        )
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    @classmethod
    def start(
        cls,
        *,
        database: str | None = None,
        workers: int | None = 2,
        port: int | None = None,
        secret_key: str = PRODUCTION_SECRET_KEY,
        extra_env: Mapping[str, str] | None = None,
    ) -> ProductionServer:
        """Start and wait until ``/healthz`` answers 200 (``workers=None``: the config's
        default, sized from the cores)."""
        port = port or free_port()
        env = production_env(
            database=database or database_url(),
            port=port,
            workers=workers,
            secret_key=secret_key,
            extra=extra_env,
        )
        server = cls(env, port)
        try:
            server.wait_ready()
        except BaseException:
            server.stop(deadline_s=2)
            raise
        return server

    def wait_ready(self, deadline_s: float = START_DEADLINE_S) -> None:
        deadline = time.monotonic() + deadline_s
        last = ""
        while time.monotonic() < deadline:
            if not self.running():
                raise AssertionError(f"gunicorn exited at start-up:\n{self.log()}")
            try:
                response = WebClient(self.url).get("/healthz", timeout=2)
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
            except (URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.1)  # polling for a condition, with a deadline
        raise AssertionError(
            f"/healthz did not answer 200 within {deadline_s:.0f} s ({last}):\n{self.log()}"
        )

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (the master's children)."""
        import psutil

        try:
            return [p.pid for p in psutil.Process(self.pid).children()]
        except psutil.NoSuchProcess:
            return []


class JobWorker(_Process):
    """``manage.py procrastinate worker`` with the production settings."""

    @classmethod
    def start(
        cls,
        *,
        database: str | None = None,
        args: Sequence[str] = (),
        extra_env: Mapping[str, str] | None = None,
    ) -> JobWorker:
        env = production_env(database=database or database_url(), extra=extra_env)
        return cls([sys.executable, "manage.py", "procrastinate", "worker", *args], env, "worker")


# --- static files -------------------------------------------------------------------------


def _static_sources_fingerprint() -> str:
    """Every file collectstatic would collect (path, size, modification time)."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    seen: list[tuple[str, int, int]] = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            seen.append((path, stat.st_size, stat.st_mtime_ns))
    for item in sorted(seen):
        digest.update(repr(item).encode())
    return digest.hexdigest()


def static_root() -> Path:
    """STATIC_ROOT of the settings (``var/static``; the test settings do not change it)."""
    from django.conf import settings

    return Path(settings.STATIC_ROOT)


def ensure_static_collected() -> Path:
    """Run ``manage.py collectstatic`` with the production settings unless ``STATIC_ROOT``
    already holds what the current sources give (a stamp with their fingerprint). A file lock
    keeps two test processes (``pytest -n 2``) from collecting at the same time."""
    root = static_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    stamp = root / ".collected-from"
    fingerprint = _static_sources_fingerprint()
    with open(root.parent / "static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (
            stamp.exists()
            and stamp.read_text() == fingerprint
            and (root / "staticfiles.json").exists()
        ):
            return root
        env = production_env(database="postgres://unused@127.0.0.1/unused")
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"collectstatic failed:\n{result.stderr[-4000:]}"
        stamp.write_text(fingerprint)
    return root


# --- passwords and sign-in ------------------------------------------------------------------


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 as in production (the same algorithm name) with few iterations: a password a
    test sets this way is accepted by the production server, which upgrades the hash to its
    full work factor at the first sign-in. For ``PASSWORD_HASHERS`` in tests only."""

    iterations = 1000


@functools.cache
def production_password_hash(password: str) -> str:
    """``password`` hashed as the production settings hash it (PBKDF2, full work factor)."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def use_production_passwords(password: str | None = None) -> int:
    """Give every user ``password`` (default: the test password) hashed for production.

    The test settings hash with MD5, which the production settings do not accept."""
    from accounts.models import User
    from tests.factories import TEST_PASSWORD

    return User.objects.update(password=production_password_hash(password or TEST_PASSWORD))


def totp_device(user: Any) -> Any:
    """The user's confirmed authenticator (enrolled now if they have none)."""
    from accounts.selectors import confirmed_totp_device
    from accounts.services import totp_device_create

    return confirmed_totp_device(user) or totp_device_create(user, confirmed=True)


def totp_code(user: Any) -> str:
    """The code the user's authenticator shows now. A code counts once: if this time step was
    used already (the same user signing in twice within 30 s), the next step's code, which the
    server's tolerance accepts."""
    from django_otp.oath import totp

    device = totp_device(user)
    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step + device.drift
    ahead = 1 if now_t <= device.last_t else 0
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


def sign_in(client: WebClient, user: Any, password: str | None = None) -> Response:
    """Password, then the second factor, through the forms; returns the start page."""
    from tests.factories import TEST_PASSWORD

    totp_device(user)
    page = client.get("/konto/login/")
    assert page.status == 200, page.status
    form = HtmlForm.find(page, field="username")
    form["username"] = user.username
    form["password"] = password or TEST_PASSWORD
    response = client.submit(form)
    assert response.status == 302, f"password step: HTTP {response.status}\n{response.text[:2000]}"
    page = client.get(response.location)
    assert page.status == 200, page.status
    form = HtmlForm.find(page, field="token")
    form["token"] = totp_code(user)
    response = client.submit(form)
    assert response.status == 302, f"code step: HTTP {response.status}\n{response.text[:2000]}"
    home = client.get(response.location)
    assert home.status == 200 and "Log af" in home.text, home.status
    return home


# --- HTTP as a browser without JavaScript ---------------------------------------------------


def poll_url(board: Response) -> str | None:
    """The rows URL the board polls, with the fingerprint of the rows shown (htmx's
    ``hx-get`` plus ``hx-vals``), or None when the page has no polling rows."""
    tbody = re.search(r'<tbody id="board-rows"[^>]*>', board.text)
    if tbody is None:
        return None
    url = re.search(r'hx-get="([^"]+)"', tbody[0])
    fingerprint = re.search(r'hx-vals=\'\{"v": "([0-9a-f]+)"\}\'', tbody[0])
    if url is None or fingerprint is None:
        return None
    target = html.unescape(url[1])
    return f"{target}{'&' if '?' in target else '?'}v={fingerprint[1]}"


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        """The redirect's target, absolute."""
        return urljoin(self.url, self.headers.get("Location") or "")


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as the response


class WebClient:
    """A cookie jar and one base URL; pass ``jar=`` to share the cookies with another
    client (another instance: cookies are per host, not per port, as in a browser)."""

    def __init__(self, base_url: str, jar: CookieJar | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.jar = jar if jar is not None else CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect())

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        data: Sequence[tuple[str, str]] | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> Response:
        url = self.url(path)
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = Request(url, data=body, method=method, headers=dict(headers or {}))  # noqa: S310 - http(s) URLs we build
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Response(response.status, response.headers, response.read(), url)
        except HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            with error:
                return Response(error.code, error.headers, error.read(), url)

    def get(self, path: str, *, headers: Mapping[str, str] | None = None, **kw: Any) -> Response:
        return self.request("GET", path, headers=headers, **kw)

    def post(
        self,
        path: str,
        data: Sequence[tuple[str, str]] | Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> Response:
        """POST a form; the CSRF token comes from the cookie when ``data`` has none."""
        pairs = list(data.items()) if isinstance(data, Mapping) else list(data or [])
        if not any(name == "csrfmiddlewaretoken" for name, _value in pairs):
            pairs.append(("csrfmiddlewaretoken", self.cookie("csrftoken") or ""))
        return self.request("POST", path, data=pairs, headers=headers, **kw)

    def submit(self, form: HtmlForm, **kw: Any) -> Response:
        return self.post(form.action, form.data, **kw)

    def set_cookie(self, name: str, value: str) -> None:
        """A session cookie for this client's host (as a browser that received it keeps it)."""
        host = urlsplit(self.base_url).hostname or "127.0.0.1"
        self.jar.set_cookie(
            Cookie(
                version=0,
                name=name,
                value=value,
                port=None,
                port_specified=False,
                domain=host,
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=True,
                comment=None,
                comment_url=None,
                rest={"HttpOnly": ""},
            )
        )

    def cookie(self, name: str) -> str | None:
        for cookie in self.jar:
            if cookie.name == name:
                return cookie.value
        return None


@dataclass
class HtmlForm:
    """A form's fields as a browser posts them: hidden and text inputs, checked boxes and
    radios, textareas, selected options (the first of a single select if none is selected).
    Buttons are left out; add a button's name and value where it matters."""

    action: str
    method: str
    data: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def all(cls, page: Response) -> list[HtmlForm]:
        parser = _FormParser(page.url)
        parser.feed(page.text)
        parser.close()
        return parser.forms

    @classmethod
    def find(cls, page: Response, *, field: str) -> HtmlForm:
        """The first form on the page with a field named ``field``."""
        for form in cls.all(page):
            if field in form:
                return form
        raise AssertionError(f"no form with a field {field!r} on {page.url}:\n{page.text[:3000]}")

    def __contains__(self, name: object) -> bool:
        return any(n == name for n, _v in self.data)

    def __getitem__(self, name: str) -> str:
        for n, v in self.data:
            if n == name:
                return v
        raise KeyError(name)

    def __setitem__(self, name: str, value: str) -> None:
        """Set a field (replacing every value it had)."""
        self.data = [(n, v) for n, v in self.data if n != name] + [(name, value)]

    def values(self, name: str) -> list[str]:
        return [v for n, v in self.data if n == name]


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=urljoin(self.page_url, a.get("action") or self.page_url),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.data.append((name, a.get("value", "on")))
                return
            self._form.data.append((name, a.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = (name, [])
        elif tag == "select" and name and "disabled" not in a:
            self._select = {"name": name, "multiple": "multiple" in a, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # a browser drops the newline right after <textarea> (Django's widget writes one)
            text = text[2:] if text.startswith("\r\n") else text[1:] if text[:1] == "\n" else text
            self._form.data.append((name, text))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._close_option()
        elif tag == "select" and self._select is not None and self._form is not None:
            if self._option is not None:
                self._close_option()
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self._form.data.extend((self._select["name"], v) for v in chosen)
            self._select = None

    def _close_option(self) -> None:
        assert self._option is not None and self._select is not None
        value = self._option["value"]
        if value is None:
            value = "".join(self._option["text"]).strip()
        if self._select["first"] is None:
            self._select["first"] = value
        if self._option["selected"]:
            self._select["chosen"].append(value)
        self._option = None


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def production_static() -> Path:
    """The collected static files the production server serves (whitenoise)."""
    return ensure_static_collected()


def production_live_server_fixture(scope: Any) -> Any:
    """A ``live_server`` fixture (``scope``: "module" or "session") that is the production
    server: assigned to the name ``live_server`` in a conftest or a test module, it replaces
    pytest-django's for the tests there (``page`` and every helper that reads
    ``live_server.url``). The tests ask for ``transactional_db`` as with the live server
    (pytest-django's helper does it for any test that uses ``live_server``), and the users
    need ``use_production_passwords()``."""

    @pytest.fixture(scope=scope, name="live_server")
    def _live_server(django_db_setup: None) -> Iterator[ProductionServer]:
        ensure_static_collected()
        server = ProductionServer.start(workers=2)
        # pytest-django's autouse helper enables and disables the live server's settings
        # overrides around each test; the production server runs in its own process and has
        # none (an empty override)
        from django.test.utils import override_settings

        server._live_server_modified_settings = override_settings()  # type: ignore[attr-defined]
        try:
            yield server
        finally:
            server.stop_cleanly()

    return _live_server


@pytest.fixture(scope="module")
def production_server(django_db_setup: None, production_static: Path) -> Iterator[ProductionServer]:
    """One production server (two workers) on the test database for a module's tests; the
    tests need ``transactional_db`` (the server reads committed rows only). Stopped with
    SIGTERM at the end, which must be a clean exit."""
    server = ProductionServer.start(workers=2)
    try:
        yield server
    finally:
        server.stop_cleanly()
