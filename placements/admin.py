"""Placements' reference data on the project's one admin site (socialtjanst.admin.admin_site).

- CareType is edited here (the catalogue of shared/domain.md §4.1: names, codes, cost centre
  defaults, IVO requirement); FosterCareRate levels are added here, never changed (a new level is
  a new row from a date, so history is not rewritten).
- Providers, agreements and price lists are shown read-only: they are written through the
  controller's screens (placements.views.contracts), which go through the services.
- Placements, price periods and payments are case data and are not registered, so the admin
  cannot bypass the access module (the same rule as socialtjanst.admin).
"""

from django.contrib import admin

from socialtjanst.admin import admin_site

from .models import Agreement, AgreementPrice, CareType, FosterCareRate, Provider


@admin.register(CareType, site=admin_site)
class CareTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "regime", "target_group", "is_24h", "pricing_unit", "activity_code",
                    "requires_ivo_check", "active")
    list_filter = ("regime", "target_group", "pricing_unit", "active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # placements refer to it; deactivate instead


@admin.register(FosterCareRate, site=admin_site)
class FosterCareRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "age_band", "fee", "expenses", "note")
    list_filter = ("age_band",)
    ordering = ("-valid_from", "age_band")

    def has_change_permission(self, request, obj=None):
        return False  # a new level is a new row

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementPriceInline(admin.TabularInline):
    model = AgreementPrice
    extra = 0
    fields = ("care_type", "valid_from", "daily_price")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Provider, site=admin_site)
class ProviderAdmin(_ReadOnlyAdmin):
    list_display = ("name", "org_number", "code", "ivo_permit", "ivo_permit_valid_until")
    search_fields = ("name", "org_number", "code")


@admin.register(Agreement, site=admin_site)
class AgreementAdmin(_ReadOnlyAdmin):
    list_display = ("reference", "provider", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("reference", "provider__name")
    inlines = [AgreementPriceInline]
