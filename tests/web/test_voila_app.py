"""Voila as the workbook serves it (familyservice_nb/web/voila_app.py): page templates compiled once for a
server's life (`compiled_templates`), never served stale; the widget libraries' files the browser may keep for
good; and the logs of both servers without debug records."""

from __future__ import annotations

import jinja2
import pytest
from voila import notebook_renderer
from voila.paths import collect_template_paths

from familyservice_nb.web.voila_app import compiled_templates, content_addressed, keep_compiled_templates


@pytest.fixture
def compiles(monkeypatch):
    """The names of the templates Jinja compiles from here on."""
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        seen.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def environment(templates: dict[str, str], **options) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=compiled_templates(), **options)


def test_a_template_is_compiled_once_for_every_environment_that_shares_the_store(compiles):
    templates = {"page-once.html": "Case {{ case }} due {{ due }}"}
    first = environment(templates).get_template("page-once.html").render(case="C000004", due="27/11/2026")
    second = environment(templates).get_template("page-once.html").render(case="C000009", due="04/01/2027")
    assert compiles == ["page-once.html"]
    assert (first, second) == ("Case C000004 due 27/11/2026", "Case C000009 due 04/01/2027")


def test_a_changed_template_is_compiled_again_and_shows_its_new_words(compiles):
    environment({"page-changed.html": "Saved"}).get_template("page-changed.html")
    changed = environment({"page-changed.html": "Not saved: connection lost"}).get_template("page-changed.html")
    assert compiles == ["page-changed.html", "page-changed.html"]
    assert changed.render() == "Not saved: connection lost"


def test_other_compile_settings_get_their_own_code(compiles):
    import asyncio

    templates = {"page-async.html": "{{ who }} signed in"}
    environment(templates).get_template("page-async.html")
    streamed = environment(templates, enable_async=True).get_template("page-async.html")
    assert compiles == ["page-async.html", "page-async.html"]
    assert asyncio.run(streamed.render_async(who="Devon Dunmore")) == "Devon Dunmore signed in"


def test_voilas_exporters_share_the_compiled_templates_of_the_workbooks_pages(monkeypatch, compiles):
    """Through Voila's own exporter and its lab template chain, as a page is rendered: the second page's
    exporter (a new one, as Voila makes for every page) compiles nothing."""
    voilas = notebook_renderer.VoilaExporter
    monkeypatch.setattr(notebook_renderer, "VoilaExporter", voilas)  # put back after the test
    keep_compiled_templates()
    keep_compiled_templates()  # twice is once
    exporter_class = notebook_renderer.VoilaExporter
    assert exporter_class.__mro__[1] is voilas

    def page_template():
        exporter = exporter_class(template_paths=collect_template_paths(["voila", "nbconvert"], "lab"),
                                  template_name="lab", contents_manager=None)
        assert exporter.environment.bytecode_cache is compiled_templates()
        return exporter.environment.get_template("index.html.j2")

    page_template()
    assert compiles == ["index.html.j2"]  # (those it extends load the same way as the page renders)
    page_template()
    assert compiles == ["index.html.j2"]


# --- the widget libraries' files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path, kept", [
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/labextensions/anywidget/static/remoteEntry.698dcaf7.js", True),
    ("/user/sam/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/568.1e2faa2ba0bbe59c4780.js", True),
    ("/voila/labextensions/anywidget/package.json", False),
    ("/voila/labextensions/jupyterlab-plotly/static/style.js", False),
    ("/voila/labextensions/x/static/remoteEntry.js", False),
    ("/voila/labextensions/x/static/a.1234567.js", False),  # 7 hex digits: not a content hash
    ("/voila/labextensions/x/static/a.d9f5934c.js.map", False),
])
def test_only_files_named_after_their_content_are_cached_for_good(path, kept):
    assert content_addressed(path) is kept


# --- debug lines are dropped by the servers' loggers, not made and thrown away ---------------------------


def test_serves_server_logs_information_but_makes_no_debug_records(tmp_path):
    import logging

    from traitlets.config import Config

    from familyservice_nb.web.voila_app import workbook_voila_class
    from familyservice_nb.web.voila_settings import voila_config

    app = workbook_voila_class()(config=Config(voila_config(tmp_path)))
    assert app.log.name == "WorkbookVoila"
    assert app.log.isEnabledFor(logging.INFO) and not app.log.isEnabledFor(logging.DEBUG)


def test_each_persons_server_under_the_hub_logs_information_but_makes_no_debug_records():
    """The hub's server configuration file, read as jupyterhub-singleuser reads it (in a process of its own:
    the file sets up Voila for that process)."""
    import importlib.util
    import subprocess
    import sys

    config_file = importlib.util.find_spec("familyservice_nb.hub.singleuser_config").origin
    probe = (
        "import logging\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "from jupyter_server.serverapp import ServerApp\n"
        f"config = PyFileConfigLoader({config_file!r}).load_config()\n"
        "log = ServerApp(config=config).log\n"
        "print(log.name, log.isEnabledFor(logging.INFO), log.isEnabledFor(logging.DEBUG))\n"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert shown.stdout.split() == ["ServerApp", "True", "False"], shown.stderr[-2000:]
