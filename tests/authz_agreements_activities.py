"""Authorisation rules for the competence-activity URLs (merged into tests/authz_matrix.py).

Team A's staff (facility A1's team) and facility A1's housing staff list and record A1's joint
competence activities; everyone else (other team, other facility, ward, region admin) gets 404.
An empty POST to the form re-renders it with errors (200)."""

from tests.authz_matrix_base import HOUSING_A1, TEAM_A, Rule, ok

USERS_A1 = (*TEAM_A, *HOUSING_A1)

RULES: dict = {
    "agreements:activities": Rule(args=lambda w: [w.facility_a1.pk], allow=ok(*USERS_A1)),
    "agreements:activity_create": Rule(
        args=lambda w: [w.facility_a1.pk],
        allow=ok(*USERS_A1),
        writes=True,
        post=ok(*USERS_A1),
    ),
}
