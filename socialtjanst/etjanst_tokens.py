"""E-tjänst client tokens: only the SHA-256 of a token is stored, so a database dump reveals none."""

import hashlib
import secrets


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)
