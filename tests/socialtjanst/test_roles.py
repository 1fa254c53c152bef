"""The role groups have one definition (socialtjanst.roles.ROLE_PERMISSIONS) and come from migration 0011."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from socialtjanst import roles
from socialtjanst.demo import ensure_roles
from socialtjanst.roles import Role, role_groups_sync


def _group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}"
                     for p in group.permissions.select_related("content_type")}
        for group in Group.objects.filter(name__in=Role.values)
    }


@pytest.mark.django_db
def test_the_migrated_database_has_the_four_role_groups_without_any_loader():
    # Nothing in this test creates groups: the test database is built by `migrate` alone.
    assert _group_permissions() == {role: set(perms) for role, perms in roles.ROLE_PERMISSIONS.items()}
    assert len(_group_permissions()["Handläggare"]) == 19
    assert "placements.view_placement" in _group_permissions()["Controller"]
    # Django's own name, not a stand-in: the migration made the rows from the models of its state.
    assert Permission.objects.get(codename="view_placement").name == "Can view placering"


@pytest.mark.django_db
def test_every_role_permission_has_djangos_own_name():
    # Also those of models that migrate after 0011 (their rows are made by 0011 before their tables exist).
    names = {(p.codename, p.name, p.content_type.model_class()._meta.verbose_name_raw)
             for p in Permission.objects.filter(group__name__in=Role.values).select_related("content_type")}
    assert {name for codename, name, _ in names} == {
        f"Can {codename.split('_', 1)[0]} {verbose}" for codename, _, verbose in names}


@pytest.mark.django_db
def test_sync_is_idempotent_and_restores_a_removed_permission():
    before = {g.name: g.pk for g in Group.objects.all()}
    controller = Group.objects.get(name=Role.CONTROLLER)
    controller.permissions.remove(Permission.objects.get(codename="view_monthlyfact"))
    controller.permissions.add(Permission.objects.get(codename="delete_case"))

    ensure_roles()
    role_groups_sync()

    assert {g.name: g.pk for g in Group.objects.all()} == before
    assert _group_permissions()["Controller"] == set(roles.ROLE_PERMISSIONS[Role.CONTROLLER])
    assert Permission.objects.filter(codename="view_placement").count() == 1


@pytest.mark.django_db
def test_a_permission_of_a_model_not_yet_migrated_is_created_as_post_migrate_would(monkeypatch):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, Role.CONTROLLER,
                        [*roles.ROLE_PERMISSIONS[Role.CONTROLLER], "placements.view_futurething"])

    role_groups_sync()

    permission = Permission.objects.get(codename="view_futurething")
    assert (permission.content_type.app_label, permission.content_type.model) == ("placements", "futurething")
    assert permission.name == "Can view futurething"
    assert Group.objects.get(name=Role.CONTROLLER).permissions.filter(pk=permission.pk).exists()
    role_groups_sync()
    assert ContentType.objects.filter(app_label="placements", model="futurething").count() == 1
