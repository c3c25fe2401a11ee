"""Questions and updates left between meetings ("Må jeg lige spørge dig om noget vedrørende
Dorte?"): asked by one sector about a resident of the facility, answered by the other.
gatekeeper → form → service → redirect; every page that shows resident data writes audit rows.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record, record_shown
from lib.forms import call_service
from organisation.access import found, require
from organisation.selectors import get_facility_for_user
from residents.selectors import get_resident_for_user

from .. import access, selectors, services
from ..forms import AnswerForm, QuestionForm

ANSWERED_DAYS = 30


@require_http_methods(["GET", "POST"])
def question_create(request, resident_pk: int):
    """A question or an update about a resident, for the other sector's next visit or meeting."""
    resident = get_resident_for_user(request.user, resident_pk)
    facility, sector = access.ask_sector(request.user, resident)
    require(sector is not None)
    facility = found(facility)  # a sector means a facility
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = call_service(
            form,
            services.question_ask,
            user=request.user,
            resident=resident,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
        if question is not None:
            messages.success(
                request,
                _("Sendt. Det står på listen til næste besøg og tavlemøde."),
            )
            return redirect("board:questions", facility_pk=facility.pk)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=resident,
        detail={"page": "board_question_create"},
    )
    return render(
        request,
        "board/questions/question_form.html",
        {"resident": resident, "facility": facility, "sector": sector, "form": form},
    )


@require_http_methods(["GET", "POST"])
def question_answer(request, pk: int):
    """The question (or update) and its answer; the side it was put to answers it."""
    question = access.questions.get_for_user(request.user, pk)
    sector = access.sector(request.user, question.facility)
    require(sector is not None)
    receiving = access.questions.can(request.user, access.ANSWER, question)
    if request.method == "POST" and not receiving:
        raise PermissionDenied
    form = AnswerForm(request.POST or None) if receiving and question.is_open else None
    if form is not None and request.method == "POST" and form.is_valid():
        answered = call_service(
            form,
            services.question_answer,
            user=request.user,
            question=question,
            answer=form.cleaned_data["answer"],
        )
        if answered is not None:
            messages.success(request, _("Svaret er gemt."))
            return redirect("board:questions", facility_pk=question.facility_id)
    if request.method == "POST" and form is None:
        messages.info(request, _("Spørgsmålet er allerede besvaret."))
    record(user=request.user, action=Action.VIEW, resident=question.resident, obj=question)
    return render(
        request,
        "board/questions/question_detail.html",
        {"question": question, "form": form, "sector": sector, "receiving": receiving},
    )


@require_GET
def facility_questions(request, facility_pk: int):
    """The open questions and updates at a facility (the list for the visit day and the
    meeting), and those answered in the last 30 days."""
    facility = get_facility_for_user(request.user, facility_pk)
    sector = access.facility_board_sector(request.user, facility)
    open_rows = list(selectors.open_questions(request.user, facility_id=facility.pk))
    since = timezone.now() - datetime.timedelta(days=ANSWERED_DAYS)
    answered = list(
        access.questions.visible(request.user)
        .filter(facility_id=facility.pk, answered_at__gte=since)
        .select_related("resident", "asked_by", "answered_by")
        .order_by("-answered_at", "-id")
    )
    mine = access.directed_to(sector)
    shown = {q.resident_id for q in open_rows} | {q.resident_id for q in answered}
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=sorted(shown),
        detail={"list": "board_questions", "facility_id": facility.pk},
    )
    return render(
        request,
        "board/questions/questions.html",
        {
            "facility": facility,
            "sector": sector,
            "to_us": [q for q in open_rows if q.direction == mine],
            "to_them": [q for q in open_rows if q.direction != mine],
            "answered": answered,
            "answered_days": ANSWERED_DAYS,
        },
    )
