"""factory_boy factories with synthetic data only: Faker da_DK names and CPR numbers that can
never have been issued (lib.cpr.fictitious_cpr)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from accounts.models import User
from courses.models import Concern, Course, Referral
from lib.cpr import fictitious_cpr
from organisation.models import (
    Facility,
    FacilityAddress,
    LegalBasis,
    Membership,
    OwnerType,
    Profession,
    Region,
    Role,
    Team,
    TeamKind,
    Ward,
)
from residents.models import Residence, Resident, ResidentIdentifier

TEST_PASSWORD = "synthetic-test-password-9471"


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Testregion {n}")


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Botilbudsteam {n}")
    kind = TeamKind.ADULT
    phone = "70 00 00 00"


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility
        skip_postgeneration_save = True

    region = factory.SelfAttribute("team.region")
    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Botilbud {n}")
    owner_type = OwnerType.MUNICIPAL
    legal_basis = LegalBasis.SEL_108
    municipality = "Testkommune"
    address = factory.RelatedFactory(
        "tests.factories.FacilityAddressFactory", factory_related_name="facility"
    )


class FacilityAddressFactory(factory.django.DjangoModelFactory[FacilityAddress]):
    class Meta:
        model = FacilityAddress

    street = factory.Faker("street_address", locale="da_DK")
    postal_code = "9999"
    city = "Testby"


class WardFactory(factory.django.DjangoModelFactory[Ward]):
    class Meta:
        model = Ward

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Sengeafsnit {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.TEAM_STAFF
    profession = Profession.NURSE


_serial = iter(range(10**9))


def make_identifier(birth_date: datetime.date) -> tuple[str, str]:
    """(kind, value): a never-issued CPR number, or a replacement number for 1 January
    (where a number failing modulus 11 could be real)."""
    serial = next(_serial)
    if (birth_date.month, birth_date.day) == (1, 1):
        return "ecpr_national", f"{birth_date:%d%m%y}1AB{serial % 10}"
    return "cpr", fictitious_cpr(birth_date, serial)


def make_cpr(birth_date: datetime.date) -> str:
    return fictitious_cpr(birth_date, next(_serial))


class ResidentFactory(factory.django.DjangoModelFactory[Resident]):
    class Meta:
        model = Resident
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    birth_date = factory.Sequence(lambda n: datetime.date(1960 + n % 40, 1 + n % 12, 2 + n % 27))

    @factory.post_generation
    def identifier(obj, create, extracted, **kwargs):
        if create:
            kind, value = ("cpr", extracted) if extracted else make_identifier(obj.birth_date)
            ResidentIdentifier.objects.create(
                resident=obj, kind=kind, value=value, valid_from=datetime.date(2020, 1, 2)
            )

    @factory.post_generation
    def facility(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            Residence.objects.create(
                resident=obj, facility=extracted, moved_in=datetime.date(2020, 1, 2)
            )


class ConcernFactory(factory.django.DjangoModelFactory[Concern]):
    class Meta:
        model = Concern

    resident = factory.SubFactory(ResidentFactory)
    facility = factory.SubFactory(FacilityFactory)
    team = factory.SelfAttribute("facility.team")
    description = "Beboeren isolerer sig og har ikke taget sin medicin i tre dage."
    raised_by = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    resident = factory.SubFactory(ResidentFactory)
    facility = factory.SubFactory(FacilityFactory)
    team = factory.SelfAttribute("facility.team")
    source = "gp"
    referrer_name = "Egen læge"
    received_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    reason = "Tiltagende psykotiske symptomer og medicinsvigt."
    criteria = ["no_insight"]
    consent_informed_on = factory.SelfAttribute("received_on")
    consent_form = "written"
    consent_given_by = "resident"
    created_by = factory.SubFactory(UserFactory)


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory, status="accepted")
    resident = factory.SelfAttribute("referral.resident")
    team = factory.SelfAttribute("referral.team")
    facility = factory.SelfAttribute("referral.facility")
    started_on = factory.SelfAttribute("referral.received_on")
    responsible_doctor = factory.SubFactory(UserFactory)

    @factory.post_generation
    def team_contacts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.team_contacts.set(extracted)
