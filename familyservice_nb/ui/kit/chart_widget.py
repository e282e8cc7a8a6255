"""A chart on a page: plotly's FigureWidget, with its JavaScript fetched from the app's own server.

How a figure reaches the page (plotly 7.1 under Voila 0.5):
- `fig.show()` goes through the jupyterlab-plotly mime renderer, which fails in Voila with the
  JavaScript error "r.setData is not a function"; the server turns that extension off.
- `go.FigureWidget` works, but its anywidget module (plotly.js, about 5 MB) travels inside every
  widget's state over the kernel's websocket, and is parsed again on every page load.
- So, under our server, `local_figure_widget_class()` gives the same FigureWidget whose module is a few
  lines that import that bundle from the app's own static files (`FSNB_PLOTLY_ESM`, set by
  `familyservice_nb.server`): the browser caches it, pages share it, and it never leaves 127.0.0.1.
  Anywhere else (JupyterLab, tests) the stock FigureWidget is used.
"""

from __future__ import annotations

import functools
import json
import os

import plotly.graph_objects as go

ESM_ENV = "FSNB_PLOTLY_ESM"


def _loader_module(path: str) -> str:
    """An ES module that wraps plotly's widget bundle, imported by URL from this app's server.

    `path` is relative to Voila's base URL (the page's `<body data-base-url>`), so the same module works
    behind a JupyterHub proxy prefix. The wrapper also fits the chart to its box: outside JupyterLab,
    plotly's widget view never resizes its chart, so a chart drawn while Voila still hides the page came
    out 700 pixels wide, and did not follow the window.
    """
    return (
        "const base = new URL(document.body.dataset.baseUrl || '/', window.location.href);\n"
        f"const plotly = await import(new URL({json.dumps(path)}, base).href);\n"
        """
export default () => {
  const widget = plotly.default();
  return {
    initialize: (context) => widget.initialize(context),
    render(context) {
      const el = context.el;
      const cleanup = widget.render(context);
      let width = el.clientWidth;
      let timer = null;
      const fit = (tries) => {
        timer = null;
        if (el._fullLayout && window.Plotly) { window.Plotly.Plots.resize(el); }
        else if (tries > 0) { timer = setTimeout(() => fit(tries - 1), 100); }
      };
      const observer = new ResizeObserver(() => {
        const now = el.clientWidth;
        if (now > 0 && now !== width) { width = now; if (timer === null) { fit(50); } }
      });
      observer.observe(el);
      return () => { observer.disconnect(); if (timer !== null) { clearTimeout(timer); } if (cleanup) { cleanup(); } };
    },
  };
};
"""
    )


@functools.lru_cache(maxsize=4)
def local_figure_widget_class(esm_path: str) -> type[go.FigureWidget]:
    """plotly's FigureWidget whose JavaScript is fetched (and cached) from the app's static files.

    The module has to be a class attribute: anywidget sends it when the widget opens. `preload_module`
    names the bundle for a page to start loading before its charts exist (`shell.FirstView`).
    """
    return type("LocalFigureWidget", (go.FigureWidget,), {"_esm": _loader_module(esm_path), "__module__": __name__,
                                                         "preload_module": esm_path})


def figure_widget(fig: go.Figure) -> go.FigureWidget:
    """A widget showing a complete figure (built first: changes made to a FigureWidget before it is
    displayed inside a container are lost)."""
    esm_path = os.environ.get(ESM_ENV, "").strip()
    widget_class = local_figure_widget_class(esm_path) if esm_path else go.FigureWidget
    widget = widget_class(fig)
    widget.add_class("fsnb-chart")
    return widget
