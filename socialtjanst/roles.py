"""The four roles of shared/domain.md §1, as Django groups."""

from django.db import models


class Role(models.TextChoices):
    HANDLAGGARE = "Handläggare", "Handläggare"
    ENHETSCHEF = "Enhetschef", "Enhetschef"
    CONTROLLER = "Controller", "Controller"
    SYSTEMFORVALTARE = "Systemförvaltare", "Systemförvaltare"


# Roles that work with case content in their own units.
CASE_ROLES = frozenset({Role.HANDLAGGARE, Role.ENHETSCHEF})

# Placements: handläggare and enhetschef register placements, prices and familjehem payments, and may
# look up providers and agreements (kept by the controller).
PLACEMENT_CASE_PERMISSIONS = [
    "placements.view_placement", "placements.add_placement", "placements.change_placement",
    "placements.view_priceperiod", "placements.add_priceperiod", "placements.change_priceperiod",
    "placements.view_fostercarepayment", "placements.add_fostercarepayment",
    "placements.change_fostercarepayment", "placements.delete_fostercarepayment",
    "placements.view_provider", "placements.view_agreement", "placements.view_agreementprice",
]

# The indicator register (socialtjanst.followup.indicators): enhetschef and controller read and keep it.
INDICATOR_PERMISSIONS = [
    "socialtjanst.view_indicator", "socialtjanst.add_indicator", "socialtjanst.change_indicator",
    "socialtjanst.view_indicatorvalue", "socialtjanst.add_indicatorvalue", "socialtjanst.change_indicatorvalue",
    "socialtjanst.view_indicatorcomment", "socialtjanst.add_indicatorcomment",
]

# Monthly follow-up: the controller closes months, keeps the forecast and reads the facts.
# Reopening a closed month (budget.reopen_monthclosing) is never part of a role: it is granted per user.
FOLLOWUP_CONTROLLER_PERMISSIONS = [
    "budget.view_monthlyfact", "budget.view_monthclosing", "budget.add_monthclosing",
    "budget.view_forecastline", "budget.view_forecastadjustment", "budget.add_forecastadjustment",
]

# Permissions (app_label.codename) each role's group holds. Kept here so the demo
# loader and the tests agree on one definition.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HANDLAGGARE: [
        "socialtjanst.view_person", "socialtjanst.add_person", "socialtjanst.change_person",
        "socialtjanst.view_case", "socialtjanst.add_case", "socialtjanst.change_case",
        *PLACEMENT_CASE_PERMISSIONS,
    ],
    Role.ENHETSCHEF: [
        "socialtjanst.view_person", "socialtjanst.add_person", "socialtjanst.change_person",
        "socialtjanst.view_case", "socialtjanst.add_case", "socialtjanst.change_case",
        "socialtjanst.view_accessevent",
        "socialtjanst.view_controlround", "socialtjanst.add_controlround",
        *INDICATOR_PERMISSIONS,
        *PLACEMENT_CASE_PERMISSIONS,
    ],
    Role.CONTROLLER: [
        *FOLLOWUP_CONTROLLER_PERMISSIONS,
        *INDICATOR_PERMISSIONS,
        "placements.view_placement",
        "placements.view_provider", "placements.add_provider", "placements.change_provider",
        "placements.view_agreement", "placements.add_agreement", "placements.change_agreement",
        "placements.view_agreementprice", "placements.add_agreementprice", "placements.change_agreementprice",
        "placements.view_caretype", "placements.add_caretype", "placements.change_caretype",
        # Fakturakontroll (placements.invoices): the controller enters a provider's invoice per placement.
        "placements.view_invoicecheck", "placements.add_invoicecheck", "placements.change_invoicecheck",
        "placements.view_invoiceline", "placements.add_invoiceline", "placements.change_invoiceline",
        # Budgets, their monthly profiles, cost centres and the care type → cost centre mapping (budget app).
        "budget.view_budget", "budget.add_budget", "budget.change_budget",
        "budget.view_budgetmonthshare", "budget.add_budgetmonthshare", "budget.change_budgetmonthshare",
        "budget.view_costcentre", "budget.add_costcentre", "budget.change_costcentre",
        "budget.view_costcentremapping", "budget.add_costcentremapping", "budget.change_costcentremapping",
    ],
    Role.SYSTEMFORVALTARE: [
        "socialtjanst.view_unit", "socialtjanst.add_unit", "socialtjanst.change_unit",
        "socialtjanst.view_unitmembership", "socialtjanst.add_unitmembership",
        "socialtjanst.change_unitmembership", "socialtjanst.delete_unitmembership",
        "auth.view_user", "auth.add_user", "auth.change_user",
        "auth.view_group",
        # which identity at the municipality's IdP logs in as an account (socialtjanst.oidc_identity)
        "socialtjanst.view_externalidentity", "socialtjanst.add_externalidentity",
        "socialtjanst.change_externalidentity", "socialtjanst.delete_externalidentity",
        "placements.view_caretype", "placements.change_caretype",
        "placements.view_fostercarerate", "placements.add_fostercarerate",
        # SKR's familjehem rule (placements/skr.py): the reference data per year and the omkostnad bands
        "placements.view_pricebaseamount", "placements.add_pricebaseamount", "placements.change_pricebaseamount",
        "placements.view_fostercarefeelevel", "placements.add_fostercarefeelevel",
        "placements.change_fostercarefeelevel",
        "placements.view_expensesband", "placements.add_expensesband", "placements.change_expensesband",
    ],
}

