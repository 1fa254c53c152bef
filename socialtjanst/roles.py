"""The four roles of shared/domain.md §1, as Django groups."""

from django.db import models


class Role(models.TextChoices):
    HANDLAGGARE = "Handläggare", "Handläggare"
    ENHETSCHEF = "Enhetschef", "Enhetschef"
    CONTROLLER = "Controller", "Controller"
    SYSTEMFORVALTARE = "Systemförvaltare", "Systemförvaltare"


# Roles that work with case content in their own units.
CASE_ROLES = frozenset({Role.HANDLAGGARE, Role.ENHETSCHEF})

# Permissions (app_label.codename) each role's group holds. Kept here so the demo
# loader and the tests agree on one definition.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HANDLAGGARE: [
        "socialtjanst.view_person", "socialtjanst.add_person", "socialtjanst.change_person",
        "socialtjanst.view_case", "socialtjanst.add_case", "socialtjanst.change_case",
    ],
    Role.ENHETSCHEF: [
        "socialtjanst.view_person", "socialtjanst.add_person", "socialtjanst.change_person",
        "socialtjanst.view_case", "socialtjanst.add_case", "socialtjanst.change_case",
        "socialtjanst.view_accessevent",
    ],
    Role.CONTROLLER: [],
    Role.SYSTEMFORVALTARE: [
        "socialtjanst.view_unit", "socialtjanst.add_unit", "socialtjanst.change_unit",
        "socialtjanst.view_unitmembership", "socialtjanst.add_unitmembership",
        "socialtjanst.change_unitmembership", "socialtjanst.delete_unitmembership",
        "auth.view_user", "auth.add_user", "auth.change_user",
        "auth.view_group",
    ],
}

# Seeing a protected person's identity is never part of a role: it is granted per user.
PROTECTED_IDENTITY_PERMISSION = "socialtjanst.view_protected_identity"
