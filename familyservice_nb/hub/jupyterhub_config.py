# JupyterHub configuration for the Family Service workbook in team mode.
#
# `familyservice-nb hub` starts JupyterHub with this file and sets the FSNB_HUB_* variables it reads.
# A council's IT team may change it: the sign-in (below), the address. Read docs/team-operations.md,
# "Running the hub", first. Nothing here holds a password: the only database credential the hub holds is
# the provisioning role's, read from a file only root can read (FSNB_HUB_PROVISIONER_FILE), and never
# passed to anyone.
# ruff: noqa: F821  (`get_config` is given by JupyterHub when it reads this file)
import os
import shutil
import sys
from pathlib import Path

from familyservice_nb.hub.directory import CONFIG_ENV as DIRECTORY_CONFIG_ENV
from familyservice_nb.hub.directory_signin import directory_config
from familyservice_nb.hub.entra import CONFIG_ENV as ENTRA_CONFIG_ENV
from familyservice_nb.hub.lifeline import PARENT_ENV, end_with_parent
from familyservice_nb.hub.spawn import HubSettings, poll_starting_servers_often, prepare_server
from familyservice_nb.hub.throttle import throttled
from familyservice_nb.web.compat import refuse_untested_versions

# This file patches JupyterHub (poll_starting_servers_often): only on the versions the patch was written for.
refuse_untested_versions()
c = get_config()
env = os.environ
if env.get(PARENT_ENV):  # started by `familyservice-nb hub`: end with it, however it ends
    end_with_parent()
    env[PARENT_ENV] = str(os.getpid())  # and the proxy, which JupyterHub starts with this environment, with us
settings = HubSettings.from_environment()

# -- where the hub listens, and its own files --------------------------------------------------------
c.JupyterHub.bind_url = f"http://{env.get('FSNB_HUB_IP', '127.0.0.1')}:{env.get('FSNB_HUB_PORT', '8000')}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env.get("FSNB_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env.get('FSNB_HUB_PROXY_API_PORT', '8001')}"
# The hub's own state (who is signed in, its tokens) is not the workbook's data: by default a SQLite file
# in the hub's folder; FSNB_HUB_STATE_URL may name a PostgreSQL database of its own instead.
c.JupyterHub.db_url = env.get("FSNB_HUB_STATE_URL") or f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(settings.state / "jupyterhub-proxy.pid")
c.JupyterHub.pid_file = str(settings.state / "jupyterhub.pid")
# The proxy: configurable-http-proxy, from FSNB_HUB_PROXY, else the one `make install` puts in
# deploy/proxy (npm), else the one on PATH.
_proxy = Path(__file__).resolve().parents[2] / "deploy" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
# It is started through familyservice_nb.hub.proxy, which gives it only its token and ends it with the hub.
c.ConfigurableHTTPProxy.command = [
    sys.executable, "-m", "familyservice_nb.hub.proxy",
    env.get("FSNB_HUB_PROXY") or (str(_proxy) if _proxy.exists() else None)
    or shutil.which("configurable-http-proxy") or "configurable-http-proxy"]
c.JupyterHub.template_vars = {"announcement_login": "Family Service workbook: sign in with your council login."}

# -- sign-in ---------------------------------------------------------------------------------------
if env.get("FSNB_HUB_DEMO") == "1":
    # Demo only: the demo staff sign in with FSNB_DEMO_PASSWORD, on this computer's loopback address only
    # (`familyservice-nb hub --demo` refuses anything else). SharedPasswordAuthenticator is JupyterHub's
    # successor to DummyAuthenticator with a password (deprecated there since JupyterHub 5).
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = env["FSNB_DEMO_PASSWORD"]
    c.Authenticator.allowed_users = set(filter(None, env.get("FSNB_HUB_DEMO_USERS", "").split(",")))
elif env.get(DIRECTORY_CONFIG_ENV):
    # The council's directory (`familyservice-nb hub --ldap CONFIG`, directory.py): ldapauthenticator's
    # connection, the workbook's checks. The search account's password is read from its file here, into this
    # process only.
    c.JupyterHub.authenticator_class = "familyservice_nb.hub.directory_signin.DirectoryAuthenticator"
    for _name, _value in directory_config().items():
        setattr(c.DirectoryAuthenticator, _name, _value)
    c.DirectoryAuthenticator.staff_database_url = settings.database_url
