"""Sign-in through the municipality's identity provider: OpenID Connect with mozilla-django-oidc.

Configured from the environment (settings: OIDC_ISSUER or OIDC_DISCOVERY_URL, OIDC_RP_CLIENT_ID,
OIDC_RP_CLIENT_SECRET); off when they are not set, and then the log-in page shows only the local form.
The IdP's endpoints come from its discovery document, read once per process. The code flow uses PKCE and a
nonce; the id token's signature (the IdP's JWKS), issuer and audience are checked before its claims are
believed. Which account the claims reach is socialtjanst.oidc_identity's rule.

A log-in through the IdP relies on the IdP's own multi-factor authentication: the session is not asked for
a second factor here (socialtjanst.two_factor).
"""

import logging
import threading
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .oidc_identity import account_for_claims

logger = logging.getLogger(__name__)

BACKEND_PATH = "socialtjanst.oidc.OIDCBackend"
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
REFUSED_IDP_ERROR = "idp_error"
# request attributes socialtjanst.auth_events reads for the access-log row of this log-in
ATTEMPT_ATTRIBUTE = "sign_in_attempt"

_metadata: dict[str, dict] = {}
_metadata_lock = threading.Lock()


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL))


def discovery_url() -> str:
    return settings.OIDC_DISCOVERY_URL or settings.OIDC_ISSUER.rstrip("/") + DISCOVERY_SUFFIX


def provider_metadata() -> dict:
    """The IdP's discovery document (cached per URL for the process). Raises requests' errors when the IdP
    cannot be reached, and ImproperlyConfigured when it names another issuer than IFO_OIDC_ISSUER."""
    url = discovery_url()
    with _metadata_lock:
        cached = _metadata.get(url)
    if cached is not None:
        return cached
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if settings.OIDC_ISSUER and str(document.get("issuer", "")).rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
        raise ImproperlyConfigured(f"IdP:ns issuer {document.get('issuer')!r} är inte IFO_OIDC_ISSUER.")
    with _metadata_lock:
        _metadata[url] = document
    return document


def issuer() -> str:
    return str(provider_metadata()["issuer"]).rstrip("/")


def signed_in_through_idp(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


def end_session_url(*, id_token: str | None, return_to: str) -> str | None:
    """The IdP's end_session address for RP-initiated log-out, or None when it has none."""
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        logger.warning("oidc: discovery failed at log-out; the IdP session is not ended")
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": return_to, "client_id": settings.OIDC_RP_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def _record_attempt(request, *, username: str, account=None, reason: str = "") -> None:
    criteria = {"method": "oidc"}
    if reason:
        criteria["reason"] = reason
    setattr(request, ATTEMPT_ATTRIBUTE, {"username": username, "account": account, "criteria": criteria})


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with endpoints from discovery and our matching rule.

    Django loads every backend for every log-in and every session's user, so nothing here reaches the IdP
    until the OIDC callback calls authenticate() with its nonce and PKCE verifier."""

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802 - the base class's attribute names
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802
        return provider_metadata()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider_metadata()["userinfo_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider_metadata()["jwks_uri"]

    def authenticate(self, request, **kwargs):
        if request is None or not oidc_enabled() or "nonce" not in kwargs or "code_verifier" not in kwargs:
            return None  # a password log-in, or OIDC is off
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation, ImproperlyConfigured):
            # The IdP is away or answered what we cannot trust: a refused log-in, never a 500.
            logger.warning("oidc: the code exchange or token check failed", exc_info=True)
            _record_attempt(request, username="", reason=REFUSED_IDP_ERROR)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # mozilla-django-oidc checks the signature and nonce only; issuer and audience are ours to check.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != issuer() or settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("oidc: the id token names another issuer or audience")
        return payload

    def retrieve_matching_jwk(self, token):
        """The IdP's signing key for `token`: by its `kid`, or the only key of the algorithm when the token
        names none (some IdPs, and the test provider, sign with one key and leave `kid` out)."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", []) if k.get("alg", header.get("alg")) == header.get("alg")
                and k.get("use", "sig") == "sig"]
        if "kid" in header:
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("oidc: no single signing key matches the id token")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("oidc: userinfo names another subject than the id token")
        match = account_for_claims(issuer=payload["iss"], claims=claims)
        username = match.user.get_username() if match.user is not None else str(
            claims.get(settings.OIDC_USER_CLAIM) or "")
        _record_attempt(self.request, username=username, account=match.user, reason=match.refused)
        return None if match.refused else match.user

    def get_user(self, user_id):
        # As ModelBackend: a session of an account deactivated since its log-in ends at its next request.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
