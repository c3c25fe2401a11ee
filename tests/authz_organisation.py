"""Authorisation rules for "Medarbejdere og adgang" (merged into tests/authz_matrix.py).

Only the leader of a team or facility sees its page and grants, changes and ends its
memberships. A region administrator sees the memberships of the region (403 where they may
see but not do: changing a team membership) and may reject proposals and end memberships,
never grant them. Everyone else gets 404.
"""

from tests.authz_matrix_base import Rule, ok


def _membership_of(user):
    return user.memberships.get().pk


def _pending(w):
    """A region administrator's proposal for team A, waiting for the team leader."""
    from organisation.models import MembershipStatus, Profession, Role
    from tests import factories as f

    return f.MembershipFactory(
        team=w.team_a,
        role=Role.TEAM_STAFF,
        profession=Profession.NURSE,
        status=MembershipStatus.PENDING,
        proposed_by=w.region_admin,
    ).pk


RULES: dict = {
    "organisation:staff": Rule(allow=ok("team_leader", "housing_leader", status=302)),
    "organisation:staff_team": Rule(
        args=lambda w: [w.team_a.pk], allow=ok("team_leader"), writes=True
    ),
    "organisation:staff_facility": Rule(
        args=lambda w: [w.facility_a1.pk], allow=ok("housing_leader"), writes=True
    ),
    "organisation:membership_decide": Rule(
        args=lambda w: [_pending(w)], allow=ok("team_leader", "region_admin"), writes=True
    ),
    "organisation:membership_change": Rule(
        args=lambda w: [_membership_of(w.team_nurse)],
        allow={**ok("team_leader"), "region_admin": 403},
        writes=True,
    ),
    "organisation:membership_end": Rule(
        args=lambda w: [_membership_of(w.housing_staff)],
        allow=ok("housing_leader", "region_admin"),
        writes=True,
    ),
}
