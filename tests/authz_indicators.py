"""Authorisation rules for the follow-up dashboards (merged into tests/authz_matrix.py).

A region planner (region admin) sees the region, its teams and facilities; team staff see
their team and the facilities it serves; a facility leader sees their facility. Housing staff
who are not leaders and ward staff see none of it. The landing page sends each user on (302).
"""

from tests.authz_matrix_base import TEAM_A, Rule, ok

RULES: dict = {
    "indicators:home": Rule(
        allow=ok(*TEAM_A, "other_team_nurse", "housing_leader", "region_admin", status=302)
    ),
    "indicators:region": Rule(args=lambda w: [w.region.pk], allow=ok("region_admin")),
    "indicators:team": Rule(args=lambda w: [w.team_a.pk], allow=ok(*TEAM_A, "region_admin")),
    "indicators:facility": Rule(
        args=lambda w: [w.facility_a1.pk], allow=ok(*TEAM_A, "housing_leader", "region_admin")
    ),
    "indicators:export": Rule(
        args=lambda w: ["team", w.team_a.pk, "csv"], allow=ok(*TEAM_A, "region_admin")
    ),
}
