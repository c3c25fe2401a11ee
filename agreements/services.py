"""Every write to agreements: create from the template, edit (a new version), sign, terminate,
and record joint competence activities. Each asks ``agreements.access`` itself (a direct call
by someone without the right raises Http404 or PermissionDenied) and writes exactly one audit
row (no resident: these are organisation data)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action as AuditAction
from audit.models import Purpose
from audit.services import record
from lib.errors import StaleVersion, TransitionError
from lib.notice import notice_end

from . import access
from .models import (
    TEXT_SECTIONS,
    Agreement,
    AgreementVersion,
    CompetenceActivity,
    Party,
    Signature,
    Status,
)

VERSION_FIELDS = (
    "visit_days",
    "visit_from",
    "visit_to",
    "meeting_weekday",
    "meeting_time",
    "team_contacts",
    "facility_contacts",
    "shared_mailbox",
    "team_phone",
    "opening_days",
    "opens_at",
    "closes_at",
    "after_hours",
)


def standard_sections(team, facility) -> dict[str, str]:
    """The framework's standard wording (seed 001, Bilag 1 and Boks 2), for each pair to edit."""
    return {
        "purpose": _(
            "Formålet med samarbejdsaftalen er at skabe grundlag for et konstruktivt gensidigt "
            "forpligtende samarbejde, hvor der kan tages højde for lokale forhold og behov."
        ),
        "tasks": _(
            "Botilbudsteamets hovedopgaver er:\n"
            "• Udgående ambulant psykiatrisk behandling og opfølgning\n"
            "• Rådgivning og sparring"
        ),
        "target_group": _(
            "Målgruppen er borgere på 18 år og derover, som bor på botilbuddet, har en svær og "
            "kompleks psykisk lidelse med nedsat funktionsevne og fx hyppige eller lange "
            "indlæggelser, komplekse psykiatriske eller sociale problemstillinger, udadreagerende "
            "adfærd, magtanvendelse eller tvang, eller manglende sygdomsindsigt og medicinsvigt. "
            "Borgeren informeres om tilbuddet og giver samtykke før henvisning; botilbudsteamet "
            "visiterer."
        ),
        "services": _(
            "Udredning, behandlingsplan og kriseplan, medicinsk behandling, samtaler med fast "
            "kontaktperson, vurdering af behov for intensiveret behandling, netværksmøder og "
            "rådgivning af botilbuddets personale."
        ),
        "collaboration": _(
            "Botilbudsteamet kommer på faste, aftalte dage. Der er faste kontaktpersoner i begge "
            "sektorer og et ugentligt tværsektorielt tavlemøde. Ved indlæggelse og udskrivelse "
            "inddrages botilbudsteamet. Samarbejdet med almen praksis og andre aktører aftales "
            "for den enkelte borger. Skriftlig kommunikation sker via sikker e-mail."
        ),
        "conversations": _(
            "Samtaler bookes via botilbuddets kontaktperson eller fællespostkassen."
        ),
        "medication": _(
            "Lokale arbejdsgange for medicinoverlevering, medicinbestilling og medicinhåndtering "
            "samt samarbejde om blodprøver."
        ),
        "safety": _(
            "Aftaler om alarmer, overlevering af risikovurderinger, hvor samtaler holdes, og "
            "hvornår personale fra botilbuddet deltager."
        ),
        "competence": _(
            "Tværsektorielle udvekslingsbesøg, fælles temadage, undervisning, fælles fast faglig "
            "sparring og fælles introkursus for nye medarbejdere."
        ),
        "personal_data": _(
            "Der skal indhentes skriftligt samtykke fra den enkelte borger til vidensdeling mellem "
            "botilbud og botilbudsteam. Vidensdeling skal overholde den til enhver tid gældende "
            "lovgivning."
        ),
        "contacts": _(
            "Navne og kontaktoplysninger på relevant personale og ledelse fra både botilbud og "
            "botilbudsteam, botilbudsteamets fællespostkasse og åbningstid, og hvor botilbuddet "
            "henvender sig uden for åbningstid."
        ),
        "duration": _(
            "Aftalen indgås for en ubegrænset periode, men kan af parterne opsiges med tre "
            "måneders varsel til udgangen af en måned."
        ),
    }


def _expire(today: datetime.date) -> None:
    Agreement.objects.filter(status=Status.NOTICE, ends_on__lt=today).update(
        status=Status.TERMINATED
    )


@transaction.atomic
def agreement_create(*, user, team, facility) -> Agreement:
    if facility.team_id != team.pk:
        raise ValidationError(_("Botilbuddet betjenes ikke af dette team."))
    access.check_create(user, facility)
    _expire(timezone.localdate())
    agreement = Agreement(team=team, facility=facility, created_by=user)
    try:
        with transaction.atomic():
            agreement.save(force_insert=True)
    except IntegrityError as exc:
        raise TransitionError(
            _("Der er allerede en gældende aftale eller et udkast for botilbuddet."), code="exists"
        ) from exc
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        sections=standard_sections(team, facility),
        team_phone=team.phone,
        shared_mailbox=team.email,
        created_by=user,
    )
    record(user=user, action=AuditAction.CREATE, obj=agreement, purpose=Purpose.ADMINISTRATION)
    return agreement


def latest_version(agreement) -> AgreementVersion:
    return agreement.versions.order_by("-number").first()


