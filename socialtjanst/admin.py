"""One admin site, for configuration only: users, groups, units. Case data is not
registered here, so the admin cannot bypass the access module."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from .models import Unit, UnitMembership


class IfoAdminSite(admin.AdminSite):
    site_header = "IFO-stöd – administration"
    site_title = "IFO-stöd"
    index_title = "Systemförvaltning"


admin_site = IfoAdminSite(name="admin")


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit, site=admin_site)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "target_group", "is_intake")
    search_fields = ("code", "name")


class IfoUserAdmin(UserAdmin):
    inlines = [UnitMembershipInline]


admin_site.register(User, IfoUserAdmin)
admin_site.register(Group, GroupAdmin)
