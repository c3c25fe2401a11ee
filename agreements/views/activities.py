"""PLACEHOLDER: being written; every view answers 404 until then."""

from django.http import Http404


def activity_list(request, **kwargs):
    raise Http404


def activity_create(request, **kwargs):
    raise Http404
