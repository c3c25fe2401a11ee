"""What the team (and, for some events, housing staff) records in a course.

Every kind of entry is listed once here with its section on the pages, the consent category
that lets housing staff read it, and who may write it. The fields of each kind are its form in
``record.forms``; the rules in this file are what the selectors and services enforce.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import Category
from organisation.models import Profession


class Kind(models.TextChoices):
    # Assessments (udredning og vurdering)
    PSYCHIATRIC = "psychiatric", _("Psykiatrisk vurdering")
    SUICIDE_RISK = "suicide_risk", _("Selvmordsrisikovurdering")
    SUBSTANCE = "substance", _("Vurdering af rusmiddelbrug")
    SOMATIC = "somatic", _("Somatisk undersøgelse")
    KRAM = "kram", _("Sundhedsfaktorer (KRAM)")
    # Plans
    TREATMENT_PLAN = "treatment_plan", _("Behandlingsplan")
    CRISIS_PLAN = "crisis_plan", _("Kriseplan")
    END_PLAN = "end_plan", _("Afslutningsplan")
    # Medication
    MEDICATION = "medication", _("Medicin")
    MEDICATION_REVIEW = "medication_review", _("Medicingennemgang")
    MEDICATION_OBSERVATION = "medication_observation", _("Virkning og bivirkninger")
    TAPERING_PLAN = "tapering_plan", _("Udtrapningsplan")
    MEDICATION_AGREEMENT = "medication_agreement", _("Aftale om medicinhåndtering og blodprøver")
    # Contacts
    VISIT = "visit", _("Besøg eller samtale")
    ADVICE = "advice", _("Rådgivning til botilbuddet")
    NETWORK_MEETING = "network_meeting", _("Netværksmøde")
    EXTERNAL_CONTACT = "external_contact", _("Kontakt med egen læge, hjemmesygepleje m.fl.")
    # Events that matter for follow-up
    ADMISSION = "admission", _("Indlæggelse")
    ADMISSION_ROLE = "admission_role", _("Teamets indsats ved indlæggelse")
    FORCE = "force", _("Magtanvendelse på botilbuddet")
    COMPULSORY = "compulsory", _("Tvang i psykiatrien")
    MEDICATION_FAILURE = "medication_failure", _("Medicinsvigt")
    CRISIS = "crisis", _("Krise")
    SPECIALISED_REFERRAL = "specialised_referral", _("Henvisning til specialiseret behandling")
    HEALTH_CHECK = "health_check", _("Helbredstjek hos egen læge")


class Section(models.TextChoices):
    ASSESSMENTS = "assessments", _("Udredning og vurderinger")
    PLANS = "plans", _("Planer")
    MEDICATION = "medication", _("Medicin")
    CONTACTS = "contacts", _("Kontakter")
    EVENTS = "events", _("Hændelser")


SECTION: dict[str, str] = {
    Kind.PSYCHIATRIC: Section.ASSESSMENTS,
    Kind.SUICIDE_RISK: Section.ASSESSMENTS,
    Kind.SUBSTANCE: Section.ASSESSMENTS,
    Kind.SOMATIC: Section.ASSESSMENTS,
    Kind.KRAM: Section.ASSESSMENTS,
    Kind.TREATMENT_PLAN: Section.PLANS,
    Kind.CRISIS_PLAN: Section.PLANS,
    Kind.END_PLAN: Section.PLANS,
    Kind.MEDICATION: Section.MEDICATION,
    Kind.MEDICATION_REVIEW: Section.MEDICATION,
    Kind.MEDICATION_OBSERVATION: Section.MEDICATION,
    Kind.TAPERING_PLAN: Section.MEDICATION,
    Kind.MEDICATION_AGREEMENT: Section.MEDICATION,
    Kind.VISIT: Section.CONTACTS,
    Kind.ADVICE: Section.CONTACTS,
    Kind.NETWORK_MEETING: Section.CONTACTS,
    Kind.EXTERNAL_CONTACT: Section.CONTACTS,
    Kind.ADMISSION: Section.EVENTS,
    Kind.ADMISSION_ROLE: Section.EVENTS,
    Kind.FORCE: Section.EVENTS,
    Kind.COMPULSORY: Section.EVENTS,
    Kind.MEDICATION_FAILURE: Section.EVENTS,
    Kind.CRISIS: Section.EVENTS,
    Kind.SPECIALISED_REFERRAL: Section.EVENTS,
    Kind.HEALTH_CHECK: Section.EVENTS,
}

# The consent category under which housing staff may read the team's entries of a kind.
# None: the team's own journal (visit notes, contacts with the GP and others), never shared.
# Entries housing staff recorded themselves are always visible to their facility.
CATEGORY: dict[str, str | None] = {
    Kind.PSYCHIATRIC: Category.ASSESSMENTS,
    Kind.SUICIDE_RISK: Category.ASSESSMENTS,
    Kind.SUBSTANCE: Category.ASSESSMENTS,
    Kind.SOMATIC: Category.ASSESSMENTS,
    Kind.KRAM: Category.ASSESSMENTS,
    Kind.HEALTH_CHECK: Category.ASSESSMENTS,
    Kind.TREATMENT_PLAN: Category.PLANS,
    Kind.CRISIS_PLAN: Category.PLANS,
    Kind.END_PLAN: Category.PLANS,
    Kind.ADVICE: Category.PLANS,
    Kind.NETWORK_MEETING: Category.PLANS,
    Kind.CRISIS: Category.PLANS,
    Kind.SPECIALISED_REFERRAL: Category.PLANS,
    Kind.MEDICATION: Category.MEDICATION,
    Kind.MEDICATION_REVIEW: Category.MEDICATION,
    Kind.MEDICATION_OBSERVATION: Category.MEDICATION,
    Kind.TAPERING_PLAN: Category.MEDICATION,
    Kind.MEDICATION_AGREEMENT: Category.MEDICATION,
    Kind.MEDICATION_FAILURE: Category.MEDICATION,
    Kind.ADMISSION: Category.ADMISSIONS,
    Kind.ADMISSION_ROLE: Category.ADMISSIONS,
    Kind.COMPULSORY: Category.ADMISSIONS,
    Kind.FORCE: None,
    Kind.VISIT: None,
    Kind.EXTERNAL_CONTACT: None,
}

# Facility-side events: housing staff at the resident's facility may record these.
FACILITY_KINDS = frozenset({Kind.ADMISSION, Kind.FORCE, Kind.MEDICATION_FAILURE, Kind.CRISIS})

# One living document per resident, corrected into new versions rather than written anew.
SINGLE_KINDS: frozenset[str] = frozenset({Kind.TREATMENT_PLAN, Kind.CRISIS_PLAN, Kind.END_PLAN})

HEALTH = frozenset({Profession.DOCTOR, Profession.NURSE, Profession.PSYCHOLOGIST})
PRESCRIBING = frozenset({Profession.DOCTOR, Profession.NURSE, Profession.PHARMACIST})
# Team professions allowed to write a kind; kinds not listed: any team member.
TEAM_WRITERS: dict[str, frozenset[str]] = {
    Kind.PSYCHIATRIC: frozenset({Profession.DOCTOR, Profession.PSYCHOLOGIST}),
    Kind.SUICIDE_RISK: HEALTH,
    Kind.SOMATIC: frozenset({Profession.DOCTOR, Profession.NURSE}),
    Kind.MEDICATION: PRESCRIBING,
    Kind.MEDICATION_REVIEW: frozenset({Profession.DOCTOR, Profession.PHARMACIST}),
    Kind.TAPERING_PLAN: PRESCRIBING,
    Kind.COMPULSORY: HEALTH,
}

# Kinds whose latest entry carries a date for the next review (flagged when overdue).
REVIEWED_KINDS = frozenset(
    {
        Kind.PSYCHIATRIC,
        Kind.SUICIDE_RISK,
        Kind.SUBSTANCE,
        Kind.SOMATIC,
        Kind.KRAM,
        Kind.TREATMENT_PLAN,
        Kind.CRISIS_PLAN,
        Kind.MEDICATION_REVIEW,
        Kind.TAPERING_PLAN,
    }
)


def kinds_in(section: str) -> list[str]:
    return [k for k in Kind.values if SECTION[k] == section]


def label(kind: str) -> str:
    return str(Kind(kind).label)