@transaction.atomic
def agreement_edit(
    *, user, agreement: Agreement, lock: int, sections: dict, **fields
) -> AgreementVersion:
    """A new version with the edited text. An agreement in force stays in force on its signed
    version while the new one is negotiated."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    access.check(user, access.EDIT, locked)
    if locked.status in (Status.NOTICE, Status.TERMINATED):
        raise TransitionError(_("En opsagt aftale kan ikke ændres."), code="terminated")
    if locked.version != lock:
        raise StaleVersion(
            _("Aftalen er ændret af en anden, siden du åbnede den. Se ændringen og prøv igen."),
            code="stale",
        )
    unknown = set(sections) - set(TEXT_SECTIONS)
    if unknown or set(fields) - set(VERSION_FIELDS):
        raise ValidationError(_("Ukendte felter i aftalen."))
    current = latest_version(locked)
    data = {name: getattr(current, name) for name in VERSION_FIELDS}
    data.update(fields)
    if data["opens_at"] and data["closes_at"] and data["opens_at"] >= data["closes_at"]:
        raise ValidationError({"closes_at": _("Lukketiden skal ligge efter åbningstiden.")})
    if data["visit_from"] and data["visit_to"] and data["visit_from"] >= data["visit_to"]:
        raise ValidationError({"visit_to": _("Sluttidspunktet skal ligge efter starttidspunktet.")})
    new = AgreementVersion.objects.create(
        agreement=locked,
        number=current.number + 1,
        sections={**current.sections, **sections},
        created_by=user,
        **data,
    )
    if locked.status in (Status.IN_FORCE, Status.RENEGOTIATION):
        locked.status = Status.RENEGOTIATION
    else:
        locked.status = Status.DRAFT  # a signature on an earlier text no longer applies
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    record(
        user=user,
        action=AuditAction.UPDATE,
        obj=locked,
        purpose=Purpose.ADMINISTRATION,
        detail={"version": new.number},
    )
    return new


@transaction.atomic
def agreement_sign(*, user, agreement: Agreement) -> Signature:
    """The leader of one party signs the latest text; when both have, it is in force."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = access.signing_party(user, locked)
    if locked.status in (Status.NOTICE, Status.TERMINATED, Status.IN_FORCE):
        raise TransitionError(_("Der er ingen ny tekst at underskrive."), code="nothing_to_sign")
    current = latest_version(locked)
    if current.signatures.filter(party=party).exists():
        raise TransitionError(_("Jeres part har allerede underskrevet denne tekst."), code="signed")
    membership_role = _("Leder af botilbudsteam") if party == Party.TEAM else _("Leder af botilbud")
    signature = Signature.objects.create(
        version=current,
        party=party,
        user=user,
        name=user.get_full_name() or user.username,
        role=str(membership_role),
    )
    if current.signatures.count() == 2:
        current.in_force_from = timezone.localdate()
        current.save(update_fields=["in_force_from"])
        locked.status = Status.IN_FORCE
    elif locked.status == Status.DRAFT:
        locked.status = Status.SIGNED_ONE
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    record(
        user=user,
        action=AuditAction.TRANSITION,
        obj=locked,
        purpose=Purpose.ADMINISTRATION,
        detail={"signed": party, "version": current.number},
    )
    return signature


# How many days a notice may be dated before the day it is recorded. 0: a notice is given the
# day it is recorded, so its end date (``lib.notice``) cannot be moved into the past.
NOTICE_BACKDATE_GRACE_DAYS = 0


@transaction.atomic
def agreement_terminate(*, user, agreement: Agreement, given_on: datetime.date) -> Agreement:
    """Notice given today: the agreement ends when the notice has run (``lib.notice``)."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    access.check(user, access.TERMINATE, locked)
    if locked.status not in (Status.IN_FORCE, Status.RENEGOTIATION):
        raise TransitionError(_("Kun en aftale i kraft kan opsiges."), code="not_in_force")
    today = timezone.localdate()
    if given_on > today:
        raise ValidationError({"given_on": _("Datoen kan ikke ligge i fremtiden.")})
    if given_on < today - datetime.timedelta(days=NOTICE_BACKDATE_GRACE_DAYS):
        raise ValidationError(
            {
                "given_on": _(
                    "En opsigelse kan ikke tilbagedateres. Skriv dagens dato (%(today)s): "
                    "opsigelsen gælder fra den dag, den registreres."
                )
                % {"today": today.strftime("%d.%m.%Y")}
            }
        )
    locked.notice_given_on = given_on
    locked.notice_given_by = user
    locked.ends_on = notice_end(given_on, locked.notice_months)
    locked.status = Status.NOTICE
    locked.version += 1
    locked.save(
        update_fields=["notice_given_on", "notice_given_by", "ends_on", "status", "version"]
    )
    record(
        user=user,
        action=AuditAction.TRANSITION,
        obj=locked,
        purpose=Purpose.ADMINISTRATION,
        detail={"to": Status.NOTICE, "ends_on": locked.ends_on.isoformat()},
    )
    return locked


@transaction.atomic
def activity_record(
    *,
    user,
    facility,
    kind: str,
    held_on: datetime.date,
    topic: str,
    participants,
    other_participants: str = "",
) -> CompetenceActivity:
    if not access.may_use_activities(user, facility):
        raise Http404
    if not topic.strip():
        raise ValidationError({"topic": _("Skriv emnet.")})
    activity = CompetenceActivity.objects.create(
        team_id=facility.team_id,
        facility=facility,
        kind=kind,
        held_on=held_on,
        topic=topic,
        other_participants=other_participants,
        created_by=user,
    )
    activity.participants.set(participants)
    record(user=user, action=AuditAction.CREATE, obj=activity, purpose=Purpose.ADMINISTRATION)
    return activity
