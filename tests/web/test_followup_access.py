"""Who may open a follow-up is one rule (access.may_view_followup): the deadline report, the intake
statistics and the indicators agree on it."""

import pytest
from django.contrib.auth.models import Group, Permission

from socialtjanst.roles import Role
from tests.conftest import login

PAGES = ["/uppfoljning/frister/", "/uppfoljning/anmalningar/", "/indikatorer/"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_an_enhetschef_without_view_case_opens_no_follow_up_and_with_it_every_one(page, enhetschef, controller):
    assert login(enhetschef).get(page).status_code == 200
    assert login(controller).get(page).status_code == 200
    Group.objects.get(name=Role.ENHETSCHEF).permissions.remove(
        Permission.objects.get(content_type__app_label="socialtjanst", codename="view_case"))
    assert login(enhetschef).get(page).status_code == 404