elif env.get(ENTRA_CONFIG_ENV):
    # Microsoft Entra ID (`familyservice-nb hub --entra CONFIG`, entra.py): oauthenticator's flow, the workbook's
    # checks. The client secret is read from its file here, into this process only.
    from familyservice_nb.hub.entra_signin import entra_config

    c.JupyterHub.authenticator_class = "familyservice_nb.hub.entra_signin.EntraAuthenticator"
    for _name, _value in entra_config().items():
        setattr(c.EntraAuthenticator, _name, _value)
    c.EntraAuthenticator.staff_database_url = settings.database_url
else:
    # Another sign-in JupyterHub knows (PAM by default), with every person it lets in on the staff list.
    c.JupyterHub.authenticator_class = env.get("FSNB_HUB_AUTHENTICATOR", "pam")
    c.Authenticator.allow_all = env.get("FSNB_HUB_ALLOW_ALL") == "1"

# Guessing passwords costs time, whatever the sign-in (throttle.py): 5 wrong passwords for a login (20 for an
# address) are free, then each waits longer, and 10 (50) lock it for 5 minutes, said in words on the page.
c.JupyterHub.authenticator_class = throttled(c.JupyterHub.authenticator_class)

# Nobody reaches another person's server, administrators included (JupyterHub's default, said out loud).
c.JupyterHub.admin_access = False

# -- each person's workbook server -------------------------------------------------------------------
# One process per signed-in person on this machine, each as a system user of their own (system_users.py),
# so no process of one person's can read another's environment, kernels or files. A spawner that runs
# everyone as one user is refused, not quietly used: with analysts, who run code, it gives the service away.
_spawner = env.get("FSNB_HUB_SPAWNER", "").strip()
if _spawner in ("simple", "jupyterhub.spawner.SimpleLocalProcessSpawner", "SimpleLocalProcessSpawner"):
    raise SystemExit("SimpleLocalProcessSpawner runs every person's workbook as one system user, so anyone who "
                     "can run code could act as anyone: the workbook's hub gives each person a system user of "
                     "their own (leave FSNB_HUB_SPAWNER unset), or a pod of their own on Kubernetes (deploy/).")
c.JupyterHub.spawner_class = _spawner or "familyservice_nb.hub.system_users.WorkbookSpawner"
c.WorkbookSpawner.system_user_prefix = settings.user_prefix
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_limit = env.get("FSNB_HUB_MEM_LIMIT") or None
c.Spawner.pre_spawn_hook = lambda spawner: prepare_server(spawner, settings)
c.JupyterHub.redirect_to_server = True  # after sign-in, straight to one's own workbook
poll_starting_servers_often()  # a started server is noticed within a quarter of a second, not up to 5 s
# A page whose server is not running (just signed in, or stopped when idle) starts it at once: the hub's
# "not running" page moves on to the start by itself (a second's wait there was a second on every start).
c.JupyterHub.implicit_spawn_seconds = 0.01

# -- idle servers are stopped (jupyterhub-idle-culler) -----------------------------------------------
# After the council's setting `idle_server_minutes` (CouncilSettings; default 30), read as the hub starts.
# Forms save themselves as people type, so nothing typed is lost when a server is stopped.
idle_seconds = int(env.get("FSNB_HUB_IDLE_SECONDS", "1800"))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        # ended with the hub, however the hub ends (lifeline.py)
        "command": [sys.executable, "-m", "familyservice_nb.hub.lifeline", str(os.getpid()),
                    sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={idle_seconds}", f"--cull-every={max(10, min(300, idle_seconds // 3))}"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

# -- leavers in the council's directory (leavers.py) --------------------------------------------------
# Checked as the hub starts and every `check_every_seconds`: someone disabled in the directory, or no longer in
# its group for the workbook, loses their server, their hub user and their database login. Only the paths
# of the files holding the credentials are passed on, never the credentials.
if env.get(DIRECTORY_CONFIG_ENV):
    c.JupyterHub.services.append({
        "name": "directory-leavers",
        "command": [sys.executable, "-m", "familyservice_nb.hub.leavers"],
        "environment": {name: env[name] for name in (DIRECTORY_CONFIG_ENV, "FSNB_HUB_PROVISIONER_FILE",
                                                     PARENT_ENV, "FSNB_HUB_USER_PREFIX") if env.get(name)},
    })
    c.JupyterHub.load_roles.append({
        "name": "directory-leavers",
        "scopes": ["list:users", "read:users", "read:servers", "delete:servers", "admin:users"],
        "services": ["directory-leavers"],
    })
