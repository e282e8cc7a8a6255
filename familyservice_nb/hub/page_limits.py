"""Each person's workbook server bounds its pages' kernels as `familyservice-nb serve` does (a Jupyter server
extension, enabled beside Voila's in singleuser_config.py).

It puts the laptop's `server.PageKernelGuard` over this server's kernel manager: at most `max_open_pages`
pages of the person hold a kernel at once (one more gets the same "The workbook is busy" page, HTTP 503),
a page's kernel no browser connected to within `unconnected_grace_seconds` is shut down once idle, and at
the cap a page every browser left a while ago gives up its place. The warm kernel (warm_kernels.py) is not a
page's until a page takes it. Voila's page handler asks the guard through `server.page_handler_class`, put
into Voila's extension by `server.adapt_voila_extension` (also from singleuser_config.py).
"""

from __future__ import annotations

from traitlets import Int
from traitlets.config import Configurable

from familyservice_nb.server import PAGE_GUARD, UNCONNECTED_GRACE_SECONDS, PageKernelGuard

# Per person, not per machine: one machine serves a team of 20, each page kernel about 150-190 MB. Six
# covers a person working across tabs (the case list, a form, a dashboard, a print view) and bounds what one
# person's stray tabs or scripted requests can take to about 1 GB, the memory of three colleagues
# (docs/team-operations.md, Sizing: about 300 MB a person), rather than the machine's.
# FSNB_HUB_MAX_OPEN_PAGES changes it.
HUB_MAX_OPEN_PAGES = 6


class PageLimits(Configurable):
    """The page-kernel limits of this person's server (read from the server's configuration)."""

    max_open_pages = Int(HUB_MAX_OPEN_PAGES, config=True, help="pages of this person that may hold a kernel at once")
    unconnected_grace_seconds = Int(UNCONNECTED_GRACE_SECONDS, config=True,
                                    help="seconds a page's kernel may wait for its browser")


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(server_app) -> None:
    limits = PageLimits(parent=server_app)
    guard = PageKernelGuard(server_app.kernel_manager, limits.max_open_pages, limits.unconnected_grace_seconds,
                            server_app.log)
    guard.start_reaping()
    server_app.web_app.settings[PAGE_GUARD] = guard
    server_app.log.info("At most %d pages hold a kernel at once; a page's kernel waits %d s for its browser.",
                        limits.max_open_pages, limits.unconnected_grace_seconds)
