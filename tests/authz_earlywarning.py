"""Authorisation rules for early warning (merged into tests/authz_matrix.py).

The suggestions of team A are seen and decided by every member of team A (anyone in the team
may put a resident on the board); the thresholds are the team leader's (other members: 403).
Everyone else gets 404, housing staff of the team's facilities too.

The accept and dismiss rules give a resident of their own an active course in team A at
facility A1 with two admissions in the last 90 days, and run the recompute the worker would run
after those entries (the admissions rule proposes them; the open suggestion is stored). Accept is POST only: team A gets 405 on GET, and the POST
accepts and sends the user on to the board's form (302). An empty dismissal is shown again with
its error (200).
"""

from tests.authz_matrix_base import TEAM_A, Rule, ok

ACCEPT_NAME = ("Aksel", "Advarselsen")
DISMISS_NAME = ("Dorit", "Advarselsen")


def _flagged(w, name):
    """[team A, a resident the admissions rule proposes] (made once per world)."""
    from earlywarning.tests.helpers import add_entry, contact, new_course, recompute
    from residents.models import Resident

    first, last = name
    resident = Resident.objects.filter(first_name=first, last_name=last).first()
    if resident is None:
        course = new_course(w, name=f"{first} {last}")
        contact(w, course)
        add_entry(w, course, "admission", 10)
        add_entry(w, course, "admission", 20)
        recompute(w.team_a)
        resident = course.resident
    return [w.team_a.pk, resident.pk]


def _secret(name):
    return lambda w: [" ".join(name)]


RULES: dict = {
    "earlywarning:list": Rule(
        args=lambda w: [w.team_a.pk],
        allow=ok(*TEAM_A),
        secret=lambda w: [w.resident_in_course.full_name, " ".join(ACCEPT_NAME)],
    ),
    "earlywarning:thresholds": Rule(
        args=lambda w: [w.team_a.pk],
        allow={**ok(*TEAM_A, status=403), "team_leader": 200},
        writes=True,
    ),
    "earlywarning:accept": Rule(
        args=lambda w: _flagged(w, ACCEPT_NAME),
        allow=ok(*TEAM_A, status=405),
        writes=True,
        post=ok(*TEAM_A, status=302),
        secret=_secret(ACCEPT_NAME),
    ),
    "earlywarning:dismiss": Rule(
        args=lambda w: _flagged(w, DISMISS_NAME),
        allow=ok(*TEAM_A),
        writes=True,
        secret=_secret(DISMISS_NAME),
    ),
}
