"""Authorisation rules for the agreements' URLs (merged into tests/authz_matrix.py).

The world's agreement is between team A and facility A1 and in force. Leaders of the two parties
write; the other staff of the parties and the region admin read (403 on writes); everyone else
gets 404.
"""

from tests.authz_matrix_base import ALL_STAFF, HOUSING_A1, TEAM_A, Rule, ok

LEADERS = ("team_leader", "housing_leader")
READERS = (*TEAM_A, *HOUSING_A1, "region_admin")
NON_LEADER_READERS = tuple(p for p in READERS if p not in LEADERS)
A2_VIEWERS = ("team_nurse", "team_doctor", "team_mentor", "housing_staff_a2", "region_admin")


def _agreement(w):
    return [w.agreement.pk]


RULES: dict = {
    "agreements:list": Rule(
        allow=ok(*TEAM_A, "other_team_nurse", *HOUSING_A1, "other_housing_staff", "region_admin")
    ),
    # facility A2 (team A, no agreement yet): the team leader creates; an empty POST creates.
    # Those who may see facility A2 but lead neither party get 403 (its own staff included).
    "agreements:create": Rule(
        args=lambda w: [w.facility_a2.pk],
        allow={
            "team_leader": 200,
            **ok(*A2_VIEWERS, status=403),
        },
        writes=True,
        post={
            "team_leader": 302,
            **ok(*A2_VIEWERS, status=403),
        },
    ),
    "agreements:detail": Rule(args=_agreement, allow=ok(*READERS)),
    "agreements:edit": Rule(
        args=_agreement,
        allow={**ok(*LEADERS), **ok(*NON_LEADER_READERS, status=403)},
        writes=True,
    ),
    # POST only; a leader's POST on an agreement already in force is refused with a message.
    "agreements:sign": Rule(
        args=_agreement,
        allow=ok(*ALL_STAFF, status=405),
        writes=True,
        post={**ok(*LEADERS, status=302), **ok(*NON_LEADER_READERS, status=403)},
    ),
    "agreements:terminate": Rule(
        args=_agreement,
        allow={**ok(*LEADERS), **ok(*NON_LEADER_READERS, status=403)},
        writes=True,
    ),
    "agreements:pdf": Rule(args=_agreement, allow=ok(*READERS)),
    "agreements:version": Rule(args=lambda w: [w.agreement.pk, 1], allow=ok(*READERS)),
    "agreements:region": Rule(allow=ok("team_leader", "region_admin")),
}
