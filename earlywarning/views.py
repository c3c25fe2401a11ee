"""Early warning: the team's suggestions for the board, their decisions, the rules' hit rate,
and the team leader's thresholds. gatekeeper → form → service → redirect.

Who: every member of the team sees the suggestions and decides them (anyone in the team may put
a resident on the board, so anyone may accept or dismiss a suggestion to do so); only the team
leader changes the thresholds (other team members: 403). Everyone else: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.services import record, record_shown
from board import prefill
from btt.forms import call_service
from organisation.access import principal_for, require
from organisation.models import Team

from . import selectors, services
from .forms import DismissForm, ThresholdsForm
from .rules import RULES_BY_CODE


def _team_for_member(request, team_pk: int) -> Team:
    require(team_pk in principal_for(request.user).team_ids)
    return get_object_or_404(Team, pk=team_pk)


def _group_by_resident(suggestions) -> list[dict]:
    """One row per resident: the first suggestion (the one the buttons act on) and all reasons."""
    rows: dict[int, dict] = {}
    for s in suggestions:
        row = rows.get(s.resident_id)
        if row is None:
            row = rows[s.resident_id] = {
                "resident": s.resident,
                "course": s.course,
                "suggestion": s,
                "reasons": [],
                "first_seen": s.first_seen,
            }
        row["reasons"].append(
            {"text": s.explanation, "criterion": RULES_BY_CODE[s.rule].criterion_label()}
        )
        row["first_seen"] = min(row["first_seen"], s.first_seen)
    return list(rows.values())


@require_GET
def suggestion_list(request, team_pk: int):
    """The rules' suggestions for the team's board, refreshed now, and how the rules fare."""
    team = _team_for_member(request, team_pk)
    limits = selectors.thresholds(team)
    services.suggestions_refresh(team=team, limits=limits)
    rows = _group_by_resident(selectors.open_suggestions(team))
    decisions = selectors.recent_decisions(team)
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
            "rates": selectors.hit_rates(team, limits),
            "decisions": decisions,
            "is_leader": team.pk in principal_for(request.user).leader_team_ids,
        },
    )


def _decided_already(request, suggestion):
    messages.info(request, _("Forslaget er allerede behandlet eller bortfaldet."))
    return redirect("earlywarning:list", team_pk=suggestion.team_id)


def suggestion_accept(request, pk: int):
    """Accept (POST): the resident's open suggestions are accepted and the board's form opens
    with the criteria and the explanations filled in."""
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        group = services.suggestion_accept(user=request.user, suggestion=suggestion)
    except ValidationError:
        return _decided_already(request, suggestion)
    criteria = []
    for s in group:
        code = RULES_BY_CODE[s.rule].criterion
        if code not in criteria:
            criteria.append(code)
    prefill.store(
        request.session,
        suggestion.resident_id,
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
    return redirect("board:entry_create", resident_pk=suggestion.resident_id)


@require_http_methods(["GET", "POST"])
def suggestion_dismiss(request, pk: int):
    """Dismiss the resident's open suggestions, with a reason."""
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    group = selectors.resident_open_suggestions(suggestion)
    if suggestion.pk not in {s.pk for s in group}:
        return _decided_already(request, suggestion)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.suggestion_dismiss,
            user=request.user,
            suggestion=suggestion,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(
                request,
                _("Forslaget om %(name)s er afvist.") % {"name": suggestion.resident.full_name},
            )
            return redirect("earlywarning:list", team_pk=suggestion.team_id)
    record(
        user=request.user,
        action=Action.VIEW,
        resident=suggestion.resident,
        obj=suggestion,
        detail={"page": "earlywarning_dismiss"},
    )
    return render(
        request,
        "earlywarning/dismiss.html",
        {"suggestion": suggestion, "group": group, "form": form},
    )


@require_http_methods(["GET", "POST"])
def thresholds(request, team_pk: int):
    """The team's thresholds: team leaders change them, for their own team."""
    team = _team_for_member(request, team_pk)
    if team.pk not in principal_for(request.user).leader_team_ids:
        raise PermissionDenied
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
