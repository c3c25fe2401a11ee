"""A denied user cannot save a *valid* form (RULES.md, security checklist #12 and #13).

For every URL of the matrix that writes, the form is read from the page as a persona who may
use it, filled with valid values (tests/authz_forms.py), then posted by every persona the
matrix denies: each gets the matrix's status and the database is unchanged. Last, the allowed
persona posts the same data and it is saved (a redirect and a changed database), which proves
the data was valid: a denial of an invalid form would prove nothing.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from psycopg import sql

from .authz_forms import VALID_FORMS, Form
from .authz_matrix import MATRIX, PERSONAS

WRITE_URLS = sorted(name for name, rule in MATRIX.items() if rule.writes)
# tables whose rows a denied request may add: the audit log (denied attempts are logged),
# sessions and the login bookkeeping
VOLATILE = {"audit_auditevent", "django_session", "axes_accessattempt", "axes_accesslog"}


class _FormReader(HTMLParser):
    """The fields of the page's first POST form that is not the logout button."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form, self._radios = {}, {}
            self._action = a.get("action")
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self._radios.setdefault(name, a.get("value", "on"))
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.setdefault(name, []).append(a.get("value", "on"))
                else:
                    self._form.setdefault(name, [])
            elif kind not in ("submit", "button", "reset", "file"):
                self._form.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self._form.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                self._form[self._select].append(value)
                self._select_chosen = True
            elif self._select_first is None and value:
                self._select_first = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form[self._select].append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._form.setdefault(self._textarea, []).append(self._text.strip("\n"))
            self._textarea = None
        elif tag == "form":
            for name, first in self._radios.items():  # a radio group: its first choice
                self._form[name] = self._form.get(name) or [first]
            if self._action is None or "logout" not in self._action:
                self.forms.append(self._form)
            self._form = None


def read_form(html: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(html)
    # the page's main form: the one with the most fields
    return max(reader.forms, key=len) if reader.forms else {}


# One table's row count and a hash of its contents; the table is a quoted identifier.
TABLE_SIGNATURE = sql.SQL(
    "(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
    " FROM {table} t)"
)


def fingerprint() -> dict[str, object]:
    """Every table's row count and a hash of its contents: one query."""
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed} - VOLATILE)
    query = sql.SQL("SELECT {}").format(
        sql.SQL(", ").join(TABLE_SIGNATURE.format(table=sql.Identifier(t)) for t in tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _expected(rule, spec, persona) -> int:
    want = rule.expected(persona, "post")
    return spec.closed_status.get(want, want) if isinstance(spec, Form) else want


def _allowed_persona(rule, spec) -> str:
    for status in (200, 302):
        for persona in PERSONAS:
            real = ":" not in persona and persona != "anonymous"
            if real and _expected(rule, spec, persona) == status:
                return persona
    raise AssertionError("no persona may use this form")


def _denied_personas(rule, spec) -> list[str]:
    return [p for p in PERSONAS if _expected(rule, spec, p) not in (200, 302)]


def test_every_write_url_has_valid_form_data():
    missing = set(WRITE_URLS) - set(VALID_FORMS)
    assert not missing, f"tests/authz_forms.py lacks valid data for {sorted(missing)}"
    stale = set(VALID_FORMS) - set(WRITE_URLS)
    assert not stale, f"tests/authz_forms.py names no writing URL: {sorted(stale)}"


FORM_URLS = [name for name in WRITE_URLS if not isinstance(VALID_FORMS.get(name, ""), str)]


@pytest.mark.parametrize("name", FORM_URLS)
def test_denied_user_cannot_save_a_valid_form(world, client, name):
    rule = MATRIX[name]
    spec = VALID_FORMS[name]
    args = spec.args(world) if isinstance(spec, Form) else rule.args(world)
    url = reverse(name, args=args)
    allowed_name = _allowed_persona(rule, spec)
    allowed = getattr(world, allowed_name)
    client.force_login(allowed)
    page = client.get(url)
    data = read_form(page.content.decode()) if page.status_code == 200 else {}
    values = spec.data(world) if isinstance(spec, Form) else spec(world)
    for key, value in values.items():
        data[key] = value if isinstance(value, list) else [value]
    client.logout()

    failures = []
    for persona in _denied_personas(rule, spec):
        user_name, _, variant = persona.partition(":")
        if variant:
            continue  # consent variants share their persona's rights on writes
        if persona != "anonymous":
            client.force_login(getattr(world, user_name))
        before = fingerprint()
        response = client.post(url, data)
        want = _expected(rule, spec, persona)
        if response.status_code != want:
            failures.append(f"{persona}: {response.status_code} != {want}")
        changed = [t for t, v in fingerprint().items() if before[t] != v]
        if changed:
            failures.append(f"{persona}: changed {changed}")
        client.logout()
    assert not failures, "\n".join(failures)

    # the same data, posted by someone allowed, is saved: it was a valid form
    client.force_login(allowed)
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code == 302, (
        f"the valid form was not saved for {allowed_name}: "
        f"{response.status_code} {_errors(response)}"
    )
    assert fingerprint() != before


def _errors(response) -> str:
    """The error summary of a re-shown form, or the start of the answer."""
    body = response.content.decode()
    start = body.find('id="error-summary"')
    if start == -1:
        return body[:500]
    return " | ".join(
        line.strip() for line in body[start : start + 2500].splitlines() if "<li>" in line
    )
