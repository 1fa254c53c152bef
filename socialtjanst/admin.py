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

    # Nobody widens their own reach: a systemförvaltare cannot add themselves to units.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _is_self(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _is_self(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _is_self(request, obj)


def _is_self(request, obj) -> bool:
    return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser


@admin.register(Unit, site=admin_site)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "target_group", "is_intake")
    search_fields = ("code", "name")


class IfoUserAdmin(UserAdmin):
    """Systemförvaltare administer users, but cannot raise their own rights (groups, permissions such
    as seeing protected identities, staff or active flags), make anyone a superuser, or edit a superuser."""

    inlines = [UnitMembershipInline]
    SELF_LOCKED = ("groups", "user_permissions", "is_staff", "is_active", "is_superuser")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if _is_self(request, obj):
                fields += [f for f in self.SELF_LOCKED if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


admin_site.register(User, IfoUserAdmin)
admin_site.register(Group, GroupAdmin)
