"""common.links.object_url is reverse() for a URL with one id: the same link for every list's names and ids, also
under another script prefix (a deployment below a path), and a name that takes no id is refused."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from common.links import object_url

NAMES = ["socialtjanst:case_detail", "socialtjanst:case_take", "socialtjanst:person_detail",
         "socialtjanst:intake_detail", "socialtjanst:investigation_detail", "placements:placement_detail"]


@pytest.mark.parametrize("name", NAMES)
def test_the_link_is_reverses(name):
    for pk in (1, 7, 42, 1803, 10**15):
        assert object_url(name, pk) == reverse(name, args=[pk])


def test_below_another_script_prefix_the_link_follows_it():
    try:
        set_script_prefix("/ifo/")
        assert object_url("socialtjanst:case_detail", 12) == reverse("socialtjanst:case_detail", args=[12])
        assert object_url("socialtjanst:case_detail", 12).startswith("/ifo/")
    finally:
        clear_script_prefix()
    assert not object_url("socialtjanst:case_detail", 12).startswith("/ifo/")


def test_a_name_without_an_id_is_refused():
    with pytest.raises(Exception):  # noqa: B017, PT011 - reverse's NoReverseMatch or our ValueError
        object_url("socialtjanst:todo", 1)
