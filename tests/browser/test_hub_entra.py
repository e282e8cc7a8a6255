"""Sign-in through Microsoft Entra ID: `familyservice-nb hub --entra CONFIG`, a real hub on a fresh PostgreSQL
database of demo staff, with a stand-in for Microsoft's v2.0 endpoints on loopback (tests/entrahelp.py: no tenant
can be reached from here). Each person goes through the hub's sign-in as a browser would, following its
redirects one by one, so the test reads what the hub sends Microsoft and what it answers.

One hub and one stand-in serve the whole module. With CI=true a missing PostgreSQL or proxy fails these tests,
never skips them.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from entrahelp import StandInEntra

from familyservice_nb.hub.entra import NOT_IN_GROUP, NOT_STAFF, OTHER_DOMAIN, OTHER_TENANT

from hubhelp import demo_people, processes_showing, running_hub, team_database
from serverhelp import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.browser]
TENANT = "8f3c2a10-5b7d-4e21-9c4a-0d1e2f3a4b5c"
CLIENT = "1a2b3c4d-0000-4000-8000-123456789abc"
GROUP = "5e6f7a8b-1111-4222-8333-abcdefabcdef"
DOMAIN = "council.gov.uk"


@pytest.fixture(scope="module")
def owner_url():
    with team_database("fsnb_entra", demo_notes=100) as owner:
        yield owner


@pytest.fixture(scope="module")
def people(owner_url):
    return demo_people(owner_url)


@pytest.fixture(scope="module")
def entra():
    stand_in = StandInEntra(TENANT, CLIENT, client_secret=f"secret-{os.urandom(12).hex()}").start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def hub(owner_url, entra, tmp_path_factory):
    state = tmp_path_factory.mktemp("entrahub")
    secret = state / "entra-secret"
    secret.write_text(entra.client_secret + "\n")
    os.chmod(secret, 0o600)
    settings = state / "entra.toml"
    port = free_port()
    settings.write_text(f'tenant_id = "{TENANT}"\nclient_id = "{CLIENT}"\nclient_secret_file = "{secret}"\n'
                        f'public_url = "http://127.0.0.1:{port}"\nlogin_domain = "{DOMAIN}"\n'
                        f'allowed_group = "{GROUP}"\nauthority = "{entra.authority}"\n')
    with running_hub(owner_url, state, port=port, sign_in=("--entra", settings)) as running:
        yield running


def sign_in(hub, entra, claims: dict) -> tuple[requests.Response, requests.Session]:
    """Through the hub's sign-in and Microsoft's (the stand-in's), redirect by redirect; the hub's answer to
    Microsoft's return to its callback."""
    browser = requests.Session()
    entra.signing_in = claims
    to_microsoft = browser.get(hub.url("hub/oauth_login"), allow_redirects=False, timeout=30)
    assert to_microsoft.status_code == 302, to_microsoft.text
    back = browser.get(to_microsoft.headers["Location"], allow_redirects=False, timeout=30)
    assert back.status_code == 302, back.text
    assert back.headers["Location"].startswith(hub.url("hub/oauth_callback?"))
    return browser.get(back.headers["Location"], allow_redirects=False, timeout=60), browser


def said(answer: requests.Response) -> str:
    """The sentence on the hub's error page."""
    from html import unescape

    return " ".join(unescape(answer.text).split())


def test_the_hub_sends_people_to_the_councils_tenant_with_its_callback_and_pkce(hub, entra):
    browser = requests.Session()
    login_page = browser.get(hub.url("hub/login"), timeout=30)
    assert "Sign in with your council's Microsoft account" in said(login_page)
    answer = browser.get(hub.url("hub/oauth_login"), allow_redirects=False, timeout=30)
    where = urlsplit(answer.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(where.query).items()}
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{entra.authority}/{TENANT}/oauth2/v2.0/authorize"
    assert query["redirect_uri"] == hub.url("hub/oauth_callback")  # the URI the app registration lists
    assert (query["client_id"], query["response_type"], query["code_challenge_method"]) == (CLIENT, "code", "S256")
    assert set(query["scope"].split()) >= {"openid", "profile"}


def test_a_staff_member_signs_in_with_their_council_account_as_the_staff_lists_login(hub, entra, people):
    upn = f"{people.manager.upper()}@{DOMAIN.upper()}"  # Microsoft's spelling; the staff list's is the hub's
    answer, browser = sign_in(hub, entra, entra.claims_for(upn, groups=[GROUP]))
    assert answer.status_code == 302, said(answer)
    token_request = entra.token_requests[-1]
    assert token_request["redirect_uri"] == hub.url("hub/oauth_callback") and not entra.refusals
    home = browser.get(hub.url("hub/home"), allow_redirects=False, timeout=30)
    assert home.status_code == 200
    assert f'user: "{people.manager}"' in home.text  # the hub's user is the staff list's login, in its spelling


@pytest.mark.parametrize("who", ["other tenant", "other domain", "outside the group", "not on the staff list"])
def test_the_workbooks_refusals_are_said_in_words_and_nobody_gets_a_server(hub, entra, people, who):
    login = people.practitioner
    claims, sentence, hub_user = {
        "other tenant": (entra.claims_for(f"{login}@{DOMAIN}", tenant="0badc0de-0000-4000-8000-000000000000",
                                          groups=[GROUP]), OTHER_TENANT, login),
        "other domain": (entra.claims_for(f"{login}@gmail.com", groups=[GROUP]),
                         OTHER_DOMAIN.format(login=f"{login}@gmail.com", domain=DOMAIN), login),
        "outside the group": (entra.claims_for(f"{people.other_practitioner}@{DOMAIN}", groups=[]),
                              NOT_IN_GROUP.format(login=people.other_practitioner), people.other_practitioner),
        "not on the staff list": (entra.claims_for(f"nat.notstaff@{DOMAIN}", groups=[GROUP]),
                                  NOT_STAFF.format(login="nat.notstaff"), "nat.notstaff"),
    }[who]
    answer, browser = sign_in(hub, entra, claims)
    assert answer.status_code == 403 and sentence in said(answer), said(answer)[-600:]
    assert "Traceback" not in answer.text
    home = browser.get(hub.url("hub/home"), allow_redirects=False, timeout=30)
    assert home.status_code == 302 and "/hub/login" in home.headers["Location"], f"{who}: signed in"
    # Asked for straight after, the server of the login they tried is not started for them: sign in first.
    spawn = browser.get(hub.url(f"hub/spawn/{hub_user}"), allow_redirects=False, timeout=30)
    assert spawn.status_code == 302 and "/hub/login" in spawn.headers["Location"], f"{who}: {spawn.status_code}"
    import pwd

    from familyservice_nb.hub.system_users import system_name

    with pytest.raises(KeyError):
        pwd.getpwnam(system_name(hub_user, hub.user_prefix))


def test_the_client_secret_is_on_no_command_line_and_in_no_environment(hub, entra):
    assert processes_showing(entra.client_secret) == []
