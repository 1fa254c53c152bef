"""One admin site, for configuration only: users, groups, units. Case data is not
registered here, so the admin cannot bypass the access module."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from . import grants, two_factor
from .forms_login import AdminLoginForm
from .models import ExternalIdentity, Unit, UnitMembership

TWO_FACTOR_RESET_DONE = ("Tvåstegsverifieringen är återställd för {count} konto(n); de aktiverar den vid nästa "
                         "inloggning.")


class IfoAdminSite(admin.AdminSite):
    site_header = "IFO-stöd – administration"
    site_title = "IFO-stöd"
    index_title = "Systemförvaltning"
    login_form = AdminLoginForm


admin_site = IfoAdminSite(name="admin")


class NotOnOneselfInline(admin.TabularInline):
    """Nobody widens their own reach: a systemförvaltare cannot add themselves to units or link their own
    account to another identity."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _is_self(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _is_self(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _is_self(request, obj)


class UnitMembershipInline(NotOnOneselfInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


class ExternalIdentityInline(NotOnOneselfInline):
    """The account's identity at the municipality's IdP: a log-in through it reaches only such an account."""

    model = ExternalIdentity
    extra = 1
    fields = ("issuer", "subject")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            # A tabular inline labels its columns, not its inputs: a screen reader needs each input's name.
            field.widget.attrs["aria-label"] = str(field.label)
        if db_field.name == "issuer" and field is not None:
            field.initial = settings.OIDC_ISSUER  # an untouched extra row stays unsaved
        return field


def _is_self(request, obj) -> bool:
    return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser


@admin.register(Unit, site=admin_site)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "target_group", "is_intake")
    search_fields = ("code", "name")


class IfoUserAdmin(UserAdmin):
    """Systemförvaltare administer users, but cannot raise their own rights (groups, permissions such
    as seeing protected identities, staff or active flags), make anyone a superuser, or edit a superuser."""

    inlines = [UnitMembershipInline, ExternalIdentityInline]
    actions = ["two_factor_reset"]
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
        # Four eyes (socialtjanst.grants): once an account may see protected identities, its administrator
        # can no longer set its password, units or groups, or they could log in as it.
        if obj is not None and not request.user.is_superuser and grants.holds_sensitive_permission(obj):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Neither the protected-identity permission nor a group carrying it can be given here."""
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if not request.user.is_superuser and field is not None:
            sensitive = grants.sensitive_permissions()
            if db_field.name == "user_permissions":
                field.queryset = field.queryset.exclude(pk__in=sensitive)
            elif db_field.name == "groups":
                field.queryset = field.queryset.exclude(permissions__in=sensitive)
        return field

    # --- every change of what an account may reach is a `grant` row in the access log ---

    @staticmethod
    def _reach(user) -> dict[str, set[str]]:
        if user.pk is None:
            return {"grupper": set(), "behörigheter": set(), "enheter": set(), "externa identiteter": set()}
        return {
            "grupper": set(user.groups.values_list("name", flat=True)),
            "behörigheter": {f"{a}.{c}" for a, c in user.user_permissions.values_list(
                "content_type__app_label", "codename")},
            "enheter": set(UnitMembership.objects.filter(user=user).values_list("unit__code", flat=True)),
            "externa identiteter": {f"{s} ({i})" for i, s in ExternalIdentity.objects.filter(user=user).values_list(
                "issuer", "subject")},
        }

    def save_model(self, request, obj, form, change):
        request._ifo_reach_before = self._reach(User.objects.get(pk=obj.pk)) if change else self._reach(User())
        super().save_model(request, obj, form, change)
        if not change:
            grants.audit_grant(by=request.user, user=obj, change="konto skapat med lösenord")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, after = request._ifo_reach_before, self._reach(form.instance)
        for kind in before:
            for name in sorted(after[kind] - before[kind]):
                grants.audit_grant(by=request.user, user=form.instance, change=f"{kind}: tillagd", detail=name)
            for name in sorted(before[kind] - after[kind]):
                grants.audit_grant(by=request.user, user=form.instance, change=f"{kind}: borttagen", detail=name)

    @admin.action(description="Återställ tvåstegsverifiering", permissions=["change"])
    def two_factor_reset(self, request, queryset):
        """A lost phone: the account's devices and recovery codes go (an access-log row each)."""
        users = [u for u in queryset if self.has_change_permission(request, u)]
        for user in users:
            two_factor.two_factor_reset(user=user, by=request.user)
        self.message_user(request, TWO_FACTOR_RESET_DONE.format(count=len(users)))

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            grants.audit_grant(by=request.user, user=User.objects.get(pk=id), change="lösenord satt")
        return response


admin_site.register(User, IfoUserAdmin)
admin_site.register(Group, GroupAdmin)
