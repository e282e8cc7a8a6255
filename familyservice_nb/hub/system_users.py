"""Each person's workbook server runs as a system user of their own, made on first sign-in.

Team mode holds against a signed-in person who can run code (an analyst in JupyterLab) only if no process
of theirs can read another person's: Linux lets a process read another's environment (`/proc/PID/environ`:
the database login), kernel connection files and home only as the same user or root. So each person on the
staff list gets a system user `fsnb-<login>` (as The Littlest JupyterHub makes `jupyter-<name>`), with a
home only they can enter, and their server, kernels and files run and live as that user. The hub runs as
root, which is what making users and starting processes as them needs; it refuses to start otherwise,
rather than running everyone as one user.

On Kubernetes (deploy/) the same guarantees come from one pod per person (KubeSpawner); this module is for
one machine.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Unicode

from ..errors import WorkbookError

DEFAULT_PREFIX = "fsnb-"
PREFIX_ENV = "FSNB_HUB_USER_PREFIX"
HOMES_ENV = "FSNB_HUB_HOMES"
DEFAULT_HOMES = "/home"
NAME_MAX = 32  # Linux user names: at most 32 characters
LAB_SHELL, NO_SHELL = "/bin/bash", "/usr/sbin/nologin"
PRIVATE_UMASK = 0o077  # what a person's server writes is theirs alone


class SystemUserProblem(WorkbookError):
    """A system user cannot be made or used; the message says why in plain words."""


def system_name(login: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The system user of a staff login: the prefix and the login in a-z, 0-9 and '-', with a short hash of
    the login when that changed it or it was too long (so 'a.b' and 'a-b' are two users)."""
    plain = re.sub(r"[^a-z0-9-]+", "-", login.strip().lower()).strip("-") or "user"
    name = prefix + plain
    if plain != login.strip() or len(name) > NAME_MAX:
        tag = hashlib.sha256(login.encode()).hexdigest()[:6]
        name = f"{prefix}{plain[:NAME_MAX - len(prefix) - len(tag) - 1].rstrip('-')}-{tag}"
    return name


def rights_problem() -> str | None:
    """Why this process cannot run a server as each person's own system user, in a sentence; None when it can."""
    if os.geteuid() != 0:
        return ("The hub runs each person's workbook as a system user of their own, and only root can make "
                "those users and start their servers: start `familyservice-nb hub` as root (for example with "
                "sudo), or run the workbook on Kubernetes (deploy/), where each person has a pod of their own.")
    if not (shutil.which("useradd") or Path("/usr/sbin/useradd").exists()):
        return ("The hub makes a system user for each person with `useradd`, which this computer does not "
                "have: install it (Debian's `passwd` package).")
    return None


def _useradd() -> str:
    return shutil.which("useradd") or "/usr/sbin/useradd"


def ensure_user(login: str, prefix: str = DEFAULT_PREFIX, homes: str | Path = DEFAULT_HOMES,
                lab: bool = False) -> pwd.struct_passwd:
    """The system user of `login`, made now if missing, with a home only they can enter (0700).
    Analysts and administrators get a shell (JupyterLab's terminals); everyone else none."""
    name = system_name(login, prefix)
    shell = LAB_SHELL if lab else NO_SHELL
    if not _exists(name):
        Path(homes).mkdir(parents=True, exist_ok=True)
        made = subprocess.run(
            [_useradd(), "--create-home", "--home-dir", str(Path(homes) / name), "--shell", shell, "--user-group",
             "--comment", re.sub(r"[^A-Za-z0-9 ._@-]", " ", f"Family Service workbook, {login}")[:200], name],
            capture_output=True, text=True,
        )
        if made.returncode != 0 and not _exists(name):  # another start may have made it meanwhile
            raise SystemUserProblem(f"The hub could not make the system user {name} for {login}: "
                                    f"{made.stderr.strip() or 'useradd failed'}.")
    user = pwd.getpwnam(name)
    if user.pw_shell != shell:
        subprocess.run(["usermod", "--shell", shell, name], capture_output=True)
    home = Path(user.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, user.pw_uid, user.pw_gid)
    os.chmod(home, 0o700)
    return pwd.getpwnam(name)


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def users_with_prefix(prefix: str = DEFAULT_PREFIX) -> list[pwd.struct_passwd]:
    """The workbook's system users (for the hub's clean start, and for tests to remove theirs)."""
    return [u for u in pwd.getpwall() if u.pw_name.startswith(prefix)]


def remove_users(prefix: str) -> list[str]:
    """Remove every system user with `prefix`, their processes and homes. Tests use a prefix of their own."""
    users = users_with_prefix(prefix)
    end_processes_of({u.pw_uid for u in users})
    for user in users:
        subprocess.run(["userdel", "--remove", user.pw_name], capture_output=True)
        shutil.rmtree(user.pw_dir, ignore_errors=True)
    return [u.pw_name for u in users]


def end_processes_of(uids: Iterable[int], grace: float = 5.0) -> int:
    """End every process run by one of `uids`: TERM, then KILL after `grace` seconds. How many there were."""
    import psutil

    wanted = set(uids)
    if not wanted:
        return 0
    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in wanted]
    for p in procs:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(procs, timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return len(procs)


def unreachable(paths: Iterable[str | Path]) -> Path | None:
    """The first folder on the way to one of `paths` that another system user cannot pass through
    (no 'x' for others), or a file they cannot read; None when each person's server can reach them all."""
    for path in paths:
        target = Path(path).resolve()
        for folder in [*reversed(target.parents), target] if target.is_dir() else reversed(target.parents):
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return folder
        if target.is_file() and not os.stat(target).st_mode & stat.S_IROTH:
            return target
    return None


def unreachable_sentence(folder: Path) -> str:
    return (f"Each person's workbook runs as a system user of their own, and they cannot reach {folder} (only "
            f"its owner may pass through it). Let everyone pass through it with `chmod o+x {folder}` (this lets "
            "no one list or read it), or install the workbook where everyone can read it, such as /opt.")


class WorkbookSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with the hub's user name mapped to the person's own system user (`system_name`),
    whose server keeps what it writes to itself (umask 077). The user is made by the hub's pre-spawn hook
    (spawn.prepare_server) once the staff list has named the person."""

    system_user_prefix = Unicode(DEFAULT_PREFIX, config=True, help="prefix of each person's system user")

    @property
    def system_user(self) -> str:
        return system_name(self.user.name, self.system_user_prefix)

    def make_preexec_fn(self, name):
        become = set_user_setuid(self.system_user)

        def preexec():
            become()
            os.umask(PRIVATE_UMASK)

        return preexec

    def user_env(self, env):
        user = pwd.getpwnam(self.system_user)
        env["USER"] = env["LOGNAME"] = user.pw_name
        env["HOME"] = user.pw_dir
        env["SHELL"] = user.pw_shell or NO_SHELL
        return env

    async def move_certs(self, paths):  # internal TLS is not used on one machine's loopback
        raise NotImplementedError("The workbook's hub does not use JupyterHub's internal TLS.")

