"""Production settings require two-factor; only an explicit IFO_REQUIRE_2FA=0 turns it off."""

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0", "SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://x@127.0.0.1:1/x",
    "REDIS_URL": "redis://127.0.0.1:1/0", "ALLOWED_HOSTS": "ifo.kommun.se",
}


def run_settings(extra: dict, code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh process with production's environment (plus `extra`), as a server would start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IFO_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION_ENV, **extra})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def read_setting(extra: dict) -> str:
    code = "from django.conf import settings; print(settings.IFO_REQUIRE_2FA, settings.MIDDLEWARE.index(" \
           "'socialtjanst.two_factor_middleware.TwoFactorRequiredMiddleware') > settings.MIDDLEWARE.index(" \
           "'django_otp.middleware.OTPMiddleware'))"
    done = run_settings(extra, code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "True True"),
    ({"DJANGO_DEBUG": "1"}, "True True"),  # development too, unless said otherwise
    ({"IFO_REQUIRE_2FA": "1"}, "True True"),
    ({"IFO_REQUIRE_2FA": "0"}, "False True"),
])
def test_two_factor_is_required_unless_turned_off_explicitly(extra, expected):
    assert read_setting(extra) == expected
