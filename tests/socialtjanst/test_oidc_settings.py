"""The IdP is reached over https in production; OIDC is off until configured."""

from tests.socialtjanst.test_two_factor_settings import run_settings


def test_production_refuses_an_idp_over_plain_http():
    done = run_settings({"IFO_OIDC_ISSUER": "http://idp.kommun.se", "IFO_OIDC_CLIENT_ID": "ifo"},
                        "from django.conf import settings; settings.OIDC_ISSUER")
    assert done.returncode == 1
    assert "IFO_OIDC_ISSUER och IFO_OIDC_DISCOVERY_URL måste börja med https:// i produktion." in done.stderr


def test_production_takes_an_idp_over_https_and_lets_its_origin_receive_the_log_out_form():
    done = run_settings({"IFO_OIDC_ISSUER": "https://idp.kommun.se/realms/ifo/", "IFO_OIDC_CLIENT_ID": "ifo"},
                        "from django.conf import settings; print(settings.OIDC_ISSUER, "
                        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])")
    assert done.stdout.strip() == "https://idp.kommun.se/realms/ifo [\"'self'\", 'https://idp.kommun.se']"
