"""A Voila page's kernel announces no widget before its browser has read the page's state
(familyservice_nb/ui/kit/first_load.py), in a real kernel from the kernelspec `serve` writes. The test
plays the browser's part in the widget protocol: it opens the control channel and asks for the states as
ipywidgets' own front end does. The browser's side of the same race is in
tests/browser/test_first_load_browser.py."""

from __future__ import annotations

import os
import queue
import textwrap
import time
import uuid

import pytest

from familyservice_nb.ui.kit.first_load import hold_widgets_until_first_load, in_voila_page_kernel
from familyservice_nb.web.voila_settings import prepare_runtime

MAKE_WIDGETS = """
import ipywidgets as widgets
from familyservice_nb.ui.kit.shared import fixed_layout
answer = widgets.Text(layout=fixed_layout(width="50%"))
box = widgets.VBox([answer])
print(answer.model_id, box.model_id, answer.layout.model_id)
"""


class PageKernel:
    """A real page kernel and a client that plays the browser."""

    def __init__(self, runtime, env: dict):
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        prepare_runtime(runtime)
        specs = KernelSpecManager(kernel_dirs=[str(runtime / "kernels")])
        self.manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str) -> tuple[str, list[dict]]:
        """Run code; what it printed, and every message it published."""
        published = []
        reply = self.client.execute_interactive(textwrap.dedent(code), timeout=60, output_hook=published.append)
        assert reply["content"]["status"] == "ok", reply["content"]
        printed = "".join(m["content"].get("text", "") for m in published if m["msg_type"] == "stream")
        return printed.strip(), published

    def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        self.client.shell_channel.send(self.client.session.msg(msg_type, content, metadata=metadata or {}))

    def read_states(self) -> dict:
        """As the browser does on connecting: open the control channel, ask for every widget's state."""
        control = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                  metadata={"version": "1.0.0"})
        self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        return self.wait_for(lambda m: m["msg_type"] == "comm_msg"
                             and m["content"]["data"].get("method") == "update_states")["content"]["data"]["states"]

    def wait_for(self, wanted, seconds: float = 30) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if wanted(msg):
                return msg
        raise AssertionError("the kernel never sent the message")

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def widget_announcements(published: list[dict]) -> list[str]:
    return [m["content"]["comm_id"] for m in published
            if m["msg_type"] == "comm_open" and m["content"].get("target_name") == "jupyter.widget"]


@pytest.fixture
def page_kernel(tmp_path):
    made = []

    def start(voila: bool = True) -> PageKernel:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOILA_")}
        if voila:
            env["VOILA_KERNEL_ID"] = "page-kernel-under-test"
        made.append(PageKernel(tmp_path / f"runtime{len(made)}", env))
        return made[-1]

    yield start
    for kernel in made:
        kernel.close()


def test_widgets_made_before_the_browser_reads_the_state_are_in_it_unannounced_then_each_is_announced(page_kernel):
    kernel = page_kernel()
    printed, _ = kernel.run("""
        from familyservice_nb.ui.kit.first_load import FIRST_LOAD, hold_widgets_until_first_load
        print(hold_widgets_until_first_load())
    """)
    assert printed == "True"
    printed, published = kernel.run(MAKE_WIDGETS)
    answer, box, shared_layout = printed.split()
    assert widget_announcements(published) == []  # not one comm_open: nobody could use it yet

    states = kernel.read_states()
    assert {answer, box, shared_layout} <= set(states)
    assert states[box]["state"]["children"] == [f"IPY_MODEL_{answer}"]
    assert states[answer]["state"]["layout"] == f"IPY_MODEL_{shared_layout}"

    # Read once, the state is the browser's: a widget made now is announced, naming the shared layout
    # the browser has just read.
    printed, published = kernel.run("""
        later = widgets.HTML("made after the browser read the state", layout=fixed_layout(width="50%"))
        box.children = (answer, later)
        print(later.model_id)
    """)
    later = printed
    opened = {m["content"]["comm_id"]: m["content"] for m in published if m["msg_type"] == "comm_open"}
    assert later in opened and not set(opened) & set(states)  # the new widget (and its own style), only
    assert opened[later]["data"]["state"]["layout"] == f"IPY_MODEL_{shared_layout}"
    printed, _ = kernel.run("print(FIRST_LOAD.asked, FIRST_LOAD.held_back >= 3)")
    assert printed == "True True"


def test_a_widget_made_unannounced_still_talks_both_ways(page_kernel):
    """The browser's typing reaches it, and the kernel's changes reach the browser, as for any widget."""
    kernel = page_kernel()
    kernel.run("from familyservice_nb.ui.kit.first_load import hold_widgets_until_first_load\n"
               "hold_widgets_until_first_load()")
    answer = kernel.run(MAKE_WIDGETS)[0].split()[0]
    kernel.read_states()

    kernel.send("comm_msg", {"comm_id": answer, "data": {"method": "update", "state": {"value": "typed in the browser"},
                                                         "buffer_paths": []}})
    deadline = time.monotonic() + 30
    while kernel.run("print(answer.value)")[0] != "typed in the browser":
        assert time.monotonic() < deadline, "the browser's typing never reached the widget"
        time.sleep(0.1)

    _, published = kernel.run("answer.value = 'changed by the page'")
    updates = [m["content"] for m in published if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == answer]
    assert updates and updates[-1]["data"]["state"] == {"value": "changed by the page"}


def test_outside_a_voila_page_every_widget_is_announced_as_ipywidgets_does(page_kernel):
    kernel = page_kernel(voila=False)  # a notebook in JupyterLab: its browser is there before any widget
    printed, _ = kernel.run("""
        from familyservice_nb.ui.kit.first_load import hold_widgets_until_first_load
        print(hold_widgets_until_first_load())
    """)
    assert printed == "False"
    printed, published = kernel.run(MAKE_WIDGETS)
    assert set(printed.split()) <= set(widget_announcements(published))


def test_a_page_built_after_its_browser_connected_holds_nothing_back(page_kernel):
    kernel = page_kernel()
    kernel.run("import ipywidgets")  # ipywidgets listens for the browser's control channel from here
    kernel.read_states()
    kernel.run("from familyservice_nb.ui.kit.first_load import hold_widgets_until_first_load\n"
               "hold_widgets_until_first_load()")
    printed, published = kernel.run(MAKE_WIDGETS)
    assert set(printed.split()) <= set(widget_announcements(published))


def test_this_test_process_is_not_a_page_kernel(monkeypatch):
    monkeypatch.setenv("VOILA_KERNEL_ID", "set, but no kernel is running here")
    assert not in_voila_page_kernel()
    assert hold_widgets_until_first_load() is False
