"""The project's form renderer (``FORM_RENDERER``): one set of widget templates, in the
project's ``templates/forms/``, for every form. The forms themselves build on ``lib.forms``."""

from django.forms.renderers import TemplatesSetting

from lib.forms import AccessibleBoundField


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = AccessibleBoundField
