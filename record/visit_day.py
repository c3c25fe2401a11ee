"""The visit-day list (placeholder: being built)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def visit_days(request):
    return HttpResponse("")


@require_GET
def visit_day(request, facility_pk: int):
    return HttpResponse("")
