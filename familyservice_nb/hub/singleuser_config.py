# Configuration of each person's workbook server under JupyterHub (jupyterhub-singleuser, a Jupyter
# server), read with `--config` from the command the hub starts (see spawn.py).
#
# FSNB_HUB_ACCESS, set by the hub from the person's role on the staff list (never by the person):
#   workbook  practitioners and managers: the workbook's pages (Voila) only. No JupyterLab, no file
#             browser, no terminal, no kernel of their own, and nothing but widget messages to a page's
#             kernel (its code cannot be replaced by the browser).
#   lab       analysts and administrators: the same pages, and JupyterLab with the analyst notebooks.
# ruff: noqa: F821  (`get_config` is given by Jupyter when it reads this file)
import os

from traitlets.config import Config

from familyservice_nb.web.compat import refuse_untested_versions
from familyservice_nb.web.voila_app import adapt_voila_extension, keep_compiled_templates
from familyservice_nb.web.voila_settings import (
    kernel_limits,
    logging_without_debug,
    page_settings,
    shared_tornado_settings,
)

# This file patches Voila (below): only on the versions the patches were written for (exit 2 otherwise).
refuse_untested_versions()
c = get_config()
access = os.environ.get("FSNB_HUB_ACCESS", "workbook")

# Bounded page kernels, the laptop's rule, kept by the kernel manager (web/page_kernels.py): at most
# FSNB_HUB_MAX_OPEN_PAGES pages of this person hold a kernel at once (default HUB_MAX_OPEN_PAGES); one more is
# answered "The workbook is busy" (503). A page's kernel that no browser connected to within
# FSNB_UNCONNECTED_GRACE_SECONDS (default 120) is shut down once idle. The warm kernel is not a page's.
# Per person, not per machine: one machine serves a team of 20, each page kernel about 150-190 MB. Six
# covers a person working across tabs (the case list, a form, a dashboard, a print view) and bounds what one
# person's stray tabs or scripted requests can take to about 1 GB, the memory of three colleagues
# (docs/team-operations.md, Sizing: about 300 MB a person), rather than the machine's.
HUB_MAX_OPEN_PAGES = 6

# The workbook's pages, served by Voila inside this server as `familyservice-nb serve` serves them
# (web/voila_settings.py: the template, no code or tracebacks shown, how long Voila waits for a page's
# kernel, a page's kernel with no browser attached shut down after 15 minutes, and the limits above).
c.merge(Config(page_settings(kernel_limits("FSNB_HUB_MAX_OPEN_PAGES", HUB_MAX_OPEN_PAGES))))
# No MathJax from a content server (standalone Voila leaves it out too; inside a Jupyter server Voila
# would otherwise point pages at a CDN, and councils run on restricted networks).
c.ServerApp.tornado_settings = {"mathjax_url": None, "mathjax_config": None, **shared_tornado_settings()}
# Voila's extension, loaded after this file is read, builds its routes with the workbook's handlers
# (web/voila_app.py): a page asks the kernel manager for a place first (below), and the widget libraries'
# files named after their content's hash are kept by the browser for good, as under `familyservice-nb serve`.
adapt_voila_extension()
# Each page's template is compiled once for the server's life, not again for every page opened.
keep_compiled_templates()
# Debug lines are dropped by the logger, not made and then thrown away by its handler.
c.ServerApp.logging_config = logging_without_debug("ServerApp")

# One kernel kept started and warmed up (the workbook imported, the database opened as this person) for
# the next page this person opens; the page takes it over, and the next one starts once no page of theirs
# is open (warm_kernels.py: a person then costs a server and one kernel).
c.ServerApp.kernel_manager_class = "familyservice_nb.hub.warm_kernels.WarmKernelManager"
c.WarmKernelManager.warm_kernels = 1

c.ServerApp.terminals_enabled = access == "lab"
# Each person's server runs as their own system user (hub/system_users.py) or in a pod of their own, never
# as root: one started as root refuses to run.
c.ServerApp.allow_root = False

if access == "lab":
    c.ServerApp.jpserver_extensions = {"voila": True, "jupyterlab": True}
else:
    c.ServerApp.jpserver_extensions = {
        "voila": True,
        "jupyterlab": False,
        "notebook": False,
        "nbclassic": False,
        "jupyter_lsp": False,
        "jupyter_server_terminals": False,
    }
    c.ServerApp.authorizer_class = "familyservice_nb.hub.authorizer.WorkbookOnlyAuthorizer"
    # What the browser may send to a page's kernel: the widgets' messages, never code
    # (the same list standalone Voila uses).
    c.MappingKernelManager.allowed_message_types = [
        "comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request", "shutdown_request",
    ]
