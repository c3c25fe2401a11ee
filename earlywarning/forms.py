"""Forms for early warning: the team's thresholds, and the reason for dismissing a suggestion."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from board.forms import TextAreaField
from lib.forms import Form, hide_optional

from .rules import MAX_COUNT, MAX_DAYS, MIN_COUNT, MIN_DAYS, RULES


def _number(label, *, minimum, maximum, help_text=""):
    field = forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=minimum,
        max_value=maximum,
        required=False,
        error_messages={
            "invalid": _("Skriv et helt tal."),
            "min_value": _("Tallet skal være mindst %(limit_value)s."),
            "max_value": _("Tallet må højst være %(limit_value)s."),
        },
    )
    hide_optional(field)  # required while the rule is on; said in the error
    return field


class ThresholdsForm(Form):
    """One group of fields per rule: on or off, and its count and period where it has them.

    A switched-off rule keeps its numbers; a rule that is on needs them."""

    def __init__(self, *args, limits, **kwargs):
        initial = {}
        for code, threshold in limits.items():
            initial[f"{code}_enabled"] = threshold.enabled
            initial[f"{code}_count"] = threshold.count
            initial[f"{code}_days"] = threshold.days
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.groups = []
        for rule in RULES:
            names = [f"{rule.code}_enabled"]
            self.fields[f"{rule.code}_enabled"] = forms.BooleanField(
                label=_("Reglen er aktiv"), required=False
            )
            if rule.uses_count:
                names.append(f"{rule.code}_count")
                self.fields[f"{rule.code}_count"] = _number(
                    _("Antal hændelser (mindst)"), minimum=MIN_COUNT, maximum=MAX_COUNT
                )
            if rule.uses_days:
                names.append(f"{rule.code}_days")
                self.fields[f"{rule.code}_days"] = _number(
                    _("Periode i dage"),
                    minimum=MIN_DAYS,
                    maximum=MAX_DAYS,
                    help_text=_("I dag og dagene før; fx 42 dage = 6 uger."),
                )
            self.groups.append((rule, names))

    def clean(self):
        cleaned = super().clean()
        for rule in RULES:
            if not cleaned.get(f"{rule.code}_enabled"):
                continue
            for part in ("count", "days"):
                name = f"{rule.code}_{part}"
                if name in self.fields and cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Udfyld feltet, når reglen er aktiv."))
        return cleaned

    def bound_groups(self):
        return [(rule, [self[name] for name in names]) for rule, names in self.groups]

    def values(self) -> dict[str, dict]:
        data = self.cleaned_data
        result = {}
        for rule in RULES:
            result[rule.code] = {
                "enabled": data.get(f"{rule.code}_enabled", False),
                "count": data.get(f"{rule.code}_count") if rule.uses_count else None,
                "days": data.get(f"{rule.code}_days") if rule.uses_days else None,
            }
            if not result[rule.code]["enabled"]:
                # an empty field on a switched-off rule keeps the default
                if rule.uses_count and result[rule.code]["count"] is None:
                    result[rule.code]["count"] = rule.default_count
                if rule.uses_days and result[rule.code]["days"] is None:
                    result[rule.code]["days"] = rule.default_days
        return result


class DismissForm(Form):
    reason = TextAreaField(
        label=_("Hvorfor afvises forslaget?"),
        required=True,
        max_length=1000,
        help_text=_(
            "Fx: følges allerede tæt ved besøg; indlæggelserne var planlagte. Reglen foreslår "
            "ikke beboeren igen, før der kommer nye hændelser."
        ),
        error_messages={
            "required": _("Skriv, hvorfor forslaget afvises."),
            "max_length": _("Begrundelsen må højst være %(limit_value)s tegn."),
        },
        widget=forms.Textarea(attrs={"rows": 2}),
    )
