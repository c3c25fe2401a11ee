"""Authorisation rules for the weekly meeting's URLs (merged into tests/authz_matrix.py).

Team A's staff and facility A1's housing staff use A1's meetings; everyone else gets 404.
``world.meeting_closed`` is closed: its pages answer 200 and are read-only, and a write to it
(POST to its attendance, closing it, an item's note, a new action) answers 409 Conflict with
the page, the refusal and what was typed (htmx requests get 200 so the partial is swapped in).
The POST-only views (start a meeting, mark an action done) answer 405 to any GET, before any
gatekeeper, as ``emergency:end`` does; a POST by a user of the facility starts the meeting /
marks the action done and redirects (302).
"""

from tests.authz_matrix_base import ALL_STAFF, HOUSING_A1, TEAM_A, Rule, ok


def _secret(w):
    # The resident on the closed meeting's agenda, and the note written about her.
    return [w.resident_in_course.full_name, w.agenda_item.note]


USERS_A1 = (*TEAM_A, *HOUSING_A1)
CLOSED_WRITE = ok(*USERS_A1, status=409)

RULES: dict = {
    "board:meetings": Rule(args=lambda w: [w.facility_a1.pk], allow=ok(*USERS_A1)),
    "board:meeting_open": Rule(
        args=lambda w: [w.facility_a1.pk],
        allow=ok(*ALL_STAFF, status=405),
        writes=True,
        post=ok(*USERS_A1, status=302),
    ),
    "board:schedule": Rule(args=lambda w: [w.facility_a1.pk], allow=ok(*USERS_A1), writes=True),
    "board:meeting": Rule(
        args=lambda w: [w.meeting_closed.pk], allow=ok(*USERS_A1), secret=_secret
    ),
    "board:attendance": Rule(
        args=lambda w: [w.meeting_closed.pk],
        allow=ok(*USERS_A1),
        writes=True,
        post=CLOSED_WRITE,
    ),
    "board:meeting_close": Rule(
        args=lambda w: [w.meeting_closed.pk],
        allow=ok(*USERS_A1),
        writes=True,
        post=CLOSED_WRITE,
        secret=_secret,
    ),
    "board:minutes": Rule(
        args=lambda w: [w.meeting_closed.pk], allow=ok(*USERS_A1), secret=_secret
    ),
    "board:item": Rule(
        args=lambda w: [w.agenda_item.pk],
        allow=ok(*USERS_A1),
        writes=True,
        post=CLOSED_WRITE,
        secret=_secret,
    ),
    "board:action_create": Rule(
        args=lambda w: [w.agenda_item.pk],
        allow=ok(*USERS_A1),
        writes=True,
        post=CLOSED_WRITE,
        secret=_secret,
    ),
    "board:action_done": Rule(
        args=lambda w: [w.action_open.pk],
        allow=ok(*ALL_STAFF, status=405),
        writes=True,
        post=ok(*USERS_A1, status=302),
        secret=lambda w: [w.resident_in_course.full_name, w.action_open.text],
    ),
}
