from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action, AuditEvent
from audit.services import record_denied
from lib.forms import call_service
from organisation.access import found, require
from residents.selectors import resident_by_identifier

from . import access, services
from .forms import EmergencyAccessForm, ReviewForm
from .selectors import active_emergency_for, get_access_for_review, review_queue

# the same for a number that does not exist and one that cannot be opened (an erased resident)
NOT_OPENABLE = gettext_lazy("Der kan ikke åbnes nødadgang for dette nummer. Kontrollér nummeret.")
ALREADY_ACTIVE = gettext_lazy("Du har allerede en aktiv nødadgang. Afslut den, før du åbner en ny.")


@require_http_methods(["GET", "POST"])
def start(request):
    """Open an emergency access. The password is checked first; after it, a number that does
    not exist and one that cannot be opened get the same answer."""
    require(access.can(request.user, access.OPEN))
    form = EmergencyAccessForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not form.reauthenticated():
            form.refuse_reauthentication()
        elif access.has_active(request.user):
            # asked before the number is looked up, so the answer says nothing about it
            form.add_error(None, ALREADY_ACTIVE)
        else:
            resident = resident_by_identifier(data["identifier"].value)
            if resident is None or resident.anonymised_at is not None:
                # logged as a refused attempt (naming the resident where one exists)
                record_denied(
                    user=request.user,
                    action=Action.CREATE,
                    resident_id=resident.pk if resident is not None else None,
                    detail={"emergency": "not_openable"},
                )
                form.add_error("identifier", NOT_OPENABLE)
            else:
                opened = call_service(
                    form,
                    services.emergency_access_open,
                    user=request.user,
                    resident=resident,
                    reason_category=data["reason_category"],
                    reason_text=data["reason_text"],
                    reauthenticated=True,
                )
                if opened is not None:
                    request.session.cycle_key()  # a new privilege level gets a new session key
                    return redirect("residents:detail", pk=opened.resident_id)
    return render(request, "emergency/start.html", {"form": form})


@require_POST
def end(request):
    current = found(active_emergency_for(request.user))
    services.emergency_access_end(user=request.user, access=current)
    return redirect("home")


@require_GET
def queue(request):
    require(access.can(request.user, access.QUEUE))
    return render(request, "emergency/queue.html", {"accesses": review_queue(request.user)})


@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    reviewed = get_access_for_review(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.emergency_access_review,
            user=request.user,
            access=reviewed,
            note=form.cleaned_data["note"],
        )
        if done is not None:
            return redirect("emergency:queue")
    actions = AuditEvent.objects.filter(
        user=reviewed.user,
        resident=reviewed.resident,
        purpose="emergency",
        at__gte=reviewed.started_at,
    ).order_by("at", "id")
    return render(
        request, "emergency/review.html", {"access": reviewed, "form": form, "actions": actions}
    )
