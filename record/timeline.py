"""The resident's timeline (placeholder: being built)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from residents.selectors import get_resident_for_user


@require_GET
def timeline(request, resident_pk: int):
    get_resident_for_user(request.user, resident_pk)
    return HttpResponse("")
