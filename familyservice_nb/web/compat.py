"""Every change the workbook makes to another library's internals, and the versions each was written for.

Each patch is a function here, declared with `written_for(...)`: the libraries whose internals it changes or
relies on, and the exact versions it was written and tested for (added to its docstring). A new release of
any of them may move what a patch touches, and the patch would then do nothing, or break a page, without a
word; so `check_versions` refuses to start the workbook on a version no patch here was tested with, and says
which. The places that need a patch call it from here; none patches another library itself
(tests/test_architecture.py reads the source for that).

To move to a new version of a library: install it, run `make test`, read again the code each patch below
names, and add the version to `written_for` (docs/developer-guide.md: Versions).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import sys
from collections.abc import Callable

from ..errors import WorkbookError

# patch function's name -> {distribution: the versions it was written and tested for}
PATCHES: dict[str, dict[str, tuple[str, ...]]] = {}
ADVICE = ("Install the versions in constraints.txt (make install, or pip install -c constraints.txt .), or "
          "read the patches in familyservice_nb/web/compat.py against the new version and add it there.")


class UntestedVersion(WorkbookError):
    """A library the workbook patches is at a version none of its patches was tested with."""


def written_for(**versions: str | tuple[str, ...]):
    """Declare the libraries (distribution names) whose internals a patch changes or relies on, each with the
    versions it was written and tested for. The versions are added to the patch's docstring, so the words and
    the check cannot disagree."""

    def declare(patch):
        tested = {name: (known,) if isinstance(known, str) else tuple(known) for name, known in versions.items()}
        PATCHES[patch.__name__] = tested
        patch.written_for = tested
        patch.__doc__ = f"{inspect.cleandoc(patch.__doc__ or '')}\n\nWritten and tested for {_listed(tested)}."
        return patch

    return declare


def _listed(tested: dict[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{name} {' or '.join(known)}" for name, known in tested.items())


# -- the check ------------------------------------------------------------------------------------------

def tested_versions() -> dict[str, tuple[str, ...]]:
    """Each patched library, with the versions that every patch touching it was tested with."""
    known: dict[str, tuple[str, ...]] = {}
    for tested in PATCHES.values():
        for name, versions in tested.items():
            known[name] = tuple(v for v in known.get(name, versions) if v in versions)
    return known


def installed_version(name: str) -> str | None:
    """The version of the distribution installed in this Python, or None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_versions() -> None:
    """Refuse (`UntestedVersion`, its message a sentence naming each library, the version installed and the
    versions known) when a patched library is installed at a version the patches were not tested with."""
    problems = []
    for name, known in sorted(tested_versions().items()):
        installed = installed_version(name)
        if installed not in known:
            has = f"{name} {installed}" if installed else f"no {name}"
            problems.append(f"familyservice-nb was tested with {name} {' or '.join(known) or '(none)'}; "
                            f"this machine has {has}.")
    if problems:
        raise UntestedVersion(" ".join([*problems, ADVICE]))


def refuse_untested_versions() -> None:
    """`check_versions` for a process the workbook starts (a server, a kernel, the hub): on an untested version
    the sentence goes to stderr and the process ends with exit code 2, never a traceback."""
    try:
        check_versions()
    except UntestedVersion as exc:
        print(exc, file=sys.stderr, flush=True)
        raise SystemExit(2) from None


# -- Voila ----------------------------------------------------------------------------------------------

@written_for(voila="0.5.13", nbconvert="7.17.2")
def cache_voila_page_templates(bytecode_cache) -> None:
    """Every page Voila renders from here on (this server process) compiles its templates through
    `bytecode_cache`.

    Voila makes a new exporter, and with it a new Jinja environment, for every page it serves, and offers no
    setting for the environment's bytecode cache. So `voila.notebook_renderer.VoilaExporter`, which the page
    renderer looks up as each page is rendered, is replaced by a subclass whose environment (nbconvert's
    `TemplateExporter._create_environment`) uses the cache. Calling it again changes nothing."""
    from voila import notebook_renderer

    if getattr(notebook_renderer.VoilaExporter, "keeps_compiled_templates", False):
        return

    class TemplateKeepingExporter(notebook_renderer.VoilaExporter):
        keeps_compiled_templates = True

        def _create_environment(self):
            environment = super()._create_environment()
            environment.bytecode_cache = bytecode_cache
            return environment

    notebook_renderer.VoilaExporter = TemplateKeepingExporter


@written_for(voila="0.5.13")
def replace_voila_extension_handlers(page_handler: type, file_handler: type) -> None:
    """Voila's server extension serves pages with `page_handler` (a subclass of its TornadoVoilaHandler) and
    the widget libraries' files with `file_handler` (a subclass of jupyter_server's FileFindHandler).

    The extension (voila/server_extension.py) builds its routes from its module's names as the server loads
    it, and has no setting for its handler classes, so those names are replaced before it is loaded. A Voila
    whose extension lacks either name is said in an error, never skipped."""
    import voila.server_extension as extension

    for name in ("TornadoVoilaHandler", "FileFindHandler"):
        if not hasattr(extension, name):
            raise RuntimeError(f"voila.server_extension has no {name}: the workbook's handlers were written for "
                               f"Voila 0.5; read its server_extension.py again.")
    extension.TornadoVoilaHandler = page_handler
    extension.FileFindHandler = file_handler


