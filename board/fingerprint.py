"""The board's fingerprint: what the rows of a board page show, for this viewer, today, summed up
by ONE SQL query, so the page's poll can answer "nothing changed" (204) without loading the
entries or rendering a row (``board.views.entries.facility_rows`` / ``team_rows``).

Per active entry in scope (``selectors.board_entries_qs``: the policy's visible entries with the
page's filters), the query hashes what its row shows: the entry's ``version`` (bumped by every
save of a column, so also who saved it and when) and its dates (``last_reviewed_on`` is saved
beside a follow-up); the course's ``version`` (its team contacts and responsible doctor) and
status; ``is_current`` (the policy's annotation: the course is active and the resident lives at
the facility, so it moves with every move in or out); the housing contact, the facility's name,
the team's ``board_flag_weeks`` (the flags), the resident's name; the open questions and meeting
actions about the resident at the facility (open count and newest id); and, for viewers whose
columns depend on consent (housing staff), the resident's sharing and refusal ledger (given,
withdrawn, expiry). Which entries are in scope at all (consent to the board, living at the
facility, the filters) is the set of ids hashed.

Around it, in Python: the viewer (user, sector, the teams and facilities they act for), the
page (facility or team board, full or compact columns, sort, filters), the local date (days on
the board, overdue flags, consents lapsing) and the language. A fingerprint is only ever compared
with one the same user's page was given; it says nothing but "the same as before".

Not covered (the rows catch up with the entry's next change, or the next day): a staff
member's name changed (the housing contact, team contacts and doctor are hashed by id).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import MD5
from django.utils import timezone, translation

from accounts.models import User
from consent.models import ConsentKind, ConsentScope
from organisation.access import principal_for

from . import selectors
from .models import Action, BoardEntry, Question


class RowText(Func):
    """``ROW(a, b, ...)::text``: the values as one text, each quoted where needed and NULL as
    nothing, for any column types; flat, so it compiles in one pass however many parts."""

    function = "ROW"
    template = "(%(function)s(%(expressions)s))::text"
    output_field = TextField()


def _text(*parts: Any) -> RowText:
    return RowText(*(F(part) if isinstance(part, str) else part for part in parts))


def _one_row(qs: QuerySet[Any, Any], **aggregate: Any) -> Subquery:
    """An aggregate over the whole queryset as a scalar subquery (one row even when empty)."""
    return Subquery(
        qs.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(**aggregate)
        .values(*aggregate)
    )


def _consent_ledger() -> Subquery:
    """The resident's sharing consents and refusals (what housing staff may see): each
    category's consent id, facility, direction, dates and withdrawal."""
    scopes = ConsentScope.objects.filter(
        consent__resident_id=OuterRef("resident_id"),
        consent__kind__in=(ConsentKind.SHARING, ConsentKind.REFUSAL),
    )
    return _one_row(
        scopes,
        s=StringAgg(
            _text(
                "consent_id",
                "category",
                "consent__facility_id",
                "consent__direction",
                "consent__given_on",
                "consent__expires_on",
                "consent__withdrawn_at",
            ),
            ",",
            order_by=("consent_id", "category"),
        ),
    )


# What a row shows, per entry: ``version`` moves with every saved column (and who saved it);
# the course's ``version`` with its team contacts and responsible doctor; ``is_current`` (the
# policy's annotation) with the course's status and the resident's moves in and out.
ROW_PARTS = (
    "pk",
    "version",
    "status",
    "placed_on",
    "review_on",
    "last_reviewed_on",
    "is_current",
    "course_id",
    "course__version",
    "course__status",
    "housing_contact_id",
    "facility_id",
    "facility__name",
    "team__board_flag_weeks",
    "resident__first_name",
    "resident__last_name",
)


def _open_and_newest(model: type[Question] | type[Action], open_q: Q) -> Subquery:
    """The questions (or meeting actions) about the entry's resident at its facility: how many
    are open and the newest id. Asking (agreeing) one raises the id, answering (doing) one
    lowers the open count; none is ever deleted or reopened. Whoever sees the entry sees these
    (both sectors are party to every question; housing staff see the team's actions where the
    consent covers the board, which their seeing the entry already requires)."""
    about = model.objects.filter(
        resident_id=OuterRef("resident_id"), facility_id=OuterRef("facility_id")
    )
    return _one_row(about, s=_text(Count("pk", filter=open_q), Max("pk")))


def _digest(entries: QuerySet[BoardEntry], *, with_consent: bool) -> QuerySet[Any, Any]:
    """One row: how many entries, and a digest of what their rows show. ``with_consent``: the
    viewer's columns depend on the residents' consent (housing staff)."""
    parts: tuple[Any, ...] = (
        *ROW_PARTS,
        _open_and_newest(Question, Q(answered_at__isnull=True)),
        _open_and_newest(Action, Q(done_at__isnull=True)),
    )
    if with_consent:
        parts += (_consent_ledger(),)
    return (
        entries.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(s=_text(Count("pk"), MD5(StringAgg(_text(*parts), ";", order_by="pk"))))
        .values_list("s", flat=True)
    )


# The fingerprint's query, compiled by the ORM, per viewer and page shape: (sql, params).
# Building and compiling it costs more than running it, and its text and parameters depend
# only on the key (the viewer's memberships, the page's scope and filters, and the day, which
# the consent rule reads), never on the data it reads; so each process compiles it once per key.
_COMPILED: OrderedDict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = OrderedDict()
_COMPILED_MAX = 512
_COMPILED_LOCK = threading.Lock()


def _compiled(
    key: tuple[Any, ...], build: Callable[[], QuerySet[Any, Any]]
) -> tuple[str, tuple[Any, ...]]:
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
        if found is not None:
            _COMPILED.move_to_end(key)
            return found
    sql, params = build().query.sql_with_params()
    with _COMPILED_LOCK:
        _COMPILED[key] = (sql, tuple(params))
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return sql, tuple(params)


def board_fingerprint(
    user: User,
    *,
    facility_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    flt: selectors.BoardFilter | None = None,
    compact: bool = False,
    sector: str = "",
) -> str:
    """The fingerprint of a board page's rows for this viewer: equal as long as the rows would
    render the same. One query (after the viewer's memberships, which the request's gatekeeper
    has loaded already)."""
    flt = flt or selectors.BoardFilter()
    facilities = tuple(sorted(facility_ids)) if facility_ids is not None else None
    teams = tuple(sorted(team_ids)) if team_ids is not None else None
    principal = principal_for(user)
    today = timezone.localdate()
    shape = (
        user.pk,
        tuple(sorted(principal.team_ids)),
        tuple(sorted(principal.facility_ids)),
        facilities,
        teams,
        flt,
        today.isoformat(),
    )

    def build() -> QuerySet[Any, Any]:
        entries = selectors.board_entries_qs(
            user,
            team_ids=list(teams) if teams is not None else None,
            facility_ids=list(facilities) if facilities is not None else None,
            flt=flt,
        )
        return _digest(entries, with_consent=bool(principal.facility_ids))

    sql, params = _compiled(shape, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    page = (shape, sector, compact, translation.get_language(), row)
    return hashlib.sha256(repr(page).encode()).hexdigest()[:32]
