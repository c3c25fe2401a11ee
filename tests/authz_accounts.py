"""Authorisation rules for the leader's activation codes (merged into tests/authz_matrix.py).

The page exists for the leaders of a team or facility (team_leader, housing_leader); everyone
else gets 404, region administrators too (they issue codes in Django admin). An empty POST
is refused with a message and sends the leader back to the page (302).
"""

from tests.authz_matrix_base import Rule, ok

LEADERS = ("team_leader", "housing_leader")

RULES = {
    "accounts:activations": Rule(allow=ok(*LEADERS), writes=True, post=ok(*LEADERS, status=302)),
}
