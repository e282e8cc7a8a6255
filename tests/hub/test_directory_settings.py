"""The directory settings file of `familyservice-nb hub --ldap CONFIG` (familyservice_nb/hub/directory.py): a good
file is read, and each wrong field is refused at the start in a sentence naming it. (Sign-in against a real
directory: tests/browser/test_hub_ldap.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from familyservice_nb.hub.directory import DirectoryProblem, DirectorySettings

ROOT = Path(__file__).resolve().parents[2]
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
GOOD = {
    "server": '"dc1.council.local"',
    "security": '"starttls"',
    "ca_certificate": '"ca.pem"',
    "bind_dn": '"CN=svc-workbook,OU=Service,DC=council,DC=local"',
    "bind_password_file": '"search-password"',
    "search_base": '"OU=Staff,DC=council,DC=local"',
    "user_attribute": '"sAMAccountName"',
    "allowed_group": '"CN=Family Service Workbook,OU=Groups,DC=council,DC=local"',
}


def write(folder: Path, **fields) -> Path:
    (folder / "ca.pem").write_text(PEM)
    secret = folder / "search-password"
    secret.write_text("the-search-accounts-password\n")
    os.chmod(secret, 0o600)
    values = {**GOOD, **fields}
    path = folder / "directory.toml"
    path.write_text("".join(f"{k} = {v}\n" for k, v in values.items() if v is not None))
    return path


def refusal(folder: Path, **fields) -> str:
    with pytest.raises(DirectoryProblem) as refused:
        DirectorySettings.load(write(folder, **fields))
    return str(refused.value)


def test_a_good_file_is_read_with_the_usual_port_and_check_interval(tmp_path):
    settings = DirectorySettings.load(write(tmp_path))
    assert (settings.server, settings.port, settings.check_every_seconds) == ("dc1.council.local", 389, 300)
    assert settings.bind_password() == "the-search-accounts-password"
    assert settings.group_name == "Family Service Workbook"
    assert settings.ca_certificate == tmp_path / "ca.pem"  # relative to the file
    assert DirectorySettings.load(write(tmp_path, security='"ldaps"')).port == 636
    config = settings.authenticator_config()
    assert config["tls_kwargs"]["validate"] == 2 and config["tls_kwargs"]["ca_certs_file"] == str(tmp_path / "ca.pem")


@pytest.mark.parametrize(("fields", "said"), [
    ({"server": None}, "has no `server`"),
    ({"bind_dn": None}, "has no `bind_dn`"),
    ({"allowed_group": '""'}, "`allowed_group` must be text"),
    ({"colour": '"blue"'}, "the field `colour` is not one the workbook knows"),
    ({"security": '"plain"'}, "`security` must be \"starttls\" or \"ldaps\""),
    ({"port": '"389"'}, "`port` must be a whole number"),
    ({"port": "70000"}, "`port` must be a number from 1 to 65535"),
    ({"check_every_seconds": "0"}, "`check_every_seconds` must be 1 or more"),
    ({"user_attribute": '"(uid=*)"'}, "`user_attribute` must be an attribute's name"),
    ({"search_base": '"Staff"'}, "`search_base` is not a distinguished name"),
    ({"ca_certificate": '"missing.pem"'}, "`ca_certificate` names"),
    ({"ca_certificate": '"search-password"'}, "holds no PEM certificate"),
])
def test_each_wrong_field_is_named(tmp_path, fields, said):
    assert said in refusal(tmp_path, **fields)


def test_a_password_file_others_can_read_is_refused(tmp_path):
    path = write(tmp_path)
    os.chmod(tmp_path / "search-password", 0o644)
    with pytest.raises(DirectoryProblem, match=r"`bind_password_file` .* others can read \(mode 0644\): keep it"):
        DirectorySettings.load(path)


def test_a_file_that_is_not_toml_is_refused_in_a_sentence(tmp_path):
    path = tmp_path / "directory.toml"
    path.write_text("server = dc1\n")
    with pytest.raises(DirectoryProblem, match="is not valid TOML"):
        DirectorySettings.load(path)


def test_the_hub_refuses_a_wrong_file_at_its_start_in_a_sentence(tmp_path):
    path = write(tmp_path, security='"plain"')
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_DATABASE_URL", "FSNB_DEMO_PASSWORD")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, "-m", "familyservice_nb", "hub", "--ldap", str(path), "--db",
                          "postgresql+psycopg://fsnb@127.0.0.1:1/nowhere"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 2, out.stderr
    assert "`security` must be" in out.stderr and "Traceback" not in out.stderr
    both = subprocess.run([sys.executable, "-m", "familyservice_nb", "hub", "--demo", "--ldap", str(write(tmp_path)),
                           "--db", "postgresql+psycopg://fsnb@127.0.0.1:1/nowhere"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert both.returncode == 2 and "Choose one sign-in" in both.stderr
