"""Plan one demo region's organisation: teams, facilities, wards, staff users and memberships.

Objects are unsaved model instances linked to each other; ``btt.demo.write`` saves them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from accounts.models import User
from organisation.models import (
    Facility,
    FacilityAddress,
    LegalBasis,
    Membership,
    MembershipEvent,
    OwnerType,
    Profession,
    Region,
    Role,
    Team,
    TeamKind,
    Ward,
)

from . import vocabulary as vocab
from .common import RegionSize, ascii_slug, span

# Generic username (first region) -> memorable demo username (see docs/demo-users.md).
_MEMORABLE_TEAM_USERS = {
    "nord.teamleder": "teamleder",
    "nord.laege1": "laege",
    "nord.sygeplejerske1": "sygeplejerske",
    "nord.mentor1": "mentor",
    "syd.sygeplejerske1": "sygeplejerske.syd",
    "buc.sygeplejerske1": "buc.sygeplejerske",
    "sengeafsnit1.1": "sengeafsnit",
}

# The memorable demo users of the first region: username -> (role, profession, organisation).
# ``None`` as organisation: the name depends on the seed (see docs/demo-users.md).
MEMORABLE_USERS = {
    "sygeplejerske": (Role.TEAM_STAFF, Profession.NURSE, "Botilbudsteam Nord"),
    "laege": (Role.TEAM_STAFF, Profession.DOCTOR, "Botilbudsteam Nord"),
    "teamleder": (Role.TEAM_LEADER, Profession.LEADER, "Botilbudsteam Nord"),
    "mentor": (Role.TEAM_STAFF, Profession.RECOVERY_MENTOR, "Botilbudsteam Nord"),
    "sygeplejerske.syd": (Role.TEAM_STAFF, Profession.NURSE, "Botilbudsteam Syd"),
    "buc.sygeplejerske": (Role.TEAM_STAFF, Profession.NURSE, "Døgninstitutionsteam BUC"),
    "botilbud": (Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, "Bostedet Egely"),
    "botilbud.leder": (Role.FACILITY_LEADER, Profession.LEADER, "Bostedet Egely"),
    "botilbud.syd": (Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, None),
    "sengeafsnit": (Role.WARD_STAFF, Profession.NURSE, None),
    "regionsadmin": (Role.REGION_ADMIN, Profession.OTHER, "Region Hovedstaden (demo)"),
}

# Relative number of residents per facility, by legal basis.
_RESIDENT_WEIGHT = {
    LegalBasis.SEL_107: 16,
    LegalBasis.SEL_108: 22,
    LegalBasis.ABL_105_SEL_85: 20,
    LegalBasis.CLARIFICATION: 7,
    LegalBasis.SHELTER_OTHER: 14,
    LegalBasis.SEL_66: 11,
}


@dataclass(eq=False)
class FacilityInfo:
    facility: Facility
    team: TeamInfo | None
    child: bool
    weight: float
    staff: list[User] = field(default_factory=list)
    leader: User | None = None

    @property
    def serving_team(self) -> TeamInfo:
        """The team serving the facility (referrals and courses are planned only there)."""
        if self.team is None:
            raise ValueError(f"{self.facility} has no team")
        return self.team


@dataclass(eq=False)
class TeamInfo:
    team: Team
    slug: str
    child: bool
    leader: User | None = None
    doctors: list[User] = field(default_factory=list)
    nurses: list[User] = field(default_factory=list)
    others: list[User] = field(default_factory=list)
    facilities: list[FacilityInfo] = field(default_factory=list)


@dataclass(eq=False)
class RegionOrg:
    spec: vocab.RegionSpec
    index: int
    region: Region
    teams: list[TeamInfo] = field(default_factory=list)
    facilities: list[FacilityInfo] = field(default_factory=list)
    addresses: list[FacilityAddress] = field(default_factory=list)
    wards: list[Ward] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    admins: list[User] = field(default_factory=list)
    # the memberships' history (btt.demo.confirmations)
    membership_events: list[MembershipEvent] = field(default_factory=list)

    @property
    def adult_teams(self) -> list[TeamInfo]:
        return [t for t in self.teams if not t.child]

    @property
    def child_team(self) -> TeamInfo:
        return next(t for t in self.teams if t.child)


class OrganisationPlanner:
    def __init__(self, spec, index: int, size: RegionSize, rng: random.Random, faker: Faker):
        self.spec = spec
        self.size = size
        self.rng = rng
        self.faker = faker
        self.prefix = "" if index == 0 else f"{spec.slug}."
        self.domain = "example.dk" if index == 0 else f"{spec.slug}.example.dk"
        self.org = RegionOrg(spec=spec, index=index, region=Region(name=spec.name))
        self.stems = self._stems()

    # --- helpers ---------------------------------------------------------------------------

    def _stems(self) -> list[str]:
        stems = [head + tail for head in vocab.STEM_HEADS for tail in vocab.STEM_TAILS]
        stems = sorted((set(stems) | set(vocab.STANDALONE_STEMS)) - {"Egely"})
        self.rng.shuffle(stems)
        return stems

    def _phone(self) -> str:
        """A Danish eight-digit number, "38 64 12 34"."""
        return " ".join(str(span(self.rng, 10, 99)) for _ in range(4))

    def _username(self, generic: str) -> str:
        if self.org.index == 0 and generic in _MEMORABLE_TEAM_USERS:
            return _MEMORABLE_TEAM_USERS[generic]
        return self.prefix + generic

    def _member(self, username: str, role: str, profession: str, **scope) -> User:
        user = User(
            username=username,
            first_name=self.faker.first_name(),
            last_name=self.faker.last_name(),
            email=f"{username}@{self.domain}",
            is_active=True,
        )
        self.org.users.append(user)
        self.org.memberships.append(
            Membership(user=user, role=role, profession=profession, **scope)
        )
        return user

    def _exact_counts(self, n: int, shares: dict[str, float], minimum: int = 1) -> list[str]:
        """``n`` labels with each share rounded (at least ``minimum``); the first takes the rest."""
        labels = list(shares)
        counts = {label: max(minimum, round(n * shares[label])) for label in labels[1:]}
        counts[labels[0]] = n - sum(counts.values())
        out = [label for label in labels for _ in range(counts[label])]
        self.rng.shuffle(out)
        return out

    # --- teams -----------------------------------------------------------------------------

    def plan_teams(self) -> None:
        areas = vocab.ADULT_TEAM_AREAS
        guaranteed = ("recovery_mentor", "pharmacist", "social_worker", "psychologist")
        for i, area in enumerate(areas):
            slug = ascii_slug(area)
            team = Team(
                region=self.org.region,
                name=f"Botilbudsteam {area}",
                kind=TeamKind.ADULT,
                phone=self._phone(),
                email=f"botilbudsteam@btt-{slug}.{self.domain}",
            )
            info = TeamInfo(team=team, slug=slug, child=False)
            self.org.teams.append(info)
            extras = [guaranteed[i]] if i < len(guaranteed) else []
            pool = [p for p in vocab.TEAM_STAFF_EXTRA if p not in extras]
            extras += self.rng.sample(pool, span(self.rng, 1, 2))
            self._team_staff(
                info,
                doctors=2 if i == 0 else span(self.rng, 1, 2),
                nurses=5 if i == 0 else span(self.rng, 4, 6),
                extras=extras,
            )
        child = Team(
            region=self.org.region,
            name=vocab.CHILD_TEAM_NAME,
            kind=TeamKind.CHILD_YOUTH,
            phone=self._phone(),
            email=f"doegninstitutionsteam@buc.{self.domain}",
        )
        info = TeamInfo(team=child, slug="buc", child=True)
        self.org.teams.append(info)
        # Seed 000: one doctor, two nurses and a pedagogue/coordinator.
        self._team_staff(info, doctors=1, nurses=2, extras=["social_educator"])

    def _team_staff(self, info: TeamInfo, *, doctors: int, nurses: int, extras: list[str]):
        team = info.team
        info.leader = self._member(
            self._username(f"{info.slug}.teamleder"),
            Role.TEAM_LEADER,
            Profession.LEADER,
            team=team,
        )
        for n in range(1, doctors + 1):
            info.doctors.append(
                self._member(
                    self._username(f"{info.slug}.laege{n}"),
                    Role.TEAM_STAFF,
                    Profession.DOCTOR,
                    team=team,
                )
            )
        for n in range(1, nurses + 1):
            info.nurses.append(
                self._member(
                    self._username(f"{info.slug}.sygeplejerske{n}"),
                    Role.TEAM_STAFF,
                    Profession.NURSE,
                    team=team,
                )
            )
        for profession in extras:
            generic = f"{info.slug}.{vocab.PROFESSION_SLUG[profession]}1"
            info.others.append(
                self._member(self._username(generic), Role.TEAM_STAFF, profession, team=team)
            )

    # --- facilities ------------------------------------------------------------------------

    def plan_facilities(self) -> None:
        size = self.size
        adult_teams = self.org.adult_teams
        n_adult = sum(size.facilities_per_team) + size.uncovered_facilities
        bases = self._exact_counts(
            n_adult,
            {
                LegalBasis.SEL_108: 0.36,
                LegalBasis.SEL_107: 0.30,
                LegalBasis.ABL_105_SEL_85: 0.26,
                LegalBasis.CLARIFICATION: 0.04,
                LegalBasis.SHELTER_OTHER: 0.04,
            },
        )
        owners = self._exact_counts(
            n_adult,
            {
                OwnerType.MUNICIPAL: 0.5,
                OwnerType.REGIONAL: 0.14,
                OwnerType.SELF_OWNING: 0.22,
                OwnerType.PRIVATE: 0.14,
            },
        )
        if self.org.index == 0:  # the demo's first facility is "Bostedet Egely" (§ 108)
            j = bases.index(LegalBasis.SEL_108)
            bases[0], bases[j] = bases[j], bases[0]
        k = 0
        for info, count in zip(adult_teams, size.facilities_per_team, strict=True):
            for _ in range(count):
                self._facility(info, bases[k], owners[k], area=info.team.name.split()[-1])
                k += 1
        for _ in range(size.uncovered_facilities):
            area = self.rng.choice(vocab.ADULT_TEAM_AREAS)
            self._facility(None, bases[k], owners[k], area=area)
            k += 1
        child = self.org.child_team
        child_owners = [
            OwnerType.MUNICIPAL,
            OwnerType.REGIONAL,
            OwnerType.SELF_OWNING,
            OwnerType.PRIVATE,
            OwnerType.MUNICIPAL,
        ]
        extra_addresses = size.institution_addresses - size.institutions
        for i in range(size.institutions):
            area = self.rng.choice(vocab.ADULT_TEAM_AREAS)
            self._facility(
                child,
                LegalBasis.SEL_66,
                child_owners[i % len(child_owners)],
                area=area,
                addresses=2 if i < extra_addresses else 1,
            )

    def _facility(self, team_info, basis, owner, *, area: str, addresses: int | None = None):
        if self.org.index == 0 and not self.org.facilities:
            name = "Bostedet Egely"
        else:
            prefix = self.rng.choice(vocab.FACILITY_PREFIXES[basis])
            name = f"{prefix} {self.stems.pop()}"
        municipality, postals = self.rng.choice(self.spec.areas[area])
        facility = Facility(
            region=self.org.region,
            team=team_info.team if team_info else None,
            name=name,
            owner_type=owner,
            legal_basis=basis,
            municipality=municipality,
            phone=self._phone(),
        )
        weight = _RESIDENT_WEIGHT[basis] * (0.6 + 0.8 * self.rng.random())
        info = FacilityInfo(
            facility=facility, team=team_info, child=basis == LegalBasis.SEL_66, weight=weight
        )
        self.org.facilities.append(info)
        if team_info is not None:
            team_info.facilities.append(info)
        if addresses is None:
            addresses = 2 if self.rng.random() < 0.1 else 1
        for _ in range(addresses):
            postal_code, city = self.rng.choice(postals)
            self.org.addresses.append(
                FacilityAddress(
                    facility=facility,
                    street=self.faker.street_address(),
                    postal_code=postal_code,
                    city=city,
                )
            )
        self._facility_staff(info)

    def _facility_staff(self, info: FacilityInfo) -> None:
        facility = info.facility
        slug = ascii_slug(facility.name)
        staff_names = [f"{slug}.medarbejder{n}" for n in range(1, span(self.rng, 2, 4) + 1)]
        staff_names = [self.prefix + name for name in staff_names]
        leader_name = f"{self.prefix}{slug}.leder"
        if self.org.index == 0:
            teams = self.org.adult_teams
            if info.team is teams[0] and not teams[0].facilities[:-1]:
                staff_names[0], leader_name = "botilbud", "botilbud.leder"
            elif info.team is teams[1] and not teams[1].facilities[:-1]:
                staff_names[0] = "botilbud.syd"
        for username in staff_names:
            info.staff.append(
                self._member(
                    username, Role.FACILITY_STAFF, Profession.SOCIAL_EDUCATOR, facility=facility
                )
            )
        info.leader = self._member(
            leader_name, Role.FACILITY_LEADER, Profession.LEADER, facility=facility
        )

    # --- wards and administration ----------------------------------------------------------

    def plan_wards_and_admin(self) -> None:
        centres = list(self.spec.ward_centres)
        self.rng.shuffle(centres)
        for w in range(1, self.size.wards + 1):
            centre = centres[(w - 1) % len(centres)]
            code = f"{ascii_slug(centre)[0].upper()}{span(self.rng, 1, 9)}"
            if w > len(centres):
                code += f"{w}"
            ward = Ward(region=self.org.region, name=f"Psykiatrisk Center {centre}, afsnit {code}")
            self.org.wards.append(ward)
            professions = (Profession.NURSE, Profession.NURSE, Profession.DOCTOR)
            for n, profession in enumerate(professions, start=1):
                self._member(
                    self._username(f"sengeafsnit{w}.{n}"), Role.WARD_STAFF, profession, ward=ward
                )
        admin = self._member(
            self.prefix + "regionsadmin",
            Role.REGION_ADMIN,
            Profession.OTHER,
            region=self.org.region,
        )
        admin.is_staff = True
        self.org.admins.append(admin)

    def plan(self) -> RegionOrg:
        self.plan_teams()
        self.plan_facilities()
        self.plan_wards_and_admin()
        return self.org
