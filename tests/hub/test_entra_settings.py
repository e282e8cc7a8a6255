"""The Entra ID settings file of `familyservice-nb hub --entra CONFIG` (familyservice_nb/hub/entra.py): a good file
is read into oauthenticator's settings with the callback URL built from it, each wrong field is refused at the
start in a sentence naming it, and the workbook's decisions on an ID token's claims. (Sign-in through a real hub,
with a stand-in for Microsoft's endpoints on loopback: tests/browser/test_hub_entra.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyservice_nb.hub.entra import (
    NO_LOGIN,
    NOT_IN_GROUP,
    OTHER_DOMAIN,
    OTHER_TENANT,
    TOO_MANY_GROUPS,
    EntraProblem,
    EntraRefusal,
    EntraSettings,
)

ROOT = Path(__file__).resolve().parents[2]
TENANT = "8f3c2a10-5b7d-4e21-9c4a-0d1e2f3a4b5c"
CLIENT = "1a2b3c4d-0000-4000-8000-123456789abc"
GROUP = "5e6f7a8b-1111-4222-8333-abcdefabcdef"
SECRET = "the-apps-client-secret~value"
GOOD = {
    "tenant_id": f'"{TENANT}"',
    "client_id": f'"{CLIENT.upper()}"',
    "client_secret_file": '"client-secret"',
    "public_url": '"https://workbook.council.gov.uk/"',
    "login_domain": '"Council.gov.uk"',
    "allowed_group": f'"{GROUP}"',
}


def write(folder: Path, **fields) -> Path:
    secret = folder / "client-secret"
    secret.write_text(SECRET + "\n")
    os.chmod(secret, 0o600)
    values = {**GOOD, **fields}
    path = folder / "entra.toml"
    path.write_text("".join(f"{k} = {v}\n" for k, v in values.items() if v is not None))
    return path


def refusal(folder: Path, **fields) -> str:
    with pytest.raises(EntraProblem) as refused:
        EntraSettings.load(write(folder, **fields))
    return str(refused.value)


def test_a_good_file_is_read_and_the_callback_url_is_built_from_the_public_address(tmp_path):
    settings = EntraSettings.load(write(tmp_path))
    assert settings.client_id == CLIENT  # GUIDs compared as Entra ID writes them, in lower case
    assert settings.callback_url == "https://workbook.council.gov.uk/hub/oauth_callback"
    assert settings.authorize_url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize"
    assert settings.token_url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert (settings.username_claim, settings.login_domain) == ("preferred_username", "council.gov.uk")
    config = settings.authenticator_config()
    assert config["client_secret"] == SECRET and config["oauth_callback_url"] == settings.callback_url
    assert config["enable_pkce"] is True and "openid" in config["scope"]
    government = EntraSettings.load(write(tmp_path, authority='"https://login.microsoftonline.us"'))
    assert government.authorize_url.startswith("https://login.microsoftonline.us/")


def test_oauthenticator_takes_the_settings_and_sends_people_to_microsoft_with_the_callback(tmp_path):
    """The hub's own authenticator class, configured from the file as jupyterhub_config.py does."""
    from traitlets.config import Config

    from familyservice_nb.hub.entra_signin import EntraAuthenticator, entra_config

    config = Config()
    for name, value in entra_config(str(write(tmp_path))).items():
        setattr(config.EntraAuthenticator, name, value)
    authenticator = EntraAuthenticator(config=config)
    assert authenticator.get_callback_url() == "https://workbook.council.gov.uk/hub/oauth_callback"
    assert authenticator.authorize_url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize"
    assert authenticator.client_secret == SECRET and authenticator.tenant_id == TENANT
    assert authenticator.login_url("/hub/") == "/hub/oauth_login"
    assert authenticator.normalize_username("Jane.Smith") == "Jane.Smith"  # the staff list's spelling stands


@pytest.mark.parametrize(("fields", "said"), [
    ({"tenant_id": None}, "has no `tenant_id`"),
    ({"tenant_id": '"council.onmicrosoft.com"'}, "`tenant_id` must be a GUID"),
    ({"client_id": '"workbook"'}, "`client_id` must be a GUID"),
    ({"client_secret_file": None}, "has no `client_secret_file`"),
    ({"client_secret_file": '"missing"'}, "`client_secret_file` names"),
    ({"public_url": None}, "has no `public_url`"),
    ({"public_url": '"http://workbook.council.gov.uk"'}, "`public_url` must start https://"),
    ({"public_url": '"workbook.council.gov.uk"'}, "`public_url` must be an address starting https://"),
    ({"authority": '"http://login.microsoftonline.com"'}, "`authority` must start https://"),
    ({"allowed_group": '"Family Service Workbook"'}, "`allowed_group` must be the group's Object ID"),
    ({"username_claim": '"upn email"'}, "`username_claim` must be a claim's name"),
    ({"login_domain": '"council"'}, "`login_domain` must be a domain"),
    ({"client_secret": '"in-the-file"'}, "the field `client_secret` is not one the workbook knows"),
])
def test_each_wrong_field_is_named(tmp_path, fields, said):
    assert said in refusal(tmp_path, **fields)


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    path = write(tmp_path)
    os.chmod(tmp_path / "client-secret", 0o640)
    with pytest.raises(EntraProblem, match=r"`client_secret_file` .* others can read \(mode 0640\): keep it"):
        EntraSettings.load(path)


def test_plain_http_is_allowed_only_on_this_computers_loopback_address(tmp_path):
    settings = EntraSettings.load(write(tmp_path, public_url='"http://127.0.0.1:8000"',
                                        authority='"http://127.0.0.1:9000"'))
    assert settings.callback_url == "http://127.0.0.1:8000/hub/oauth_callback"
    assert settings.token_url == f"http://127.0.0.1:9000/{TENANT}/oauth2/v2.0/token"


