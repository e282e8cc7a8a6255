"""A real OpenLDAP server (Debian's slapd) on a loopback port, for the hub's directory sign-in tests.

`Slapd(folder, people).start()` makes a CA and a server certificate with openssl, a directory tree of staff
accounts, an allowed group and a search account, loads it with slapadd, and runs slapd on 127.0.0.1 with
StartTLS required for every operation (`security tls=1`); `stop()` ends it and removes its folder.

"Disabled" is OpenLDAP's password policy (the ppolicy overlay): an administrator's lock for good is
`pwdAccountLockedTime: 000001010000Z`, and slapd itself then refuses the account's bind whatever its password,
as Active Directory refuses an account whose userAccountControl says disabled. So the test shows the directory
refusing, not the workbook deciding from a group of its own. The same policy locks an account after
`MAX_FAILURES` wrong passwords (the directory's lock-out).

Every password is the tests' own, written to files or given to ldap3 in this process: none is on a command line.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from serverhelp import end_group

SUFFIX = "dc=council,dc=test"
STAFF = f"ou=staff,{SUFFIX}"
GROUP = f"cn=Family Service Workbook,ou=groups,{SUFFIX}"
SEARCH_DN = f"cn=workbook-search,ou=service,{SUFFIX}"
ADMIN_DN = f"cn=admin,{SUFFIX}"
MAX_FAILURES = 3
LOCKED_FOR_GOOD = "000001010000Z"


def slapd_installed() -> bool:
    return all(shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists() for tool in ("slapd", "slapadd")) \
        and shutil.which("openssl") is not None


def ssha(password: str) -> str:
    salt = secrets.token_bytes(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


@dataclass
class Person:
    uid: str  # as the directory spells it
    in_group: bool = True
    disabled: bool = False
    password: str = field(default_factory=lambda: "pw-" + secrets.token_urlsafe(12))

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{STAFF}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


class Slapd:
    def __init__(self, folder: Path, people: list[Person]):
        self.folder = Path(folder)
        self.people = {p.uid: p for p in people}
        self.port = _free_port()
        self.search_password = "search-" + secrets.token_urlsafe(16)
        self.admin_password = "admin-" + secrets.token_urlsafe(16)
        self.proc: subprocess.Popen | None = None

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    def _certificates(self) -> None:
        """A CA of the test's own, and a certificate for localhost and 127.0.0.1 signed by it."""
        f = self.folder
        run = lambda *args: subprocess.run(["openssl", *args], cwd=f, check=True, capture_output=True)  # noqa: E731
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Council test CA")
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
        (f / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "san.cnf")

    def _config(self) -> Path:
        f = self.folder
        conf = f / "slapd.conf"
        conf.write_text(f"""
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {f}/slapd.pid
argsfile {f}/slapd.args
TLSCACertificateFile {f}/ca.pem
TLSCertificateFile {f}/server.pem
TLSCertificateKeyFile {f}/server.key
security tls=1
database mdb
maxsize 104857600
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ssha(self.admin_password)}
directory {f}/data
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{SUFFIX}"
access to attrs=userPassword by anonymous auth by self auth by * none
access to * by dn.exact="{SEARCH_DN}" read by users read by * none
""")
        os.chmod(conf, 0o600)
        return conf

    def _tree(self) -> str:
        entries = [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: council\no: Council (test)\n",
            *(f"dn: ou={ou},{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}\n"
              for ou in ("staff", "groups", "service", "policies")),
            f"dn: cn=default,ou=policies,{SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\n"
            f"pwdAttribute: userPassword\npwdLockout: TRUE\npwdMaxFailure: {MAX_FAILURES}\n"
            "pwdLockoutDuration: 600\npwdFailureCountInterval: 600\n",
            f"dn: {SEARCH_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
            f"cn: workbook-search\nuserPassword: {ssha(self.search_password)}\n",
        ]
        for p in self.people.values():
            entry = (f"dn: {p.dn}\nobjectClass: inetOrgPerson\nuid: {p.uid}\ncn: {p.uid}\nsn: {p.uid}\n"
                     f"userPassword: {ssha(p.password)}\n")
            if p.disabled:
                entry += f"pwdAccountLockedTime: {LOCKED_FOR_GOOD}\n"
            entries.append(entry)
        members = "".join(f"member: {p.dn}\n" for p in self.people.values() if p.in_group)
        entries.append(f"dn: {GROUP}\nobjectClass: groupOfNames\ncn: Family Service Workbook\n{members}")
        return "\n".join(entries)

    def start(self) -> Slapd:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        (self.folder / "data").mkdir(exist_ok=True)
        self._certificates()
        conf = self._config()
        ldif = self.folder / "tree.ldif"
        ldif.write_text(self._tree())
        loaded = subprocess.run([_tool("slapadd"), "-f", str(conf), "-l", str(ldif)], capture_output=True, text=True)
        if loaded.returncode != 0:
            raise RuntimeError(f"slapadd could not load the test tree: {loaded.stderr}")
        self.log = open(self.folder / "slapd.log", "ab")  # noqa: SIM115 - closed in stop()
        # -d 0: in the foreground, so this process is slapd itself (its pid is ours to end)
        self.proc = subprocess.Popen([_tool("slapd"), "-d", "0", "-f", str(conf), "-h", f"ldap://127.0.0.1:{self.port}/"],
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"slapd stopped as it started:\n{(self.folder / 'slapd.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("slapd did not start within 30 s")

    def stop(self) -> None:
        if self.proc is not None:
            end_group(self.proc, timeout=20)
            self.proc = None
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def settings_file(self, folder: Path, check_every_seconds: int = 3) -> Path:
        """The hub's directory settings (TOML) for this server, the search account's password in a 0600 file."""
        folder.mkdir(parents=True, exist_ok=True)
        secret = folder / "search-password"
        secret.write_text(self.search_password + "\n")
        os.chmod(secret, 0o600)
        config = folder / "directory.toml"
        config.write_text(f'''server = "localhost"
port = {self.port}
security = "starttls"
ca_certificate = "{self.ca}"
bind_dn = "{SEARCH_DN}"
bind_password_file = "{secret}"
search_base = "{STAFF}"
user_attribute = "uid"
allowed_group = "{GROUP}"
check_every_seconds = {check_every_seconds}
''')
        return config

    def as_admin(self):
        """An ldap3 connection as the directory's administrator, over StartTLS checked against the test's CA."""
        import ssl

        import ldap3

        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(self.ca))
        server = ldap3.Server("localhost", port=self.port, tls=tls)
        return ldap3.Connection(server, ADMIN_DN, self.admin_password, auto_bind=ldap3.AUTO_BIND_TLS_BEFORE_BIND)

    def remove_from_group(self, uid: str) -> None:
        import ldap3

        conn = self.as_admin()
        try:
            assert conn.modify(GROUP, {"member": [(ldap3.MODIFY_DELETE, [self.people[uid].dn])]}), conn.result
        finally:
            conn.unbind()
