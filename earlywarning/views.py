"""Early warning: the team's suggestions for the board, their decisions, the rules' hit rate,
and the team leader's thresholds. Who may do what is ``earlywarning.access``; the views parse,
call and render.

Opening the list (a GET) reads the stored suggestions as the worker last computed them and
writes nothing but the read's audit rows; accepting or dismissing (a POST) decides them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record, record_shown
from board import prefill
from lib.forms import call_service

from . import access, selectors, services
from .forms import DismissForm, ThresholdsForm
from .rules import RULES_BY_CODE


def _group_by_resident(suggestions) -> list[dict]:
    """One row per resident with all the reasons the rules found."""
    rows: dict[int, dict] = {}
    for p in suggestions:
        row = rows.get(p.resident_id)
        if row is None:
            row = rows[p.resident_id] = {
                "resident": p.resident,
                "course": p.course,
                "reasons": [],
                "evidence_at": p.evidence_at,
            }
        row["reasons"].append(
            {"text": p.explanation, "criterion": RULES_BY_CODE[p.rule].criterion_label()}
        )
        row["evidence_at"] = max(row["evidence_at"], p.evidence_at)
    return list(rows.values())


@require_GET
def suggestion_list(request, team_pk: int):
    """The rules' suggestions for the team's board as last computed, and how the rules fare."""
    team = access.get_team_for_user(request.user, team_pk, action=access.VIEW)
    limits = selectors.thresholds(team)
    suggestions = selectors.open_suggestions(team)
    rows = _group_by_resident(suggestions)
    decisions = selectors.recent_decisions(team)
    computed_at = selectors.last_computed(team)
    record_shown(
        user=request.user,
        action=Action.LIST,
        resident_ids=sorted({r["resident"].pk for r in rows} | {d.resident_id for d in decisions}),
        detail={"list": "earlywarning", "team_id": team.pk},
    )
    return render(
        request,
        "earlywarning/list.html",
        {
            "team": team,
            "rows": rows,
            "rates": selectors.hit_rates(team, limits, suggestions),
            "computed_at": computed_at,
            "computed_today": computed_at is not None
            and timezone.localdate(computed_at) == timezone.localdate(),
            "decisions": decisions,
            "may_set_thresholds": access.can(request.user, access.THRESHOLDS, team),
        },
    )


def _decided_already(request, team):
    messages.info(request, _("Forslaget er allerede behandlet eller bortfaldet."))
    return redirect("earlywarning:list", team_pk=team.pk)


def suggestion_accept(request, team_pk: int, resident_pk: int):
    """Accept (POST): the resident's open suggestions are accepted and the board's form opens
    with the criteria and the explanations filled in."""
    team = access.get_team_for_user(request.user, team_pk, action=access.DECIDE)
    selectors.candidate_course(team, resident_pk)  # 404 for a resident outside the team
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        group = services.suggestion_accept(user=request.user, team=team, resident_id=resident_pk)
    except ValidationError:
        return _decided_already(request, team)
    criteria = []
    for s in group:
        code = RULES_BY_CODE[s.rule].criterion
        if code not in criteria:
            criteria.append(code)
    prefill.store(
        request.session,
        resident_pk,
        criteria=criteria,
        need_text="\n".join(
            [_("Foreslået af tidlig opsporing:"), *(f"- {s.explanation}" for s in group)]
        ),
    )
    messages.success(
        request,
        _(
            "Forslaget er accepteret. Årsag og begrundelse er udfyldt nedenfor; gør indgangen "
            "færdig og gem den for at sætte beboeren på tavlen."
        ),
    )
    return redirect("board:entry_create", resident_pk=resident_pk)


@require_http_methods(["GET", "POST"])
def suggestion_dismiss(request, team_pk: int, resident_pk: int):
    """Dismiss the resident's open suggestions, with a reason."""
    team = access.get_team_for_user(request.user, team_pk, action=access.DECIDE)
    course = selectors.candidate_course(team, resident_pk)  # 404 outside the team
    group = selectors.resident_suggestions(team, course)
    if not group:
        return _decided_already(request, team)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.suggestion_dismiss,
            user=request.user,
            team=team,
            resident_id=resident_pk,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(
                request,
                _("Forslaget om %(name)s er afvist.") % {"name": course.resident.full_name},
            )
            return redirect("earlywarning:list", team_pk=team.pk)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=course.resident,
        detail={"page": "earlywarning_dismiss", "team_id": team.pk},
    )
    return render(
        request,
        "earlywarning/dismiss.html",
        {"team": team, "resident": course.resident, "group": group, "form": form},
    )


@require_http_methods(["GET", "POST"])
def thresholds(request, team_pk: int):
    """The team's thresholds: team leaders change them, for their own team."""
    team = access.get_team_for_user(request.user, team_pk, action=access.THRESHOLDS)
    limits = selectors.thresholds(team)
    form = ThresholdsForm(request.POST or None, limits=limits)
    if request.method == "POST" and form.is_valid():
        try:
            services.thresholds_save(user=request.user, team=team, values=form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tærsklerne er gemt."))
            return redirect("earlywarning:list", team_pk=team.pk)
    return render(
        request,
        "earlywarning/thresholds.html",
        {"team": team, "form": form, "groups": form.bound_groups(), "limits": limits},
    )
