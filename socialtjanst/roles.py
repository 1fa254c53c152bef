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

# The indicator register (socialtjanst.indicators): enhetschef and controller read and keep it.
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
        "placements.view_caretype", "placements.change_caretype",
        "placements.view_fostercarerate", "placements.add_fostercarerate",
    ],
}

# Seeing a protected person's identity is never part of a role: it is granted per user.
PROTECTED_IDENTITY_PERMISSION = "socialtjanst.view_protected_identity"
# Granting it is a permission of its own, never part of a role, held by someone who does not administer
# accounts (socialtjanst.grants); account administrators can neither grant these nor touch their holders.
GRANT_PROTECTED_IDENTITY_PERMISSION = "socialtjanst.grant_protected_identity"
SENSITIVE_PERMISSIONS = (PROTECTED_IDENTITY_PERMISSION, GRANT_PROTECTED_IDENTITY_PERMISSION)
