"""Region admins maintain the organisation in Django admin, limited to their own region."""

from django.contrib import admin
from django.db.models import Q

from .access import principal_for
from .models import Facility, FacilityAddress, Membership, Region, Team, Ward


class RegionScopedAdmin(admin.ModelAdmin):
    """Shows and offers only rows of the admin's own region(s); superusers see everything."""

    region_path = "region"

    def _regions(self, request):
        return principal_for(request.user).admin_region_ids

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.region_path}__in": self._regions(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            regions = self._regions(request)
            related = db_field.related_model
            if related is Region:
                kwargs["queryset"] = Region.objects.filter(pk__in=regions)
            elif related in (Team, Facility, Ward):
                kwargs["queryset"] = related.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_path = "pk"
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(RegionScopedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]


class FacilityAddressInline(admin.TabularInline):
    model = FacilityAddress
    extra = 0


@admin.register(Facility)
class FacilityAdmin(RegionScopedAdmin):
    list_display = ["name", "team", "owner_type", "legal_basis", "municipality"]
    list_filter = ["owner_type", "legal_basis", "team"]
    search_fields = ["name", "municipality"]
    inlines = [FacilityAddressInline]


@admin.register(Ward)
class WardAdmin(RegionScopedAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin):
    list_display = ["user", "role", "profession", "team", "facility", "ward", "region", "is_active"]
    list_filter = ["role", "profession", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        regions = self._regions(request)
        return qs.filter(
            Q(team__region__in=regions)
            | Q(facility__region__in=regions)
            | Q(ward__region__in=regions)
            | Q(region__in=regions)
        )
