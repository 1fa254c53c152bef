"""A real OpenID Connect provider for the sign-in tests: oidc-provider-mock as its own process on a free
loopback port, and the settings that point the app at it. Import the fixtures into a test module."""

import json
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

CLIENT_ID = "ifo-test"
CLIENT_SECRET = "test-hemlighet"
GROUPS_CLAIM = "groups"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider's issuer URL; predefined users carry a groups claim for the mapping tests."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    users = [{"sub": "ny-handlaggare", GROUPS_CLAIM: ["ifo-handlaggare"]}, {"sub": "utan-grupp", GROUPS_CLAIM: []}]
    with tempfile.TemporaryFile() as log:
        args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port),
                "--require-nonce"]
        for user in users:
            args += ["--user-claims", json.dumps(user)]
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(issuer + "/.well-known/openid-configuration", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("oidc-provider-mock startade inte:\n" + log.read().decode(errors="replace"))
                time.sleep(0.1)
            yield issuer
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def oidc_on(settings, oidc_provider):
    """The app configured for the provider, as IFO_OIDC_* would configure it."""
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_GROUPS_CLAIM = ""
    settings.OIDC_GROUP_ROLE_MAP = ""
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = ["'self'", oidc_provider]  # the log-out's redirect to end_session
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return oidc_provider


def idp_authorize(authorize_url: str, subject: str) -> str:
    """What a person does at the provider: log in as `subject`. Returns the callback address it sends back to."""
    response = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
