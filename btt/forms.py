"""One set of widget templates for every form (labels, hints, errors, accessibility)."""

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
