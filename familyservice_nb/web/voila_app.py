"""Voila as the workbook serves it: the handlers it replaces, in `serve`'s own Voila app (`workbook_voila_class`,
run as `python -m familyservice_nb.web.voila_app`, the child process `serve` starts) and in the Voila extension
of each person's server under the hub (`adapt_voila_extension`, from hub/singleuser_config.py).

- a page asks the kernel manager for a place first, and is told the workbook is busy when there is none
  (web/page_kernels.py: `page_handler_class`);
- `serve` answers only its own address: Voila's request-info socket, a plain tornado socket, refuses a foreign
  Host like every other route (`is_local_host`);
- the widget libraries' files whose names carry their content's hash are kept by the browser for good
  (`content_addressed`, `extension_file_handler`), so a returning visitor's page asks for none of them again;
- each page template is compiled once for a server's life (`keep_compiled_templates`).
"""

from __future__ import annotations

import functools
import re

from .page_kernels import page_handler_class
from .voila_settings import LOCAL_HOSTNAMES

# A file named after a hash of its content (webpack's `568.1e2faa2ba0bbe59c4780.js`, `remoteEntry.698dcaf7.js`).
CONTENT_HASH_NAME = re.compile(r"[./][0-9a-f]{8,}\.js$")
CACHE_FOR_GOOD = "public, max-age=31536000, immutable"


def is_local_host(host_header: str) -> bool:
    """Whether a request's Host names this machine: 127.0.0.1 (any loopback address) or localhost."""
    import ipaddress

    host = re.match(r"^(.*?)(:\d+)?$", host_header or "").group(1)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() in LOCAL_HOSTNAMES


def content_addressed(path: str) -> bool:
    """Whether a widget library's file is named after a hash of its content, so its content never changes
    under that name and the browser may keep it for good.

    Voila serves these files (`/voila/labextensions/...`) with `Cache-Control: no-cache`, so each page load
    asked the server again for each of them, about 20 files in two rounds one after the other: 0.2-0.4 s
    of every page on this machine, more through a hub's proxy. A new version of a library has new names."""
    return bool(CONTENT_HASH_NAME.search(path))


@functools.lru_cache(maxsize=1)
def extension_file_handler():
    """Voila's handler for the widget libraries' files (`FileFindHandler`), which lets the browser keep
    those that are `content_addressed`; the rest are as Voila serves them. Used by `serve` and, through
    the hub's server configuration, by each person's server under the hub."""
    from jupyter_server.base.handlers import FileFindHandler

    class ExtensionFileHandler(FileFindHandler):
        def set_headers(self) -> None:
            super().set_headers()
            if content_addressed(self.request.path):
                self.set_header("Cache-Control", CACHE_FOR_GOOD)

    return ExtensionFileHandler


@functools.lru_cache(maxsize=1)
def compiled_templates():
    """One store of compiled page templates for the server's life (a Jinja bytecode cache, in memory).

    Voila makes a new exporter, and with it a new Jinja environment, for every page it serves, so each page
    parsed and compiled the page template and every template it extends again: 0.1 s of the server's CPU
    for each page opened (py-spy, a person's server under the hub while they signed in). Compiled code is
    kept by template, the environment's compile settings and a checksum of the source, as Jinja's own
    bytecode caches do: a changed template is compiled again."""
    import jinja2
    from jinja2.bccache import Bucket

    class CompiledTemplates(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self._code: dict[tuple[str, str], object] = {}

        def get_bucket(self, environment, name, filename, source):
            settings = f"{environment.is_async}|{sorted(environment.extensions)}|{environment.optimized}"
            bucket = Bucket(environment, self.get_cache_key(f"{settings}|{name}", filename),
                            self.get_source_checksum(source))
            bucket.code = self._code.get((bucket.key, bucket.checksum))
            return bucket

        def set_bucket(self, bucket) -> None:
            self._code[(bucket.key, bucket.checksum)] = bucket.code

    return CompiledTemplates()


def keep_compiled_templates() -> None:
    """Every page Voila renders from here on (this server process) uses `compiled_templates`. Used by
    `serve`'s server and, through the hub's server configuration, by each person's server under the hub."""
    from .compat import cache_voila_page_templates

    cache_voila_page_templates(compiled_templates())


def adapt_voila_extension() -> None:
    """Voila's server extension, as each person's server under the hub loads it, with the workbook's page
    handler (`page_handler_class`, which asks the server's kernel manager, hub/warm_kernels.py) and the
    widget-file handler that lets the browser keep content-addressed files (`extension_file_handler`).
    Called by the server's configuration file, before the extension is loaded."""
    from .compat import replace_voila_extension_handlers

    replace_voila_extension_handlers(page_handler_class(), extension_file_handler())


def workbook_voila_class():
    """Voila's app with the workbook's guards added (imported only in the server process):
    - a page asks the kernel manager (a `web.page_kernels.PageKernelManager`, configured in voila.json) for
      a place first, and is told the workbook is busy when there is none (`page_handler_class`);
    - Voila's request-info socket, a plain tornado socket, refuses a foreign Host like the rest;
    - the widget libraries' content-addressed files are cached for good (`extension_file_handler`).
    (Compiled page templates are kept by `keep_compiled_templates`, called before the app starts.)
    """
    from jupyter_server.base.handlers import FileFindHandler
    from tornado import web
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class RequestInfoHandler(RequestInfoSocketHandler):
        def prepare(self):
            if not is_local_host(self.request.host):
                raise web.HTTPError(403)
            return super().prepare()

    replace = {TornadoVoilaHandler: page_handler_class(), RequestInfoSocketHandler: RequestInfoHandler,
               FileFindHandler: extension_file_handler()}

    class WorkbookVoila(Voila):
        def init_handlers(self):
            handlers = [(route[0], replace.get(route[1], route[1]), *route[2:]) for route in super().init_handlers()]
            if not any(route[1] is page_handler_class() for route in handlers):
                raise RuntimeError("Voila's app has no TornadoVoilaHandler route: the workbook's page handler was "
                                   "written for Voila 0.5; read its app.py again.")
            return handlers

    return WorkbookVoila


if __name__ == "__main__":  # the server process that `serve` starts (voila_settings.voila_command)
    from familyservice_nb.web.compat import refuse_untested_versions

    refuse_untested_versions()
    keep_compiled_templates()
    workbook_voila_class().launch_instance()