# -- Voila's standalone app: its pre-heated kernels ------------------------------------------------------

@written_for(voila="0.5.13")
def watch_preheated_kernels_taken(manager, taken: Callable[[str], None]) -> None:
    """`taken(kernel_id)` is called as a page takes one of the pre-heated kernels of this kernel manager, once
    Voila's `get_rendered_notebook` has handed it over.

    Voila's standalone app adds its pre-heated pools, and `get_rendered_notebook` with them, in a class it
    makes around the configured kernel manager class as it starts
    (`voila.voila_kernel_manager.voila_kernel_manager_factory`), so no subclass of the configured class can
    override it; and Voila tells no one which pre-heated kernel it gave a page. So this instance's method is
    wrapped (the class is left as it is)."""
    pooled = manager.get_rendered_notebook

    async def on_taken(*args, **kwargs):
        task, rendered, kernel_id = await pooled(*args, **kwargs)
        taken(kernel_id)
        return task, rendered, kernel_id

    manager.get_rendered_notebook = on_taken


# -- JupyterHub -------------------------------------------------------------------------------------------

@written_for(jupyterhub="6.1.1")
def cap_hub_poll_wait(max_wait: float) -> None:
    """JupyterHub's waits for a server to answer (`jupyterhub.utils.exponential_backoff`, as the functions of
    `jupyterhub.utils` call it) wait at most `max_wait` seconds between polls, not up to 5 s.

    JupyterHub learns that a person's server is up by polling its address, waiting longer each time, and has
    no setting for the longest wait. Calling it again changes nothing."""
    import jupyterhub.utils as utils

    original = utils.exponential_backoff
    if getattr(original, "fsnb_max_wait", None) is not None:
        return

    async def backoff(*args, **kwargs):
        kwargs["max_wait"] = min(kwargs.get("max_wait", max_wait), max_wait)
        return await original(*args, **kwargs)

    backoff.fsnb_max_wait = max_wait
    utils.exponential_backoff = backoff


# -- imports left out -------------------------------------------------------------------------------------

@written_for(jsonschema="4.26.0")
def leave_out_rfc3987_syntax() -> None:
    """Mark `rfc3987_syntax` missing (None in `sys.modules`: `import` raises ImportError), so jsonschema skips
    the one format check that needs it ("iri", which no schema of Jupyter, plotly or the workbook uses).

    jsonschema imports it, when it is installed, as its format checkers are made (`jsonschema._format`,
    inside `suppress(ImportError)`), and it builds 38 grammar parsers as it is imported: 1.5 s of CPU in
    each page kernel and each person's server. jsonschema has no setting to leave a format out."""
    sys.modules.setdefault("rfc3987_syntax", None)


# -- ipywidgets: the first load of a page ---------------------------------------------------------------

WIDGET_TARGET = "jupyter.widget"  # ipywidgets' target name for a widget's channel


@written_for(ipywidgets="8.1.9")
def widget_state_requested_already() -> bool:
    """Whether a browser has opened ipywidgets' control channel (through which it asks for every widget's
    state at once), read from ipywidgets' `Widget._control_comm`."""
    from ipywidgets import Widget

    return Widget._control_comm is not None


@written_for(ipywidgets="8.1.9", comm="0.2.3", ipykernel="7.4.0")
def hold_widget_announcements(holding: Callable[[], bool], held: Callable[[], None],
                              state_requested: Callable[[], None]) -> None:
    """A widget's channel made while `holding()` is true is made without its announcement, and `held()` is
    called; `state_requested()` is called as the browser asks for every widget's state, before ipywidgets
    answers.

    ipywidgets announces each widget (a `comm_open`) as it is made, and offers no way to make one quietly.
    So `comm.create_comm` is replaced: for ipywidgets' target, while holding, the channel is made with
    `primary=False` (made and named, no `comm_open` sent), registered with the comm manager so the browser's
    messages reach it, and given the kernel (ipykernel's Comm learns it on a first send, and ipywidgets
    sends nothing on a channel without one). And ipywidgets' answer to the state request
    (`Widget._handle_control_comm_msg`, which it binds as the control channel opens) is wrapped."""
    import comm
    from ipykernel.kernelbase import Kernel
    from ipywidgets import Widget

    create = comm.create_comm
    answer_states = Widget._handle_control_comm_msg.__func__

    def create_comm(*args, **kwargs):
        if kwargs.get("target_name") != WIDGET_TARGET or not holding():
            return create(*args, **kwargs)
        made = create(*args, **{**kwargs, "primary": False})
        comm.get_comm_manager().register_comm(made)
        if getattr(made, "kernel", False) is None:
            made.kernel = Kernel.instance()
        held()
        return made

    def handle_control_comm_msg(cls, msg):
        state_requested()
        answer_states(cls, msg)

    comm.create_comm = create_comm
    Widget._handle_control_comm_msg = classmethod(handle_control_comm_msg)