# -- the workbook's decisions on a signed-in person's claims ------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    return EntraSettings.load(write(tmp_path))


def claims(**more):
    return {"tid": TENANT, "preferred_username": "Jane.Smith@council.gov.uk", "groups": [GROUP.upper()], **more}


def refused(settings, claims_) -> str:
    with pytest.raises(EntraRefusal) as refusal_:
        settings.login_from(claims_)
    assert refusal_.value.status == 403
    return str(refusal_.value)


def test_a_council_account_in_the_group_signs_in_as_its_login_without_the_domain(settings):
    assert settings.login_from(claims()) == "Jane.Smith"  # the staff list's spelling is found after, in any case


def test_each_refusal_is_said_in_words(settings):
    assert refused(settings, claims(tid="00000000-0000-0000-0000-000000000000")) == OTHER_TENANT
    assert refused(settings, claims(tid=None)) == OTHER_TENANT
    assert refused(settings, claims(preferred_username="jane@gmail.com")) == OTHER_DOMAIN.format(
        login="jane@gmail.com", domain="council.gov.uk")
    assert refused(settings, claims(preferred_username="jane.smith")) == OTHER_DOMAIN.format(
        login="jane.smith", domain="council.gov.uk")
    assert refused(settings, claims(preferred_username="")) == NO_LOGIN.format(claim="preferred_username")
    assert refused(settings, claims(groups=["5e6f7a8b-1111-4222-8333-000000000000"])) == NOT_IN_GROUP.format(
        login="Jane.Smith")
    assert refused(settings, claims(groups=None)) == NOT_IN_GROUP.format(login="Jane.Smith")
    overage = claims(groups=None, _claim_names={"groups": "src1"})
    assert refused(settings, overage) == TOO_MANY_GROUPS.format(login="Jane.Smith")


def test_without_a_domain_or_a_group_the_claim_is_the_login_and_the_staff_list_decides(tmp_path):
    open_settings = EntraSettings.load(write(tmp_path, login_domain=None, allowed_group=None,
                                             username_claim='"upn"'))
    assert open_settings.login_from({"tid": TENANT, "upn": " jsmith "}) == "jsmith"


@given(user=st.text(min_size=1, max_size=40).filter(lambda s: "@" not in s and s.strip() == s and s),
       domain=st.sampled_from(["council.gov.uk", "COUNCIL.GOV.UK", "gmail.com", "council.gov.uk.evil.example"]))
def test_only_the_councils_own_domain_is_taken_off_and_let_in(user, domain):
    settings = EntraSettings(tenant_id=TENANT, client_id=CLIENT, client_secret_file=Path("/nonexistent"),
                             public_url="https://workbook.council.gov.uk", login_domain="council.gov.uk")
    signed_in = {"tid": TENANT, "preferred_username": f"{user}@{domain}"}
    if domain.lower() == "council.gov.uk":
        assert settings.login_from(signed_in) == user
    else:
        with pytest.raises(EntraRefusal):
            settings.login_from(signed_in)


def test_the_hub_refuses_a_wrong_file_and_a_second_sign_in_at_its_start_in_a_sentence(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_DATABASE_URL", "FSNB_DEMO_PASSWORD")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    db = ["--db", "postgresql+psycopg://fsnb@127.0.0.1:1/nowhere"]
    wrong = subprocess.run([sys.executable, "-m", "familyservice_nb", "hub", "--entra",
                            str(write(tmp_path, tenant_id='"council"')), *db],
                           capture_output=True, text=True, env=env, timeout=120)
    assert wrong.returncode == 2, wrong.stderr
    assert "`tenant_id` must be a GUID" in wrong.stderr and "Traceback" not in wrong.stderr
    both = subprocess.run([sys.executable, "-m", "familyservice_nb", "hub", "--ldap", "directory.toml", "--entra",
                           str(write(tmp_path)), *db], capture_output=True, text=True, env=env, timeout=120)
    assert both.returncode == 2 and "Choose one sign-in, not --ldap and --entra" in both.stderr


def documented_settings(first_field: str) -> str:
    """The documentation's example settings file that starts with `first_field` (README.md or docs/)."""
    import re

    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"```toml\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
            if block.startswith(first_field):
                return block
    raise AssertionError(f"no documented settings file starting with {first_field}")


@pytest.mark.parametrize("kind", ["entra", "ldap"])
def test_the_documented_settings_files_load_once_the_councils_own_values_are_put_in(tmp_path, kind):
    """What the documentation shows an IT team is a file the hub accepts, with only its placeholders and
    paths changed."""
    import re

    from familyservice_nb.hub.directory import DirectorySettings

    write(tmp_path)  # the secret file
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    block = documented_settings("tenant_id" if kind == "entra" else "server")
    block = re.sub(r'"/etc/familyservice-nb/[^"]*(password|secret)"', '"client-secret"', block)
    block = re.sub(r'"/etc/familyservice-nb/[^"]*\.pem"', '"ca.pem"', block)
    block = re.sub(r'"<[^>]*>"', lambda _m: f'"{GROUP}"', block)  # each GUID the council's portal shows
    path = tmp_path / "documented.toml"
    path.write_text(block)
    loaded = (EntraSettings if kind == "entra" else DirectorySettings).load(path)
    if kind == "entra":
        assert loaded.callback_url == "https://workbook.council.gov.uk/hub/oauth_callback"
        assert loaded.login_from({"tid": GROUP, "preferred_username": "jane.smith@council.gov.uk",
                                  "groups": [GROUP]}) == "jane.smith"
    else:
        assert loaded.user_attribute == "sAMAccountName" and loaded.check_every_seconds == 300
