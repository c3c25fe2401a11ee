"""The early-warning rules, defined once: what each looks for in the course record, its
default threshold, the board criterion it proposes, and how a hit is explained in words.

A count rule hits a resident when at least ``count`` entries of its kinds occurred within the
last ``days`` days. "Within the last N days" is today and the N - 1 days before it: an event
N days ago is outside the window (``occurred_on > today - N``). Entries dated in the future are
not counted. The no-contact rule hits when the team recorded no contact (visit, advice,
network meeting) within the last ``days`` days and the course is at least that old. The
crisis-plan rule hits while the resident's crisis plan is in its red phase.

Thresholds can be changed per team (``WarningSetting``); these are the defaults.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from board.models import BoardCriterion
from record.kinds import Kind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONTACT_KINDS = (Kind.VISIT, Kind.ADVICE, Kind.NETWORK_MEETING)


class RuleKind:
    COUNT = "count"  # at least `count` events within `days` days
    ABSENCE = "absence"  # no event within `days` days
    STATE = "state"  # a current state (the crisis plan's phase)


@dataclass(frozen=True)
class WarningRule:
    code: str
    label: StrOrPromise
    description: StrOrPromise
    rule_kind: str
    kinds: tuple[str, ...]
    criterion: str
    default_count: int | None = None
    default_days: int | None = None
    subtype: str = ""

    @property
    def uses_count(self) -> bool:
        return self.rule_kind == RuleKind.COUNT

    @property
    def uses_days(self) -> bool:
        return self.rule_kind in (RuleKind.COUNT, RuleKind.ABSENCE)

    def criterion_label(self) -> str:
        return str(BoardCriterion(self.criterion).label)

    def threshold_text(self, count: int | None, days: int | None) -> str:
        """The threshold in words, for the settings and the hit-rate table."""
        if self.rule_kind == RuleKind.COUNT:
            return ngettext(
                "mindst %(count)s gang på %(days)s dage",
                "mindst %(count)s gange på %(days)s dage",
                count or 0,  # set for every count rule
            ) % {"count": count, "days": days}
        if self.rule_kind == RuleKind.ABSENCE:
            return _("ingen kontakt i %(period)s") % {"period": period(days or 0)}
        return _("aktuel fase er rød")

    def explain(self, *, count: int = 0, days: int = 0, last: datetime.date | None = None) -> str:
        """A hit in words, as the team and the board read it."""
        if self.code == ADMISSIONS:
            return ngettext(
                "%(n)s indlæggelse på %(days)s dage", "%(n)s indlæggelser på %(days)s dage", count
            ) % {"n": count, "days": days}
        if self.code == FORCE:
            if days == 7:
                if count == 1:
                    return _("Magtanvendelse i sidste uge")
                return _("Magtanvendelse %(n)s gange i sidste uge") % {"n": count}
            return ngettext(
                "Magtanvendelse %(n)s gang på %(days)s dage",
                "Magtanvendelse %(n)s gange på %(days)s dage",
                count,
            ) % {"n": count, "days": days}
        if self.code == MEDICATION_FAILURE:
            return ngettext(
                "Medicinsvigt registreret %(n)s gang på %(days)s dage",
                "Medicinsvigt registreret %(n)s gange på %(days)s dage",
                count,
            ) % {"n": count, "days": days}
        if self.code == CRISIS_RED:
            return _("Kriseplan i rød fase")
        if self.code == NO_CONTACT:
            text = _("Ingen kontakt i %(period)s") % {"period": period(days)}
            if last is None:
                return _("%(text)s (ingen kontakt registreret i forløbet)") % {"text": text}
            return _("%(text)s (sidste kontakt %(date)s)") % {
                "text": text,
                "date": date_format(last, "d.m.Y"),
            }
        raise ValueError(self.code)


def period(days: int) -> str:
    """Whole weeks read as weeks ("6 uger"), anything else as days."""
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("%(n)s uge", "%(n)s uger", weeks) % {"n": weeks}
    return ngettext("%(n)s dag", "%(n)s dage", days) % {"n": days}


ADMISSIONS = "admissions"
FORCE = "force"
CRISIS_RED = "crisis_red"
MEDICATION_FAILURE = "medication_failure"
NO_CONTACT = "no_contact"

RULES: tuple[WarningRule, ...] = (
    WarningRule(
        code=ADMISSIONS,
        label=gettext_lazy("Gentagne indlæggelser"),
        description=gettext_lazy("Indlæggelser registreret i journalen inden for perioden."),
        rule_kind=RuleKind.COUNT,
        kinds=(Kind.ADMISSION,),
        criterion=BoardCriterion.ADMISSIONS,
        default_count=2,
        default_days=90,
    ),
    WarningRule(
        code=FORCE,
        label=gettext_lazy("Magtanvendelse"),
        description=gettext_lazy("Magtanvendelser på botilbuddet inden for perioden."),
        rule_kind=RuleKind.COUNT,
        kinds=(Kind.FORCE,),
        criterion=BoardCriterion.AGGRESSION_FORCE,
        default_count=1,
        default_days=7,
    ),
    WarningRule(
        code=CRISIS_RED,
        label=gettext_lazy("Kriseplan i rød fase"),
        description=gettext_lazy("Beboerens kriseplan står i rød fase."),
        rule_kind=RuleKind.STATE,
        kinds=(Kind.CRISIS_PLAN,),
        criterion=BoardCriterion.CRISIS_RED,
        subtype="red",
    ),
    WarningRule(
        code=MEDICATION_FAILURE,
        label=gettext_lazy("Medicinsvigt"),
        description=gettext_lazy("Medicinsvigt registreret inden for perioden."),
        rule_kind=RuleKind.COUNT,
        kinds=(Kind.MEDICATION_FAILURE,),
        criterion=BoardCriterion.MEDICATION_FAILURE,
        default_count=3,
        default_days=30,
    ),
    WarningRule(
        code=NO_CONTACT,
        label=gettext_lazy("Ingen kontakt"),
        description=gettext_lazy(
            "Teamet har ikke registreret besøg, rådgivning eller netværksmøde inden for "
            "perioden (forløbet skal være mindst så gammelt)."
        ),
        rule_kind=RuleKind.ABSENCE,
        kinds=CONTACT_KINDS,
        criterion=BoardCriterion.OTHER,
        default_days=42,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
RULE_CHOICES = [(rule.code, rule.label) for rule in RULES]

# Limits of the thresholds a team may set.
MIN_COUNT, MAX_COUNT = 1, 50
MIN_DAYS, MAX_DAYS = 1, 365
