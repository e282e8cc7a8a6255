"""Team mode against a real JupyterHub on loopback: `familyservice-nb hub --demo` on a fresh
PostgreSQL database, four demo people signing in through the hub's login page in Chromium.

With CI=true a missing PostgreSQL server, proxy or browser fails these tests; they are never skipped there.
The tests run in order and share the hub and the signed-in browsers (one sign-in each keeps them quick).
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hubhelp import DEMO_PASSWORD, demo_people, running_hub, sign_in, team_database
from serverhelp import CHROMIUM, launch_chromium, require

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
READY_MS = 90_000
SHARED: dict = {}
SUMMARY = f"Hub test supervision {uuid.uuid4().hex[:8]}: school attendance reviewed with the family."


@pytest.fixture(scope="module")
def owner_url():
    with team_database("fsnb_hub") as owner:
        yield owner


@pytest.fixture(scope="module")
def hub(owner_url, tmp_path_factory):
    with running_hub(owner_url, tmp_path_factory.mktemp("hub")) as running:
        yield running


@pytest.fixture(scope="module")
def people(hub):
    return demo_people(hub.owner_url)


@pytest.fixture(scope="module")
def chromium():
    require(os.path.exists(CHROMIUM), f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in(chromium, hub, people):
    """login -> the page on which that person signed in (one browser context each)."""
    pages = {}

    def page_of(login):
        if login not in pages:
            context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            try:
                sign_in(page, hub, login)
                page.wait_for_selector(".fsnb-app", timeout=READY_MS)
            except Exception as exc:
                pytest.fail(f"{login} could not sign in ({type(exc).__name__}: {exc}).\nThe page showed: "
                            f"{page.inner_text('body')[:800]}\nHub log:\n{hub.log()}")
            pages[login] = page
        return pages[login]

    yield page_of
    for page in pages.values():
        page.context.close()


def _store(owner_url, user=None):
    from familyservice_nb.store import Store

    return Store(owner_url, user=user)


def test_four_people_sign_in_through_the_hub_each_as_themselves(signed_in, people, hub):
    names = _store(hub.owner_url).names()
    for login in (people.manager, people.practitioner, people.other_practitioner, people.analyst):
        page = signed_in(login)
        assert f"/user/{login}/voila/render/" in page.url
        assert f"Signed in as {names[login]}" in page.inner_text("body")  # by name, not login
    # A wrong password does not get in.
    page = signed_in(people.manager).context.browser.new_page()
    try:
        page.goto(hub.url("hub/login"))
        page.fill("#username_input", people.practitioner)
        page.fill("#password_input", DEMO_PASSWORD + "x")
        page.click("#login_submit")
        page.wait_for_selector("text=Invalid username or password", timeout=30_000)
        assert "/user/" not in page.url
    finally:
        page.close()


def test_the_widget_libraries_are_cached_through_the_hub_too(signed_in, people, libraries_kept_for_good):
    libraries_kept_for_good(signed_in(people.practitioner))


def fill_what_completion_asks(page) -> None:
    """What completion asks for: next steps, every child accounted for, every earlier action reviewed, empty
    sections marked."""
    page.get_by_label("What still needs to happen", exact=True).fill("Housing referral.")
    for select in page.locator(".fsnb-form select").all():
        label = select.evaluate("e => (e.labels && e.labels[0]) ? e.labels[0].textContent.trim() : ''")
        if label.startswith("Not spoken to because"):
            select.select_option(label="Not seen this period")
        elif label.endswith("left empty because"):
            select.select_option(label="Nothing to record")
    for group in page.locator("fieldset.fsnb-radios").all():
        if group.locator("legend").inner_text().startswith("Status of action"):
            group.get_by_label("Done", exact=True).check(force=True)


def test_the_manager_completes_a_supervision_as_its_author(signed_in, people, hub):
    page = signed_in(people.manager)
    page.goto(hub.url(f"user/{people.manager}/voila/render/case-supervision.ipynb?case={people.case_id}"))
    page.wait_for_selector(".fsnb-form, .fsnb-start-again", timeout=READY_MS)
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
        page.wait_for_selector(".fsnb-form")
    page.locator(".fsnb-form input[type=radio]").first.check()  # Planned supervision
    page.get_by_label("Case summary", exact=True).fill(SUMMARY)
    page.get_by_label("Progress", exact=True).fill("Attendance up to 94%.")
    fill_what_completion_asks(page)
    page.get_by_role("button", name="Complete the supervision record").click()
    page.wait_for_selector(".fsnb-done", timeout=60_000)

    store = _store(hub.owner_url)
    mine = [r for r in store.records(kind="supervision", case_id=people.case_id, state="complete")
            if store.get(r.record_id).case_summary == SUMMARY]
    assert len(mine) == 1
    record = mine[0]
    assert record.author == people.manager and record.created_by == people.manager
    trail = store.audit_trail(record.record_id)
    assert len(trail) >= 1 and set(trail["actor"]) == {people.manager}
    SHARED["record_id"] = record.record_id  # for the next test


def test_the_other_teams_practitioner_cannot_open_that_case_by_any_address(signed_in, people, hub):
    record_id = SHARED.get("record_id")
    assert record_id, "the manager's supervision was saved by the test before"
    other = people.other_practitioner
    page = signed_in(other)
    page.goto(hub.url(f"user/{other}/voila/render/case-supervision.ipynb?case={people.case_id}"))
    # Under the hub the database shows the login none of another team's rows, so the case is "not there".
    page.wait_for_selector(f"text=/You cannot open case {people.case_id}|There is no case {people.case_id}/",
                           timeout=READY_MS)
    assert page.locator(".fsnb-form").count() == 0
    page.goto(hub.url(f"user/{other}/voila/render/case-supervision.ipynb?record={record_id}"))
    page.wait_for_selector(f"text=/You cannot open record {record_id}|There is no record {record_id}/",
                           timeout=READY_MS)
    assert SUMMARY not in page.content()
    # Nor through the manager's or the case's practitioner's own server: the hub refuses those addresses.
    for owner in (people.manager, people.practitioner):
        response = page.goto(hub.url(f"user/{owner}/voila/render/case-supervision.ipynb?record={record_id}"))
        assert response.status in (403, 404), (owner, response.status, page.url)
        assert SUMMARY not in page.content()
        assert f"Signed in as {_store(hub.owner_url).names()[owner]}" not in page.inner_text("body")


def _xsrf(page, login):
    cookies = [c for c in page.context.cookies() if c["name"] == "_xsrf" and c["path"].startswith(f"/user/{login}")]
    return cookies[0]["value"] if cookies else ""


def _status(page, hub, login, method, path):
    response = page.context.request.fetch(
        hub.url(f"user/{login}/{path}"), method=method, headers={"X-XSRFToken": _xsrf(page, login)},
        data="{}" if method == "POST" else None, max_redirects=0,
    )
    return response.status


SEND_CODE_TO_THE_PAGE_KERNEL = """async ({kernelId, baseUrl, marker}) => {
  const url = location.origin.replace('http', 'ws') + baseUrl + 'api/kernels/' + kernelId + '/channels?session_id=probe';
  const ws = new WebSocket(url);
  const got = [];
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
  ws.onmessage = e => { const m = JSON.parse(e.data); got.push(m.msg_type || m.header.msg_type); };
  const msg = (type, content) => ({header: {msg_id: type + Math.random(), username: 'probe', session: 'probe',
    msg_type: type, version: '5.3', date: new Date().toISOString()}, parent_header: {}, metadata: {}, content,
    channel: 'shell', buffers: []});
  ws.send(JSON.stringify(msg('execute_request', {code: `open(${JSON.stringify(marker)}, 'w').write('ran')`,
    silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true})));
  ws.send(JSON.stringify(msg('kernel_info_request', {})));
  const until = Date.now() + 20000;
  while (!got.includes('kernel_info_reply') && Date.now() < until) { await new Promise(r => setTimeout(r, 100)); }
  await new Promise(r => setTimeout(r, 1500));
  ws.close();
  return got;
}"""


def _send_code(page, marker):
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    return page.evaluate(SEND_CODE_TO_THE_PAGE_KERNEL,
                         {"kernelId": config["kernelId"], "baseUrl": config["baseUrl"], "marker": str(marker)})


@pytest.fixture
def shared_folder():
    """A folder every system user may write to, for markers a person's kernel would leave (pytest's own
    temporary folders are root's alone, so a marker there could never be written: the test could not fail)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="fsnb-hub-marker-"))
    os.chmod(folder, 0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_practitioner_cannot_run_code_of_their_own(signed_in, people, hub, shared_folder):
    login = people.practitioner
    page = signed_in(login)
    page.goto(hub.url(f"user/{login}/voila/render/index.ipynb"))
    page.wait_for_selector(".fsnb-app", timeout=READY_MS)
    refused = {
        ("GET", "lab"): 404, ("GET", "tree"): 404, ("GET", "api/contents"): 403, ("POST", "api/kernels"): 403,
        ("POST", "api/sessions"): 403, ("GET", "terminals/1"): 404, ("POST", "api/terminals"): 404,
        ("GET", "files/index.ipynb"): 403,
    }
    got = {key: _status(page, hub, login, *key) for key in refused}
    assert got == refused
    marker = shared_folder / "practitioner-code-ran"
    messages = _send_code(page, marker)
    assert "kernel_info_reply" in messages, messages  # the socket works: widget messages get through
    assert "execute_reply" not in messages and "execute_input" not in messages, messages
    time.sleep(1)
    assert not marker.exists()


def test_the_analyst_opens_jupyterlab_and_a_notebook(signed_in, people, hub, shared_folder):
    login = people.analyst
    page = signed_in(login)
    # The same requests a practitioner is refused are the analyst's to make (so the refusals are real).
    assert _status(page, hub, login, "GET", "api/contents") == 200
    assert _status(page, hub, login, "POST", "api/kernels") == 201
    marker = shared_folder / "analyst-code-ran"
    assert "execute_reply" in _send_code(page, marker)
    time.sleep(1)
    assert marker.read_text() == "ran"  # the analyst's code ran, as their own system user
    assert marker.stat().st_uid == _system_user(hub, login).pw_uid
    page.goto(hub.url(f"user/{login}/lab/tree/notebooks/01-load-an-extract.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=READY_MS)
    page.wait_for_function("() => document.querySelector('.jp-Notebook').innerText.includes('Load an extract')",
                           timeout=READY_MS)


# -- team mode holds against a signed-in person who can run code (an analyst) -----------------------------

RUN_CODE_IN_THE_PAGE_KERNEL = """async ({kernelId, baseUrl, code}) => {
  const url = location.origin.replace('http', 'ws') + baseUrl + 'api/kernels/' + kernelId + '/channels?session_id=attack';
  const ws = new WebSocket(url);
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = bad; });
  const id = 'attack' + Math.random();
  let out = '', done = false;
  ws.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.parent_header.msg_id !== id) return;
    const type = m.msg_type || m.header.msg_type;
    if (type === 'stream') out += m.content.text;
    if (type === 'error') out += 'ERROR ' + m.content.ename + ': ' + m.content.evalue;
    if (type === 'execute_reply') done = true;
  };
  ws.send(JSON.stringify({header: {msg_id: id, username: 'attack', session: 'attack', msg_type: 'execute_request',
    version: '5.3', date: new Date().toISOString()}, parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
    content: {code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true}}));
  const until = Date.now() + 60000;
  while (!done && Date.now() < until) { await new Promise(r => setTimeout(r, 100)); }
  ws.close();
  return out;
}"""

# Run in the analyst's own page kernel: everything another person's or the hub's that it tries, and how it went.
ATTACK = r"""
import glob, json, os
me, tried = os.getuid(), {}
def attempt(what, action):
    try:
        action()
        tried[what] = "done"
    except OSError as exc:
        tried[what] = type(exc).__name__
others = 0
for folder in glob.glob('/proc/[0-9]*'):
    try:
        uid = os.stat(folder).st_uid
    except OSError:
        continue
    if uid != me:
        others += 1
        attempt(f"environ {uid}", lambda f=folder: open(f + '/environ', 'rb').read())
tried["other processes"] = others
homes = json.loads(HOMES)
for home in homes:
    attempt(f"list {home}", lambda h=home: os.listdir(h))
    attempt(f"kernels {home}", lambda h=home: os.listdir(h + '/.local/share/jupyter/runtime'))
for name in ('jupyterhub.sqlite', 'jupyterhub_cookie_secret', 'provisioner.url', 'jupyterhub-proxy.pid'):
    attempt(f"read hub {name}", lambda n=name: open(os.path.join(STATE, n), 'rb').read())
attempt("list hub state", lambda: os.listdir(STATE))
attempt("write page", lambda: open(os.path.join(PAGES, 'index.ipynb'), 'a').write(' '))
attempt("add page", lambda: open(os.path.join(PAGES, 'planted.ipynb'), 'w').write('{}'))
attempt("write own home", lambda: open(os.path.expanduser('~/mine.txt'), 'w').write('mine'))
print(json.dumps({"uid": me, "tried": tried, "db": os.environ.get("FSNB_DATABASE_URL", "")}))
"""


def _run_in_page_kernel(page, code: str) -> str:
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    return page.evaluate(RUN_CODE_IN_THE_PAGE_KERNEL,
                         {"kernelId": config["kernelId"], "baseUrl": config["baseUrl"], "code": code})


def _system_user(hub, login):
    from familyservice_nb.hub.system_users import system_name

    return pwd.getpwnam(system_name(login, hub.user_prefix))


def _server_processes(hub):
    import psutil

    mine = {u.pw_uid for u in pwd.getpwall() if u.pw_name.startswith(hub.user_prefix)}
    return [p for p in psutil.process_iter(["uids", "cmdline"]) if p.info["uids"] and p.info["uids"].real in mine]


def test_each_person_runs_as_a_system_user_of_their_own_in_a_home_only_they_enter(signed_in, people, hub):
    logins = [people.manager, people.practitioner, people.analyst]
    for login in logins:
        signed_in(login)
    users = {login: _system_user(hub, login) for login in logins}
    assert len({u.pw_uid for u in users.values()}) == len(logins)
    for login, user in users.items():
        home = os.stat(user.pw_dir)
        assert (home.st_uid, home.st_mode & 0o777) == (user.pw_uid, 0o700), login
        servers = [p for p in _server_processes(hub) if p.info["uids"].real == user.pw_uid
                   and "familyservice_nb.hub.singleuser" in " ".join(p.info["cmdline"] or [])]
        assert servers, f"no server of {login} runs as {user.pw_name}"
        assert all(p.info["uids"].effective == user.pw_uid != 0 for p in servers)
    # The hub's own state: root's alone.
    state = hub.state_folder
    assert os.stat(state).st_mode & 0o777 == 0o700
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "provisioner.url"):
        assert os.stat(state / name).st_mode & 0o077 == 0, name


def test_the_analysts_code_reads_and_changes_nothing_of_anyone_elses(signed_in, people, hub):
    from familyservice_nb.web.launcher import locate_dashboards

    analyst = people.analyst
    signed_in(people.manager)  # others' servers and kernels are running while the analyst tries
    signed_in(people.practitioner)
    page = signed_in(analyst)
    page.goto(hub.url(f"user/{analyst}/voila/render/dashboards/index.ipynb"))
    page.wait_for_selector(".fsnb-app", timeout=READY_MS)
    pages = locate_dashboards()
    homes = [_system_user(hub, login).pw_dir for login in (people.manager, people.practitioner)]
    before = (pages / "index.ipynb").read_bytes()
    code = (f"HOMES = {json.dumps(json.dumps(homes))}\nSTATE = {str(hub.state_folder)!r}\n"
            f"PAGES = {str(pages)!r}\n" + ATTACK)
    out = _run_in_page_kernel(page, code)
    report = json.loads(out.strip().splitlines()[-1])
    tried = report["tried"]
    assert report["uid"] == _system_user(hub, analyst).pw_uid
    assert tried["other processes"] > 0  # the hub's, the proxy's, the other people's servers and kernels
    assert tried["write own home"] == "done"  # the attempts are real: what is theirs, they can do
    done = {what: how for what, how in tried.items() if how == "done" and what != "write own home"}
    assert not done, f"the analyst's code could: {done}"
    assert (pages / "index.ipynb").read_bytes() == before and not (pages / "planted.ipynb").exists()
    # Nor through the server's contents API: the page notebooks are root's.
    body = json.dumps({"type": "notebook", "format": "json", "content": json.loads(before)})
    response = page.context.request.fetch(
        hub.url(f"user/{analyst}/api/contents/dashboards/index.ipynb"), method="PUT",
        headers={"X-XSRFToken": _xsrf(page, analyst), "Content-Type": "application/json"}, data=body)
    assert response.status >= 400, response.status
    assert (pages / "index.ipynb").read_bytes() == before
    # Under their own database login, a forged completed record is refused by the database itself.
    forged = _run_in_page_kernel(page, FORGE_A_COMPLETED_RECORD)
    assert "refused" in forged and "FORGED" not in forged, forged


FORGE_A_COMPLETED_RECORD = r"""
import os, sqlalchemy as sa
engine = sa.create_engine(os.environ["FSNB_DATABASE_URL"])
try:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO records (kind, author, event_date, risk_identified, state, current_version,"
                             " created_at, created_by, updated_at) VALUES ('supervision', 'someone.else',"
                             " DATE '2026-01-05', false, 'complete', 1, now() - interval '300 days', 'someone.else',"
                             " now() - interval '300 days')"))
    print("FORGED")
except sa.exc.DBAPIError as exc:
    print("refused:", str(exc.orig).splitlines()[0])
"""


def test_no_owner_password_on_any_command_line_or_in_any_environment_but_the_hubs(hub):
    import psutil

    owner_password = make_url(hub.owner_url).password
    assert owner_password
    launcher = psutil.Process(hub.proc.pid)
    processes = [launcher, *launcher.children(recursive=True), *(p for p in _server_processes(hub))]
    assert len(processes) > 3
    for proc in processes:
        try:
            cmdline, environ = " ".join(proc.cmdline()), proc.environ()
        except psutil.NoSuchProcess:
            continue
        assert owner_password not in cmdline, cmdline
        if proc.pid == launcher.pid:
            continue  # the command the council's administrator started: it reads the pgpass file itself
        assert not any(owner_password in value for value in environ.values()), (proc.pid, cmdline)
        assert "PGPASSFILE" not in environ and "PGPASSWORD" not in environ, cmdline
        if "configurable-http-proxy" in cmdline:  # the proxy: its token, and what node needs, nothing else
            assert set(environ) <= {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "CONFIGPROXY_AUTH_TOKEN"}, environ
            assert DEMO_PASSWORD not in environ.values()


def _signed_in_session(hub, login, password=DEMO_PASSWORD):
    """A person signed in through the hub's login form over plain HTTP (no browser, so no page is connected)."""
    import requests

    session = requests.Session()
    session.get(hub.url("hub/login"), timeout=30)
    answer = session.post(hub.url("hub/login?next=%2Fhub%2Fhome"), allow_redirects=False, timeout=60,
                          data={"username": login, "password": password, "_xsrf": session.cookies.get("_xsrf", "")})
    return session, answer


def test_a_practitioners_seventh_unconnected_page_is_refused(hub, people):
    login = people.other_practitioner
    session, answer = _signed_in_session(hub, login)
    assert answer.status_code == 302, answer.text[:300]
    headers = {"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf", "")}
    session.post(hub.url(f"hub/api/users/{login}/server"), headers=headers, timeout=60)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        model = session.get(hub.url(f"hub/api/users/{login}"), headers=headers, timeout=30).json()
        if model.get("servers", {}).get("", {}).get("ready"):
            break
        time.sleep(0.5)
    statuses = [session.get(hub.url(f"user/{login}/voila/render/index.ipynb"), timeout=120).status_code
                for _ in range(7)]
    assert statuses == [200] * 6 + [503], statuses


def test_the_eleventh_wrong_password_is_slowed_and_refused_in_words(hub, people):
    """Through the hub's own login form. The 6th to 10th are sent together (each waits its own growing delay,
    so the test waits for the longest, not their sum); tests/hub/test_throttle.py has each number."""
    from concurrent.futures import ThreadPoolExecutor

    login = next(p for p in reversed(people.practitioners) if p not in (people.practitioner, people.other_practitioner))

    def attempt(n):
        started = time.monotonic()
        _session, answer = _signed_in_session(hub, login, password=f"wrong-{n}-password")
        return time.monotonic() - started, answer.status_code, answer.text

    free = [attempt(n) for n in range(5)]
    assert max(t for t, _, _ in free) < 1.0, free
    with ThreadPoolExecutor(5) as pool:
        slowed = list(pool.map(attempt, range(5, 10)))
    assert min(t for t, _, _ in slowed) >= 1.0, [round(t, 2) for t, _, _ in slowed]
    eleventh, status, page = attempt(10)
    assert all(status != 302 for _, status, _ in [*free, *slowed, (eleventh, status, page)])  # none signed in
    assert eleventh >= 1.0 and status == 429, (eleventh, status)
    assert "Too many wrong passwords" in page and "5 minutes" in page


def test_killing_the_hub_leaves_nothing_running_and_it_starts_again(hub, people):
    """Last: it kills the hub (`kill -9`) and starts it again."""
    import psutil

    hub_pid = int((hub.state_folder / "jupyterhub.pid").read_text())
    proxy_pid = int((hub.state_folder / "jupyterhub-proxy.pid").read_text())
    assert _server_processes(hub)
    culler = [p.pid for p in psutil.Process(hub_pid).children() if "jupyterhub_idle_culler" in " ".join(p.cmdline())]
    assert culler
    os.kill(hub_pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (psutil.pid_exists(proxy_pid) or _server_processes(hub)):
        time.sleep(0.2)
    assert not psutil.pid_exists(proxy_pid), "the proxy outlived the hub"
    assert not any(psutil.pid_exists(pid) for pid in culler), "the idle culler outlived the hub"
    assert not _server_processes(hub), "people's servers or kernels outlived the hub"
    hub.proc.wait(timeout=30)
    hub.start()
    from urllib.request import urlopen

    with urlopen(hub.url("hub/login"), timeout=10) as response:
        assert response.status == 200
