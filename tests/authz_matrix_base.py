"""The building blocks of the authorisation matrix: personas and the Rule of one URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

TEAM_A = ("team_nurse", "team_doctor", "team_leader", "team_mentor")
DECIDERS_A = ("team_nurse", "team_doctor", "team_leader")
HOUSING_A1 = ("housing_staff", "housing_leader")
ALL_STAFF = (
    *TEAM_A,
    "other_team_nurse",
    *HOUSING_A1,
    "other_housing_staff",
    "housing_staff_a2",
    "ward_staff",
    "region_admin",
)
# Housing staff of facility A1 looking at a resident whose sharing consent covers every
# category, some of them (the world's default: board and goals), or none.
CONSENT_VARIANTS = ("housing_staff:full", "housing_staff:partial", "housing_staff:none")
PERSONAS = (*ALL_STAFF, *CONSENT_VARIANTS, "anonymous")
HEALTH_PROFESSIONALS = ("team_nurse", "team_doctor", "other_team_nurse")


@dataclass(frozen=True)
class Rule:
    args: Callable = lambda w: []
    allow: dict[str, int] = field(default_factory=dict)  # persona -> status, others: 404
    anonymous: int = 302
    writes: bool = False  # also POST (empty form): a denial must be the same as for GET
    post: dict[str, int] | None = None  # POST statuses where they differ from GET
    # text that must never appear in a denied answer (resident names etc.)
    secret: Callable = lambda w: []

    def expected(self, persona: str, method: str = "get") -> int:
        base = persona.split(":")[0]
        if base == "anonymous":
            return self.anonymous
        table = self.post if method == "post" and self.post is not None else self.allow
        # a consent variant ("housing_staff:none") shares its persona's status unless named
        if persona not in table and base == "housing_staff_a2":
            # housing staff of the same team's other facility (A2) are, to A1's residents and
            # objects, exactly as another team's housing staff unless a rule names them
            base = "other_housing_staff"
        return table.get(persona, table.get(base, 404))


def ok(*personas, status=200):
    return dict.fromkeys(personas, status)


def _names(*attrs):
    return lambda w: [getattr(w, a).full_name for a in attrs]
