"""A chart on a page: plotly's FigureWidget, with its JavaScript fetched from the app's own server.

How a figure reaches the page (plotly 7.1 under Voila 0.5):
- `fig.show()` goes through the jupyterlab-plotly mime renderer, which fails in Voila with the
  JavaScript error "r.setData is not a function"; the server turns that extension off.
- `go.FigureWidget` works, but its anywidget module (plotly.js, about 5 MB) travels inside every
  widget's state over the kernel's websocket, and is parsed again on every page load.
- So, under our server, `local_figure_widget_class()` gives the same FigureWidget whose module is a few
  lines that import that bundle from the app's own static files (`FSNB_PLOTLY_ESM`, set by
  `familyservice_nb.web.voila_settings.prepare_runtime`): the browser caches it, pages share it, and it never
  leaves 127.0.0.1.
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
    behind a JupyterHub proxy prefix. Two things the stock widget does not do:

    - **The page first, the charts after.** Reading plotly's bundle takes the browser about a second, and
      each chart a tenth or two. Loaded up front, that held back every filter, figure and table of the
      page. Here a chart's box is drawn at once, and the bundle is read and the charts drawn one at a time,
      each when the browser is idle (`fsnbChartTurns`, one queue for the page), after the rest of the page
      has settled, so the page answers a click before the first chart and between two charts.
    - **Fit to its box.** Outside JupyterLab, plotly's widget view never resizes its chart: a chart drawn
      while Voila still hides the page came out 700 pixels wide, and did not follow the window.
    """
    return (
        f"const url = new URL({json.dumps(path)}, new URL(document.body.dataset.baseUrl || '/', window.location.href)).href;\n"
        """
// One queue for the whole page (anywidget loads this module once per chart): the first chart drawn waits
// for the page to settle (nothing added to it for a moment, from when that chart's box was placed: the
// page's filters, figures and tables are drawn, and answer), then each chart waits for the one before it,
// then for a moment the browser has nothing else to do.
const idle = () => new Promise((go) => (window.requestIdleCallback || setTimeout)(go, { timeout: 300 }));
const settled = () => new Promise((go) => {
  let quiet = null;
  const done = () => { observer.disconnect(); clearTimeout(quiet); clearTimeout(longest); go(); };
  const observer = new MutationObserver(() => { clearTimeout(quiet); quiet = setTimeout(done, 400); });
  observer.observe(document.body, { childList: true, subtree: true });
  quiet = setTimeout(done, 400);
  const longest = setTimeout(done, 4000);  // a page that never settles still gets its charts
});
const turns = (window.fsnbChartTurns ??= { last: null });
// Printed, a chart is drawn at the page's width (A4 less its margins, in CSS px), not the window's: the
// printout lays the page out again without running scripts, so a chart drawn 1,200 px wide was cut at
// the right edge. Redrawn before printing (beforeprint, or print media turned on), and back after.
const PRINT_WIDTH = 680;
const printed = (window.fsnbPrintedCharts ??= (() => {
  const charts = new Set();
  const redraw = (printing) => {
    for (const el of charts) {
      if (!el.isConnected || !el._fullLayout || !window.Plotly) { continue; }
      if (printing) {
        window.Plotly.relayout(el, { width: Math.min(PRINT_WIDTH, el.clientWidth || PRINT_WIDTH) });
      } else {
        window.Plotly.relayout(el, { width: null, autosize: true }).then(() => window.Plotly.Plots.resize(el));
      }
    }
  };
  window.addEventListener('beforeprint', () => redraw(true));
  window.addEventListener('afterprint', () => redraw(false));
  window.matchMedia('print').addEventListener('change', (event) => redraw(event.matches));
  return charts;
})());
const inTurn = (job) => {
  const run = (turns.last ??= settled()).then(idle).then(job);
  turns.last = run.catch(() => {});
  return run;
};

export default () => {
  let init = null;      // what anywidget gave initialize(), kept until plotly is read
  let widget = null;    // plotly's own widget, once its bundle is read
  const ready = async () => {
    if (widget === null) {
      const plotly = await import(url);
      const made = plotly.default();
      const cleanup = await made.initialize?.(init);
      if (typeof cleanup === 'function') { init.signal?.addEventListener('abort', cleanup); }
      widget = made;
    }
    return widget;
  };
  return {
    initialize: (context) => { init = context; },
    render(context) {
      const el = context.el;
      let closed = false;
      let cleanup = null;
      let timer = null;
      let observer = null;
      // Its place is kept (the chart's own height), so the page does not jump when it is drawn.
      el.style.minHeight = `${(context.model.get('_layout') || {}).height || 450}px`;
      inTurn(async () => {
        if (closed) { return; }
        const plotly = await ready();
        await idle();  // reading plotly's code took a while: let a waiting click through first
        if (closed) { return; }
        cleanup = await plotly.render(context);
        printed.add(el);
        el.style.minHeight = '';
        let width = el.clientWidth;
        const fit = (tries) => {
          timer = null;
          if (el._fullLayout && window.Plotly) { window.Plotly.Plots.resize(el); }
          else if (tries > 0) { timer = setTimeout(() => fit(tries - 1), 100); }
        };
        observer = new ResizeObserver(() => {
          const now = el.clientWidth;
          if (now > 0 && now !== width) { width = now; if (timer === null) { fit(50); } }
        });
        observer.observe(el);
      }).catch((error) => { console.error('A chart could not be drawn:', error); });
      return () => {
        closed = true;
        printed.delete(el);
        if (observer !== null) { observer.disconnect(); }
        if (timer !== null) { clearTimeout(timer); }
        if (typeof cleanup === 'function') { cleanup(); }
      };
    },
  };
};
"""
    )


@functools.lru_cache(maxsize=4)
def local_figure_widget_class(esm_path: str) -> type[go.FigureWidget]:
    """plotly's FigureWidget whose JavaScript is fetched (and cached) from the app's static files.

    The module has to be a class attribute: anywidget sends it when the widget opens.
    """
    return type("LocalFigureWidget", (go.FigureWidget,), {"_esm": _loader_module(esm_path), "__module__": __name__})


def figure_widget(fig: go.Figure) -> go.FigureWidget:
    """A widget showing a complete figure (built first: changes made to a FigureWidget before it is
    displayed inside a container are lost)."""
    esm_path = os.environ.get(ESM_ENV, "").strip()
    widget_class = local_figure_widget_class(esm_path) if esm_path else go.FigureWidget
    widget = widget_class(fig)
    widget.add_class("fsnb-chart")
    return widget
