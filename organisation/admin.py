"""Region admins maintain the organisation in Django admin, limited to their own region.

Everything here is scoped to the administrator's region(s): lists, search, filters, objects
reached by URL (404), foreign-key choices and inlines. Superusers see everything.
Memberships are never saved by the admin itself: adding one calls
``organisation.services.membership_grant`` or ``membership_propose`` (a region
administrator's proposal for a team or facility waits for its leader), changing one
``membership_change``, and ending replaces deleting. Each step asks the membership policy
and writes one audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Action, Purpose
from audit.services import record

from . import access, services
from .access import principal_for
from .models import (
    RESIDENT_DATA_ROLES,
    Facility,
    FacilityAddress,
    Membership,
    MembershipStatus,
    Region,
    Team,
    Ward,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

    from .access import User

    # Django's admin and model form classes are generic only in django-stubs.
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
    _ModelForm = forms.ModelForm[Any]
    _AdminMixinBase = admin.ModelAdmin[Any]
else:
    _ModelAdmin, _TabularInline, _ModelForm = admin.ModelAdmin, admin.TabularInline, forms.ModelForm
    _AdminMixinBase = object


def _admin_user(request: HttpRequest) -> User:
    """The signed-in user of an admin request (the admin site lets nobody else in)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


class RegionScopedAdmin(_ModelAdmin):
    """Shows and offers only rows of the admin's own region(s); superusers see everything.

    ``region_path`` is the lookup from the model to its region; a model without one
    overrides ``scope_queryset``. An object outside the region is not found (404), also for
    its change, delete and history pages; foreign keys offer only the region's regions,
    teams, facilities, wards and users (``organisation.access.users_in_regions``).
    """

    region_path = "region"

    def _regions(self, request: HttpRequest) -> frozenset[int]:
        return principal_for(request.user).admin_region_ids

    def scope_queryset(
        self, request: HttpRequest, qs: QuerySet[Any], region_ids: frozenset[int]
    ) -> QuerySet[Any]:
        return qs.filter(**{f"{self.region_path}__in": region_ids})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.scope_queryset(request, qs, self._regions(request))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # outside the region or gone: the same answer
        return obj

    def _in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if not request.user.is_superuser:
            regions = self._regions(request)
            related = db_field.related_model
            if related is Region:
                kwargs["queryset"] = Region.objects.filter(pk__in=regions)
            elif isinstance(related, type) and issubclass(related, Team | Facility | Ward):
                kwargs["queryset"] = related.objects.filter(region__in=regions)
            elif related is get_user_model():
                kwargs["queryset"] = access.users_in_regions(regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AuditedAdminMixin(_AdminMixinBase):
    """One audit row for every save and delete of organisation data in the admin."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: Any) -> None:
        super().save_model(request, obj, form, change)
        record(
            user=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            purpose=Purpose.ADMINISTRATION,
            detail={"admin": True, "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(
            user=request.user,
            action=Action.TRANSITION,
            obj=obj,
            purpose=Purpose.ADMINISTRATION,
            detail={"admin": True, "to": "deleted"},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, RegionScopedAdmin):
    region_path = "pk"
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, RegionScopedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]


class FacilityAddressInline(_TabularInline):
    model = FacilityAddress
    extra = 0


class FacilityAdminForm(_ModelForm):
    class Meta:
        model = Facility
        fields = [
            "region",
            "team",
            "name",
            "owner_type",
            "legal_basis",
            "municipality",
            "phone",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        team, region = cleaned.get("team"), cleaned.get("region")
        if team is not None and region is not None and team.region_id != region.pk:
            raise ValidationError(_("Teamet hører til en anden region end botilbuddet."))
        return cleaned


@admin.register(Facility)
class FacilityAdmin(AuditedAdminMixin, RegionScopedAdmin):
    form = FacilityAdminForm
    list_display = ["name", "team", "owner_type", "legal_basis", "municipality"]
    # the team filter lists only teams of facilities the admin sees (no other region's names)
    list_filter = ["owner_type", "legal_basis", ("team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "municipality"]
    inlines = [FacilityAddressInline]


@admin.register(Ward)
class WardAdmin(AuditedAdminMixin, RegionScopedAdmin):
    search_fields = ["name"]


class _RequestForm(_ModelForm):
    request: HttpRequest  # set by MembershipAdmin.get_form


class MembershipAddForm(_RequestForm):
    """A new membership: granted when the policy lets the admin grant it, proposed to the
    leader when they may only propose it, refused otherwise (never for themselves)."""

    class Meta:
        model = Membership
        fields = ["user", "role", "profession", "team", "facility", "ward", "region"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        actor = self.request.user
        for_user = cleaned.get("user")
        role: str = cleaned["role"]  # required, and no field has an error
        scope = {k: cleaned.get(k) for k in ("team", "facility", "ward", "region")}
        if for_user is not None and for_user.pk == actor.pk:
            raise ValidationError(_("Du kan ikke give dig selv en rolle."), code="self_grant")
        if not access.scope_matches(role, **scope):
            raise ValidationError(
                _(
                    "Vælg netop ét team, botilbud, sengeafsnit eller én region, der passer til rollen."
                )
            )
        if access.can_grant_membership(actor, for_user=for_user, role=role, **scope):
            self.decision = "grant"
        elif role in RESIDENT_DATA_ROLES and access.can_propose_membership(
            actor, for_user=for_user, role=role, team=scope["team"], facility=scope["facility"]
        ):
            self.decision = "propose"
        else:
            raise ValidationError(_("Du kan ikke give denne rolle."), code="not_allowed")
        return cleaned


class MembershipChangeForm(_RequestForm):
    """Role (within the same team or facility) and profession; only who may grant the
    membership may change it (the admin shows it read-only to everyone else)."""

    class Meta:
        model = Membership
        fields = ["role", "profession"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        m = self.instance
        if (
            role
            and role != m.role
            and not access.can_grant_membership(
                self.request.user, for_user=m.user, role=role, team=m.team, facility=m.facility
            )
        ):
            raise ValidationError(_("Du kan ikke give denne rolle."), code="not_allowed")
        return cleaned


_READ_ONLY_ON_CHANGE = (
    "user",
    "team",
    "facility",
    "ward",
    "region",
    "is_active",
    "status",
    "proposed_by",
    "confirmed_by",
    "confirmed_at",
    "ended_at",
)


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin):
    list_display = [
        "user",
        "role",
        "profession",
        "team",
        "facility",
        "ward",
        "region",
        "status",
        "is_active",
    ]
    list_filter = ["status", "role", "profession", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    actions = ["confirm_selected", "reject_selected", "end_selected"]

    def scope_queryset(
        self, request: HttpRequest, qs: QuerySet[Any], region_ids: frozenset[int]
    ) -> QuerySet[Any]:
        return qs & access.memberships_visible(request.user)

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[_ModelForm]:
        kwargs["form"] = MembershipChangeForm if obj is not None else MembershipAddForm
        form = cast("type[_RequestForm]", super().get_form(request, obj, change=change, **kwargs))
        form.request = request
        return form

    def get_fields(self, request: HttpRequest, obj: Any | None = None) -> _FieldGroups:
        if obj is None:
            return list(MembershipAddForm.Meta.fields)
        return ["role", "profession", *_READ_ONLY_ON_CHANGE]

    def get_readonly_fields(self, request: HttpRequest, obj: Any | None = None) -> tuple[str, ...]:
        return _READ_ONLY_ON_CHANGE if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or access.can_membership(request.user, access.MEMBERSHIP_CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return False  # a membership is ended (audited, history kept), never deleted

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: Any) -> None:
        if change and not form.has_changed():
            return
        user = _admin_user(request)
        try:
            if change:
                saved = services.membership_change(
                    user=user,
                    membership=obj,
                    role=form.cleaned_data["role"],
                    profession=form.cleaned_data["profession"],
                )
            else:
                data = form.cleaned_data
                common = {
                    "user": user,
                    "for_user": data["user"],
                    "role": data["role"],
                    "profession": data["profession"],
                    "team": data.get("team"),
                    "facility": data.get("facility"),
                }
                if getattr(form, "decision", None) == "propose":
                    saved = services.membership_propose(**common)
                else:
                    saved = services.membership_grant(
                        **common, ward=data.get("ward"), region=data.get("region")
                    )
        except ValidationError as exc:
            # checked in the form already; a race or an unchanged form ends here
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk = saved.pk
        obj._state.adding = False
        for name in ("status", "proposed_by_id", "confirmed_by_id", "confirmed_at"):
            setattr(obj, name, getattr(saved, name))
        if saved.status == MembershipStatus.PENDING:
            self.message_user(
                request,
                _("Forslaget venter på, at lederen af teamet eller botilbuddet bekræfter det."),
                messages.WARNING,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        pass  # no many-to-many fields or inlines; the service saved everything

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Membership],
        action: str,
        service: Callable[..., Membership],
        done_message: str,
    ) -> None:
        done = refused = 0
        for m in queryset:
            if not access.can_membership(request.user, action, m):
                refused += 1
                continue
            service(user=request.user, membership=m)
            done += 1
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("%(n)s tilknytninger kunne du ikke ændre.") % {"n": refused},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Bekræft valgte forslag"), permissions=["view"])
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._each(
            request,
            queryset,
            access.MEMBERSHIP_CONFIRM,
            services.membership_confirm,
            _("%(n)s tilknytninger bekræftet."),
        )

    @admin.action(description=gettext_lazy("Afvis valgte forslag"), permissions=["view"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._each(
            request,
            queryset,
            access.MEMBERSHIP_REJECT,
            services.membership_reject,
            _("%(n)s forslag afvist."),
        )

    @admin.action(description=gettext_lazy("Afslut valgte tilknytninger"), permissions=["view"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._each(
            request,
            queryset,
            access.MEMBERSHIP_END,
            services.membership_end,
            _("%(n)s tilknytninger afsluttet."),
        )
