"""Demo data written after the plan: the memorable users' authenticator secrets (printed in
the README so testers can log in with any authenticator app) and consents in every state.

Deterministic: the random stream is seeded, and rows are visited in primary-key order, which
follows the plan's order because the plan is inserted in that order.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.codes import build_activation
from accounts.models import Activation, User
from accounts.services import totp_device_create
from consent.models import (
    Category,
    Consent,
    ConsentForm,
    ConsentKind,
    ConsentScope,
    Direction,
    GivenBy,
    LegalBasis,
    one_year_after,
)
from courses.models import Course, CourseStatus

from .organisation import MEMORABLE_USERS

PURPOSES = [
    "Fælles indsats på de ugentlige tavlemøder",
    "Koordinering af medicinhåndtering og blodprøver",
    "Tidlig opsporing af forværring og fælles kriseplan",
    "Samarbejde om beboerens egne mål",
]
RELATIVES = ["Mor (Hanne)", "Søster (Mette)", "Far (Ole)", "Bror (Jesper)", "Datter (Sara)"]


def demo_totp_key(username: str) -> str:
    """A fixed 20-byte secret per demo username (demo only: the secret is published)."""
    return hashlib.sha256(f"botilbud-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secrets() -> dict[str, str]:
    """username -> base32 secret, as listed in the README."""
    return {
        username: b32encode(bytes.fromhex(demo_totp_key(username))).decode("ascii").rstrip("=")
        for username in MEMORABLE_USERS
    }


def write_demo_devices() -> None:
    """The README users' authenticators (published secrets); every other demo user gets the
    published demo activation code for their first authenticator."""
    for user in User.objects.filter(username__in=MEMORABLE_USERS).order_by("pk"):
        totp_device_create(user, key_hex=demo_totp_key(user.username), confirmed=True)
    write_demo_activations()


# The activation code of every generated demo user (docs/demo-users.md). Demo only: it is
# published, and lasts long enough for a demo; real codes are random and last 72 hours.
DEMO_ACTIVATION_CODE = "DEMO-AKTI-2026"
DEMO_ACTIVATION_LIFETIME = datetime.timedelta(days=365)


def write_demo_activations() -> int:
    """An activation with the published demo code for each demo user without an
    authenticator (seed_demo runs only with DEBUG=1; checked again here)."""
    if not settings.DEBUG:
        return 0
    now = timezone.now()
    rows = [
        build_activation(user, DEMO_ACTIVATION_CODE, now=now, lifetime=DEMO_ACTIVATION_LIFETIME)
        for user in User.objects.exclude(username__in=MEMORABLE_USERS).order_by("pk")
    ]
    Activation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def write_demo_consents(seed: int) -> int:
    """Treatment consent for every course; for most residents in an active course a written
    sharing consent with their facility naming some categories, some about to lapse, some
    withdrawn or lapsed; a few refusals; consents to involve relatives."""
    rng = random.Random(seed * 31 + 7)  # noqa: S311  # nosec B311
    today = timezone.localdate()
    now = timezone.now()
    courses = list(
        Course.objects.select_related("referral", "responsible_doctor")
        .order_by("resident_id", "pk")
        .only(
            "pk",
            "resident_id",
            "facility_id",
            "status",
            "referral__consent_informed_on",
            "referral__consent_form",
            "referral__consent_given_by",
            "responsible_doctor_id",
        )
    )
    consents: list[Consent] = []
    scopes: list[tuple[int, list[str]]] = []
    categories = list(Category.values)
    for course in courses:
        recorder = course.responsible_doctor_id
        consents.append(
            Consent(
                resident_id=course.resident_id,
                kind=ConsentKind.TREATMENT,
                form=course.referral.consent_form,
                given_by=course.referral.consent_given_by,
                given_on=course.referral.consent_informed_on,
                recorded_by_id=recorder,
                recorded_at=now,
            )
        )
        scopes.append((len(consents) - 1, []))
        if course.status != CourseStatus.ACTIVE:
            continue
        roll = rng.random()
        if roll < 0.78:
            age_days = rng.choice([rng.randint(5, 330), rng.randint(336, 364)])
            if roll > 0.74:
                age_days = rng.randint(370, 500)  # lapsed: must be renewed
            given_on = today - datetime.timedelta(days=age_days)
            chosen = sorted(
                set(rng.sample(categories, rng.randint(2, 6))) | {"board"}
                if rng.random() < 0.85
                else set(rng.sample(categories, 2))
            )
            withdrawn = rng.random() < 0.05
            consents.append(
                Consent(
                    resident_id=course.resident_id,
                    kind=ConsentKind.SHARING,
                    facility_id=course.facility_id,
                    direction=rng.choice(
                        [Direction.BOTH, Direction.BOTH, Direction.TEAM_TO_FACILITY]
                    ),
                    purpose=rng.choice(PURPOSES),
                    legal_basis=LegalBasis.SUL_43,
                    form=ConsentForm.WRITTEN,
                    given_by=GivenBy.GUARDIAN if rng.random() < 0.08 else GivenBy.RESIDENT,
                    given_on=given_on,
                    expires_on=one_year_after(given_on),
                    recorded_by_id=recorder,
                    recorded_at=now,
                    withdrawn_at=now - datetime.timedelta(days=rng.randint(1, 30))
                    if withdrawn
                    else None,
                    withdrawn_by_id=recorder if withdrawn else None,
                )
            )
            scopes.append((len(consents) - 1, list(chosen)))
            if rng.random() < 0.04:
                consents.append(
                    Consent(
                        resident_id=course.resident_id,
                        kind=ConsentKind.REFUSAL,
                        form=ConsentForm.ORAL,
                        given_by=GivenBy.RESIDENT,
                        given_on=given_on,
                        recorded_by_id=recorder,
                        recorded_at=now,
                    )
                )
                scopes.append((len(consents) - 1, ["medication"]))
        if rng.random() < 0.3:
            consents.append(
                Consent(
                    resident_id=course.resident_id,
                    kind=ConsentKind.RELATIVES,
                    relatives=rng.choice(RELATIVES),
                    form=rng.choice([ConsentForm.WRITTEN, ConsentForm.ORAL]),
                    given_by=GivenBy.RESIDENT,
                    given_on=today - datetime.timedelta(days=rng.randint(10, 300)),
                    recorded_by_id=recorder,
                    recorded_at=now,
                )
            )
            scopes.append((len(consents) - 1, []))
    with transaction.atomic():
        Consent.objects.bulk_create(consents, batch_size=500)
        ConsentScope.objects.bulk_create(
            [
                ConsentScope(consent=consents[index], category=category)
                for index, cats in scopes
                for category in cats
            ],
            batch_size=1000,
        )
    return len(consents)
