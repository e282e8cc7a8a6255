"""A page's widgets reach its browser whole: a Voila page's kernel announces no widget before the browser
has read the page's state.

How a browser learns a page's widgets (ipywidgets 8): once its socket to the kernel is open, it asks for
every widget's state at once (`request_states`) and builds them all. Each widget made after that is
announced on its own (a `comm_open` carrying its state), and the browser builds it at once. A widget made
in between, after the socket opened but before the kernel has answered that request, is announced before
the state has arrived. If it names an older widget the browser does not know yet (a layout shared by many
widgets, `shared.fixed_layout`, or a child), the browser fails to build it ("widget model not found"),
for good, and the box holding it never appears. A dashboard opened from the landing page can meet this,
and so can a form after signing in (about once in 120 sign-ins under bench_hub): the page is being built
as the browser's socket opens.

So, in a Voila page's kernel, a widget made before the browser's first request for the state is made
without its announcement: the kernel knows it, takes its messages, and puts it in the state the browser
reads, so the browser builds it with all the others. From that request on, widgets are announced as
ipywidgets always does. Before any browser is connected nothing listens to an announcement anyway, so
nothing is lost, and the server is spared one message for every widget of the page.

Only a Voila page's kernel (VOILA_KERNEL_ID, set by Voila in every page's kernel) holds widgets back: a
notebook in JupyterLab is connected before its first widget is made, and is left as ipywidgets has it.
"""

from __future__ import annotations

import os
import threading

from familyservice_nb.web.compat import hold_widget_announcements, widget_state_requested_already


class _FirstLoad:
    """Whether the browser has asked for the state yet; the two ipywidgets hooks that make it so are
    `compat.hold_widget_announcements`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.installed = False
        self.asked = False
        self.held_back = 0  # widgets made without their announcement (the tests read it)

    def install(self) -> None:
        with self.lock:
            if self.installed:
                return
            self.installed = True
            # a browser already connected (its control channel open) has read the state: hold nothing back
            self.asked = widget_state_requested_already()
        hold_widget_announcements(holding=lambda: not self.asked, held=self._held,
                                  state_requested=self._state_requested)

    def _held(self) -> None:
        self.held_back += 1

    def _state_requested(self) -> None:
        self.asked = True  # from here, a new widget is announced (after this answer, in order)


FIRST_LOAD = _FirstLoad()


def in_voila_page_kernel() -> bool:
    """True in the kernel of a Voila page (Voila sets VOILA_KERNEL_ID there before the page runs)."""
    if not os.environ.get("VOILA_KERNEL_ID"):
        return False
    from ipykernel.kernelbase import Kernel

    return Kernel.initialized()


def hold_widgets_until_first_load() -> bool:
    """In a Voila page's kernel, announce no widget until the browser has asked for the state (see the
    module's docstring). Called by every page as it is built; once per kernel. True if it holds them."""
    if not in_voila_page_kernel():
        return False
    FIRST_LOAD.install()
    return True
