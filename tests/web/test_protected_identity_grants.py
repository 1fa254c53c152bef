"""Issue 12 point 8b: no one person can make an account, open protected identities to it and log in as it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from socialtjanst import grants
from socialtjanst.models import AccessAction, AccessEvent, UnitMembership
from socialtjanst.roles import PROTECTED_IDENTITY_PERMISSION, Role
from tests.conftest import login
from tests.factories import UserFactory
from tests.web.test_admin_rights import _form

pytestmark = pytest.mark.django_db
REASON = "Handlägger ärenden om barn i skyddat boende"


def _protected():
    return Permission.objects.get(codename="view_protected_identity")


def _granter(username="gunnel"):
    user = UserFactory(username=username)
    user.user_permissions.add(Permission.objects.get(codename="grant_protected_identity"))
    return user


def test_a_systemforvaltare_cannot_give_another_account_the_permission(systemforvaltare, handlaggare):
    response = login(systemforvaltare).post(
        f"/admin/auth/user/{handlaggare.pk}/change/", _form(handlaggare, user_permissions=[_protected().pk]))
    assert response.status_code == 200  # the form refuses the choice
    assert "user_permissions" in response.context["adminform"].form.errors
    handlaggare.refresh_from_db()
    assert not handlaggare.has_perm(PROTECTED_IDENTITY_PERMISSION)


def test_nor_a_group_that_carries_it(systemforvaltare, handlaggare):
    group = Group.objects.create(name="Skyddat")
    group.permissions.add(_protected())
    response = login(systemforvaltare).post(
        f"/admin/auth/user/{handlaggare.pk}/change/", _form(handlaggare, groups=[group.pk]))
    assert response.status_code == 200
    assert not handlaggare.groups.filter(pk=group.pk).exists()


def test_once_granted_the_systemforvaltare_cannot_set_its_password_or_units(systemforvaltare, handlaggare, units):
    grants.protected_identity_grant(by=_granter(), user=handlaggare, reason=REASON)
    client = login(systemforvaltare)
    response = client.post(f"/admin/auth/user/{handlaggare.pk}/password/",
                           {"password1": "Ett-nytt-langt-losen-77", "password2": "Ett-nytt-langt-losen-77"})
    assert response.status_code == 403
    handlaggare.refresh_from_db()
    assert not handlaggare.check_password("Ett-nytt-langt-losen-77")
    assert client.post(f"/admin/auth/user/{handlaggare.pk}/change/", _form(handlaggare)).status_code == 403
    assert list(UnitMembership.objects.filter(user=handlaggare).values_list("unit", flat=True)) == [units["own"].pk]


def test_an_account_administrator_cannot_grant_even_holding_the_grant_permission(systemforvaltare, handlaggare):
    systemforvaltare.user_permissions.add(Permission.objects.get(codename="grant_protected_identity"))
    with pytest.raises(PermissionDenied, match=re.escape(grants.ADMINISTRATORS_CANNOT_GRANT)):
        grants.protected_identity_grant(by=systemforvaltare, user=handlaggare, reason=REASON)
    assert not handlaggare.user_permissions.exists()


def test_the_granter_cannot_grant_themselves_nor_an_account_administrator(systemforvaltare):
    granter = _granter()
    with pytest.raises(PermissionDenied, match=grants.NOT_ONESELF):
        grants.protected_identity_grant(by=granter, user=granter, reason=REASON)
    with pytest.raises(PermissionDenied, match=grants.ADMINS_CANNOT_HOLD):
        grants.protected_identity_grant(by=granter, user=systemforvaltare, reason=REASON)
    assert not AccessEvent.objects.filter(action=AccessAction.GRANT).exists()


def test_grants_and_admin_changes_are_listed_in_the_managers_review(systemforvaltare, handlaggare, enhetschef, units):
    group = Group.objects.get(name=Role.ENHETSCHEF)
    login(systemforvaltare).post(f"/admin/auth/user/{handlaggare.pk}/change/", _form(
        handlaggare, groups=[g.pk for g in handlaggare.groups.all()] + [group.pk]))
    login(systemforvaltare).post(f"/admin/auth/user/{handlaggare.pk}/password/",
                                 {"password1": "Ett-nytt-langt-losen-77", "password2": "Ett-nytt-langt-losen-77"})
    grants.protected_identity_grant(by=_granter(), user=handlaggare, reason=REASON)
    response = login(enhetschef).get("/atkomstlogg/?action=grant")
    rows = [(e.username, e.object_id, e.criteria) for e in reversed(response.context["table"].data)]
    assert rows == [
        ("sara", handlaggare.pk, {"konto": "hanna", "ändring": "grupper: tillagd", "detalj": "Enhetschef"}),
        ("sara", handlaggare.pk, {"konto": "hanna", "ändring": "lösenord satt"}),
        ("gunnel", handlaggare.pk, {"konto": "hanna", "ändring": "behörighet tilldelad",
                                    "detalj": "Se skyddade personuppgifter", "skäl": REASON}),
    ]
    assert AccessEvent.objects.filter(action=AccessAction.GRANT, object_unit_ids=[units["own"].pk]).count() == 3
