"""Authorisation rules for the board's URLs (merged into tests/authz_matrix.py): the boards,
their entries, the history, and the questions between meetings.

Who uses the board of facility A1: team A (all four personas) and the housing staff of A1.
Everyone else gets 404 (existence must not leak), region admins too: they see the facility but
not its residents, and so do the housing staff of A2 (the same team's other facility).

Consent: resident_in_course's consent covers "board" and "goals" (the world's default, the
``housing_staff:partial`` variant and plain ``housing_staff``). An entry's own pages
(edit, review, take off) are not found for housing staff whose resident has no consent that
covers the board (``housing_staff:none``): the selector does not return the entry at all.
The boards, the history and the questions answer 200 in every variant, showing less.

Putting on the board (``entry_create``) needs a resident in an active course who is not on a
board yet; the world has one: resident_other_team (team B's course at facility B1). Team B's
nurse may; B1's housing staff may see the resident but not put them on the board without a
consent that covers it (403). Team A's doctor once had emergency access to that resident, but
it has expired (404).
"""

from tests.authz_matrix_base import HOUSING_A1, TEAM_A, Rule, _names, ok


def _entry_secrets(w):
    return [
        w.resident_in_course.full_name,
        w.board_entry.need_text,
        w.board_entry.treatment_interventions,
    ]


def _board_secrets(w):
    return [*_entry_secrets(w), w.board_entry.social_interventions]


def _question_secrets(w):
    return [w.resident_in_course.full_name, w.question_open.text]


FACILITY_BOARD = ok(*TEAM_A, *HOUSING_A1)
ENTRY_PAGES = {**ok(*TEAM_A, *HOUSING_A1), "housing_staff:none": 404}

RULES: dict = {
    "board:facility": Rule(
        args=lambda w: [w.facility_a1.pk], allow=FACILITY_BOARD, secret=_board_secrets
    ),
    "board:facility_rows": Rule(
        args=lambda w: [w.facility_a1.pk], allow=FACILITY_BOARD, secret=_board_secrets
    ),
    "board:print": Rule(
        args=lambda w: [w.facility_a1.pk], allow=FACILITY_BOARD, secret=_board_secrets
    ),
    "board:team": Rule(args=lambda w: [w.team_a.pk], allow=ok(*TEAM_A), secret=_board_secrets),
    "board:team_rows": Rule(args=lambda w: [w.team_a.pk], allow=ok(*TEAM_A), secret=_board_secrets),
    "board:entry_create": Rule(
        args=lambda w: [w.resident_other_team.pk],
        # A2's housing staff (team A, other facility) do not see a resident living at B1
        allow={"other_team_nurse": 200, "other_housing_staff": 403, "housing_staff_a2": 404},
        writes=True,
        secret=_names("resident_other_team"),
    ),
    "board:history": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        secret=lambda w: [
            w.resident_in_course.full_name,
            w.board_entry.need_text,
            w.agenda_item.note,
        ],
    ),
    "board:entry_edit": Rule(
        args=lambda w: [w.board_entry.pk], allow=ENTRY_PAGES, writes=True, secret=_entry_secrets
    ),
    "board:entry_review": Rule(
        args=lambda w: [w.board_entry.pk], allow=ENTRY_PAGES, writes=True, secret=_entry_secrets
    ),
    "board:entry_end": Rule(
        args=lambda w: [w.board_entry.pk], allow=ENTRY_PAGES, writes=True, secret=_entry_secrets
    ),
    "board:question_create": Rule(
        args=lambda w: [w.resident_in_course.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        writes=True,
        secret=_names("resident_in_course"),
    ),
    # housing staff asked this question: they see it, but the team answers it
    "board:question_answer": Rule(
        args=lambda w: [w.question_open.pk],
        allow=ok(*TEAM_A, *HOUSING_A1),
        writes=True,
        post={**ok(*TEAM_A), **ok(*HOUSING_A1, status=403)},
        secret=_question_secrets,
    ),
    "board:questions": Rule(
        args=lambda w: [w.facility_a1.pk], allow=FACILITY_BOARD, secret=_question_secrets
    ),
}
