"""The client address in the access log: the connection's own, or the nearest forwarded address when
the connection comes from a trusted reverse proxy. A forwarded header from anyone else is ignored."""

import pytest
from django.test import Client

from socialtjanst.models import AccessEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _logged_ip(client, case) -> str:
    assert client.get(case.get_absolute_url()).status_code == 200
    return AccessEvent.objects.filter(object_type="Case", object_id=case.pk).latest("pk").client_ip


@pytest.mark.parametrize(("remote", "forwarded", "logged"), [
    ("10.0.0.9", "", "10.0.0.9"),
    ("10.0.0.9", "203.0.113.7", "10.0.0.9"),  # not a trusted proxy: the header is forged or irrelevant
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
    ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the nearest hop the proxy saw
    ("127.0.0.1", "203.0.113.7, 127.0.0.1", "203.0.113.7"),
    ("127.0.0.1", "inte-en-adress", "127.0.0.1"),
])
def test_the_access_log_records_the_client_behind_a_trusted_proxy(settings, handlaggare, own_case,
                                                                  remote, forwarded, logged):
    settings.TRUSTED_PROXY_IPS = frozenset({"127.0.0.1"})
    client = login(handlaggare)
    client.defaults.update(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert _logged_ip(client, own_case) == logged


def test_without_trusted_proxies_the_header_is_ignored(handlaggare, own_case):
    client: Client = login(handlaggare)
    client.defaults.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _logged_ip(client, own_case) == "127.0.0.1"
