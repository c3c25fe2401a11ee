"""Authorisation rules for early warning (merged into tests/authz_matrix.py).

The suggestions of team A are seen and decided by every member of team A (anyone in the team
may put a resident on the board); the thresholds are the team leader's (other members: 403).
Everyone else gets 404, housing staff of the team's facilities too.

The world has no suggestion, so the accept and dismiss rules make one for resident_in_course
(team A) when their address is built. Accept is POST only: team A gets 405 on GET, and the POST
accepts and sends the user on to the board's form (302). An empty dismissal is shown again with
its error (200).
"""

from tests.authz_matrix_base import TEAM_A, Rule, _names, ok


def _suggestion(w, rule):
    from django.utils import timezone

    from earlywarning.models import Suggestion

    suggestion, _created = Suggestion.objects.get_or_create(
        team=w.team_a,
        resident=w.resident_in_course,
        rule=rule,
        status="open",
        defaults={
            "course": w.course,
            "explanation": "2 indlæggelser på 90 dage",
            "evidence_at": timezone.now(),
        },
    )
    return suggestion.pk


RULES: dict = {
    "earlywarning:list": Rule(
        args=lambda w: [w.team_a.pk], allow=ok(*TEAM_A), secret=_names("resident_in_course")
    ),
    "earlywarning:thresholds": Rule(
        args=lambda w: [w.team_a.pk],
        allow={**ok(*TEAM_A, status=403), "team_leader": 200},
        writes=True,
    ),
    "earlywarning:accept": Rule(
        args=lambda w: [_suggestion(w, "admissions")],
        allow=ok(*TEAM_A, status=405),
        writes=True,
        post=ok(*TEAM_A, status=302),
        secret=_names("resident_in_course"),
    ),
    "earlywarning:dismiss": Rule(
        args=lambda w: [_suggestion(w, "force")],
        allow=ok(*TEAM_A),
        writes=True,
        secret=_names("resident_in_course"),
    ),
}