# Seeing a protected person's identity is never part of a role: it is granted per user.
PROTECTED_IDENTITY_PERMISSION = "socialtjanst.view_protected_identity"
# Granting it is a permission of its own, never part of a role, held by someone who does not administer
# accounts (socialtjanst.grants); account administrators can neither grant these nor touch their holders.
GRANT_PROTECTED_IDENTITY_PERMISSION = "socialtjanst.grant_protected_identity"
SENSITIVE_PERMISSIONS = (PROTECTED_IDENTITY_PERMISSION, GRANT_PROTECTED_IDENTITY_PERMISSION)


def role_groups_sync(apps=None) -> dict:
    """The four role groups, each holding exactly the permissions of ROLE_PERMISSIONS; returns {role: group}.

    The one place the groups are written: migration 0011 calls it with its historical `apps`, so `migrate`
    on an empty database gives the groups, and the demo loader and the test factories call it with the
    live registry. Django creates permission rows only in post_migrate, after every migration has run, so
    this creates the ones it needs first (by the same natural keys Django uses, so post_migrate later
    finds them and adds no duplicates). Idempotent: a second call changes nothing. A change to
    ROLE_PERMISSIONS reaches an installed database through a new migration that calls this again.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    needed = {tuple(dotted.split(".")) for names in ROLE_PERMISSIONS.values() for dotted in names}

    def existing() -> dict:
        rows = permission_model.objects.filter(codename__in={codename for _, codename in needed})
        return {(p.content_type.app_label, p.codename): p for p in rows.select_related("content_type")}

    permissions = existing()
    if needed - permissions.keys():
        # Django's own rows and names ('Can view placering') for every model this state knows.
        for app_config in global_apps.get_app_configs():
            create_permissions(app_config, verbosity=0, apps=apps)
        permissions = existing()
    for app_label, codename in sorted(needed - permissions.keys()):
        # A model this (historical) state does not have yet: the row its own post_migrate would make, named from
        # the model in the code (only a label: post_migrate never renames an existing row).
        action, model_name = codename.split("_", 1)
        try:
            verbose_name = global_apps.get_model(app_label, model_name)._meta.verbose_name_raw
        except LookupError:
            verbose_name = model_name
        content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model_name)
        permissions[app_label, codename], _ = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": f"Can {action} {verbose_name}"}
        )
    groups = {}
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=str(role))
        group.permissions.set([permissions[tuple(dotted.split("."))] for dotted in dotted_names])
        groups[role] = group
    return groups
