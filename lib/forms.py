"""The base of every form: a strict ``Form`` (refuses fields it does not offer), accessible
bound fields, id fields that refuse impossible ids, a date input and ``call_service``. The
project's renderer (``btt.forms.FormRenderer``, named by ``FORM_RENDERER``) picks the one set
of widget templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.boundfield import BoundField
from django.forms.widgets import Widget
from django.utils.translation import gettext as _

_T = TypeVar("_T")

if TYPE_CHECKING:
    _ModelChoiceField = forms.ModelChoiceField[Model]
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Model]
else:
    _ModelChoiceField = forms.ModelChoiceField
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField


class AccessibleBoundField(BoundField):
    """Points ``aria-describedby`` at the field's error message as well as its hint."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = str(attrs.get("aria-describedby", "")).split()
            attrs["aria-describedby"] = " ".join([f"{self.auto_id}_error", *described])
        return attrs


class Form(forms.Form):
    """Refuses posted fields it does not offer (mass assignment): a tampered request that tries
    to set, say, the team or another facility is refused with a message and changes nothing."""

    allowed_extra_fields: tuple[str, ...] = ()
    _always_allowed = ("csrfmiddlewaretoken",)

    def clean(self) -> dict[str, Any]:
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
        return self.cleaned_data if cleaned is None else cleaned  # Django returns cleaned_data


# A primary key as a browser may send it: plain ASCII digits that fit a 64-bit integer. Anything
# else (unicode digits, signs, 30-digit numbers) is refused before it reaches the database,
# where it would raise OverflowError or DataError instead of a form error.
_PK = re.compile(r"[0-9]{1,18}")


def _is_pk(value: object) -> bool:
    return isinstance(value, int | str) and bool(_PK.fullmatch(str(value)))


class IdChoiceField(_ModelChoiceField):
    """A choice of one object by id that refuses ids no database could hold."""

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if not _is_pk(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(_ModelMultipleChoiceField):
    """A choice of several objects by id that refuses ids no database could hold."""

    def _check_values(self, value: Iterable[Any]) -> Any:
        for pk in value:
            if not _is_pk(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in the stubs


# A field attribute that ``templates/forms/field.html`` reads: False hides "(valgfri)" on an
# optional field (one that is required depending on other answers, or where saying so is noise).
SHOW_OPTIONAL = "show_optional"


def hide_optional(*fields: forms.Field) -> None:
    """Do not mark these optional fields "(valgfri)"."""
    for field in fields:
        setattr(field, SHOW_OPTIONAL, False)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def call_service(form: forms.BaseForm, service: Callable[..., _T], /, **kwargs: Any) -> _T | None:
    """Run a service; a ValidationError becomes a form error (the user's input is kept).

    Returns the service's result, or None when it refused.
    """
    try:
        return service(**kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
