"""One set of widget templates for every form (labels, hints, errors, accessibility)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _


class AccessibleBoundField(BoundField):
    """Points ``aria-describedby`` at the field's error message as well as its hint."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = attrs.get("aria-describedby", "").split()
            attrs["aria-describedby"] = " ".join([f"{self.auto_id}_error", *described])
        return attrs


class Form(forms.Form):
    """Refuses posted fields it does not offer (mass assignment): a tampered request that tries
    to set, say, the team or another facility is refused with a message and changes nothing."""

    allowed_extra_fields: tuple[str, ...] = ()
    _always_allowed = ("csrfmiddlewaretoken",)

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and hasattr(self.data, "keys"):
            known = set(self.fields) | set(self._always_allowed) | set(self.allowed_extra_fields)
            unknown = sorted(set(self.data.keys()) - known)
            if unknown:
                raise ValidationError(
                    _("Formularen indeholdt felter, du ikke kan ændre: %(fields)s")
                    % {"fields": ", ".join(unknown)[:200]},
                    code="unexpected_fields",
                )
        return cleaned


# A primary key as a browser may send it: plain ASCII digits that fit a 64-bit integer. Anything
# else (unicode digits, signs, 30-digit numbers) is refused before it reaches the database,
# where it would raise OverflowError or DataError instead of a form error.
_PK = re.compile(r"[0-9]{1,18}")


def _is_pk(value) -> bool:
    return isinstance(value, int | str) and bool(_PK.fullmatch(str(value)))


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one object by id that refuses ids no database could hold."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _is_pk(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several objects by id that refuses ids no database could hold."""

    def _check_values(self, value):
        for pk in value:
            if not _is_pk(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = AccessibleBoundField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def call_service(form, service, /, **kwargs):
    """Run a service; a ValidationError becomes a form error (the user's input is kept).

    Returns the service's result, or None when it refused.
    """
    try:
        return service(**kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
