"""A signed-in user's roles, units and permissions are read in one statement (access.load_user_access, run by
UserAccessMiddleware before the view): the same sets as Django's ModelBackend and the separate statements gave,
and a page asks the database for them once."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socialtjanst import access
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def _as_django_reads_them(user) -> tuple[frozenset, frozenset, set]:
    user = _fresh(user)
    return (frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True)),
            frozenset(user.unitmembership_set.values_list("unit_id", flat=True)),
            ModelBackend().get_all_permissions(user))


def test_roles_units_and_permissions_equal_djangos_own_in_one_statement(units):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"], units["other"]])
    user.groups.add(Group.objects.get(name=Role.ENHETSCHEF), Group.objects.create(name="Inte en roll"))
    # One permission the user's groups also give (counted once), one only the user has.
    user.user_permissions.add(Permission.objects.get(codename="view_accessevent"),
                              Permission.objects.get(codename="view_provider"))
    roles, unit_ids, perms = _as_django_reads_them(user)
    assert roles == {Role.HANDLAGGARE, Role.ENHETSCHEF} and unit_ids == {units["own"].pk, units["other"].pk}
    assert {"socialtjanst.view_accessevent", "placements.view_provider", "socialtjanst.view_case"} <= perms

    user = _fresh(user)
    with CaptureQueriesContext(connection) as captured:
        access.load_user_access(user)
        assert access.user_roles(user) == roles
        assert access.user_unit_ids(user) == unit_ids
        assert user.get_all_permissions() == perms
        assert user.has_perm("placements.view_provider") and not user.has_perm("auth.delete_user")
    assert len(captured) == 1


def test_a_superusers_and_an_inactive_users_permissions_stay_djangos(units):
    boss = UserFactory(username="root", units=[units["own"]])
    boss.is_superuser = True
    boss.save()
    boss = _fresh(boss)
    access.load_user_access(boss)
    assert boss.has_perm("auth.delete_user")  # every permission, as ModelBackend gives a superuser

    gone = UserFactory(username="slutat", role=Role.HANDLAGGARE, units=[units["own"]])
    gone.is_active = False
    gone.save()
    gone = _fresh(gone)
    access.load_user_access(gone)
    assert not gone.has_perm("socialtjanst.view_case") and gone.get_all_permissions() == set()


def test_a_page_reads_the_users_access_once(units):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = login(user)
    client.get("/arenden/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/arenden/").status_code == 200
    access_reads = [q["sql"] for q in captured if any(
        table in q["sql"] for table in ('"auth_group"', '"auth_permission"', '"socialtjanst_unitmembership"'))]
    assert len(access_reads) == 1, access_reads
