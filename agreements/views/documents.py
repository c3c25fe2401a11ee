"""PLACEHOLDER: being written; every view answers 404 until then."""

from django.http import Http404


def agreement_list(request, **kwargs):
    raise Http404


def agreement_create(request, **kwargs):
    raise Http404


def agreement_detail(request, **kwargs):
    raise Http404


def agreement_edit(request, **kwargs):
    raise Http404


def agreement_sign(request, **kwargs):
    raise Http404


def agreement_terminate(request, **kwargs):
    raise Http404


def agreement_pdf(request, **kwargs):
    raise Http404


def version_detail(request, **kwargs):
    raise Http404


def region_overview(request, **kwargs):
    raise Http404
