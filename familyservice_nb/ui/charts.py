"""Charts: plain plotly figures built from the domain's figures, and the widget that shows them.

Building (`worker_on_time_figure`) and showing (`figure_widget`) are apart, so tests check a figure
without a browser and a page can update a shown figure in place (`update_worker_on_time`).

How a figure reaches the page (plotly 7.1 under Voila 0.5):
- `fig.show()` goes through the jupyterlab-plotly mime renderer, which fails in Voila with the
  JavaScript error "r.setData is not a function"; the server turns that extension off.
- `go.FigureWidget` works, but its anywidget module (plotly.js, about 5 MB) travels inside every
  widget's state over the kernel's websocket, and is parsed again on every page load.
- So, under our server, `local_figure_widget_class()` gives the same FigureWidget whose module is a few lines that
  import that bundle from the app's own static files (`FSNB_PLOTLY_ESM`, set by
  `familyservice_nb.server`): the browser caches it, pages share it, and it never leaves 127.0.0.1.
  Anywhere else (JupyterLab, tests) the stock FigureWidget is used.
"""

from __future__ import annotations

import functools
import json
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..export import plain_labels

# Colour is never the only carrier of meaning: every bar has its figure written on it.
BAR_COLOUR = "#1d4f91"
REFERENCE_COLOUR = "#b26a00"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", size=14)
ROW_HEIGHT = 28

ESM_ENV = "FSNB_PLOTLY_ESM"


def label_margin(labels) -> int:
    """Pixels to leave left of the bars for these category labels and the axis title.

    Worked out here rather than by plotly's `automargin`, which draws a chart twice on every update (once
    to measure the labels): with several charts redrawn on each filter change, that doubles the browser's
    work. About 8 pixels a character at the charts' 14-pixel font, plus the axis title.
    """
    longest = max((len(str(v)) for v in labels), default=4)
    return int(min(360, 48 + 8 * (longest + 2)))


def _on_time_labels(rows: pd.DataFrame) -> np.ndarray:
    counted = (rows["on_time"] + rows["late"] + rows["overdue"]).astype(int).astype(str)
    pct = rows["pct_on_time"].map("{:.1f}%".format)
    return (pct + " (" + rows["on_time"].astype(int).astype(str) + " of " + counted + ")").to_numpy()


def _worker_rows(by_worker: pd.DataFrame) -> pd.DataFrame:
    """Workers with notes counted, lowest % on time first (ties by name)."""
    counted = by_worker[by_worker["pct_on_time"].notna()]
    return counted.sort_values(["pct_on_time", "worker"], ascending=[True, True], kind="stable")


def worker_on_time_figure(by_worker: pd.DataFrame, overall_pct: float | None = None) -> go.Figure:
    """% of notes recorded on time, one bar per worker, lowest first, each bar labelled with its figure.

    `by_worker` is `timeliness_by_worker(...)`; workers with nothing due yet are left out (no % to show).
    """
    fig = go.Figure(
        layout=dict(
            template="plotly_white",
            title=dict(text="Notes recorded on time, by worker (lowest first)", x=0, xanchor="left"),
            xaxis=dict(
                title=dict(text="Notes recorded on time (%)"),
                range=[0, 100],
                ticksuffix="%",
                fixedrange=True,
                gridcolor="#d5d9de",
            ),
            # automargin off: it draws the chart twice on every update; the margin is set from the names
            yaxis=dict(title=dict(text="Worker"), autorange="reversed", automargin=False, fixedrange=True,
                       type="category", ticksuffix="  "),
            font=FONT,
            margin=dict(l=10, r=150, t=60, b=60),
            showlegend=False,
            bargap=0.25,
            hoverlabel=dict(font=FONT),
        )
    )
    fig.add_trace(
        go.Bar(
            orientation="h",
            marker=dict(color=BAR_COLOUR),
            textposition="outside",
            cliponaxis=False,
            textfont=dict(color="#1b1b1b", size=13),
            hovertemplate=(
                "<b>%{y}</b><br>%{x:.1f}% on time<br>"
                "on time %{customdata[0]}, late %{customdata[1]}, overdue %{customdata[2]}<br>"
                "median working days taken %{customdata[3]}<extra></extra>"
            ),
            name="Recorded on time",
        )
    )
    update_worker_on_time(fig, by_worker, overall_pct)
    return fig


def update_worker_on_time(fig: go.Figure, by_worker: pd.DataFrame, overall_pct: float | None = None) -> None:
    """Put new figures into the chart in place (one batch of messages when `fig` is a widget)."""
    rows = _worker_rows(by_worker)
    median = rows["median_working_days"].map(lambda v: "–" if pd.isna(v) else f"{v:g}")
    custom = np.column_stack(
        [rows["on_time"].to_numpy(), rows["late"].to_numpy(), rows["overdue"].to_numpy(), median.to_numpy()]
    ) if len(rows) else np.empty((0, 4))
    height = max(320, ROW_HEIGHT * len(rows) + 140)
    shapes, annotations = [], []
    if overall_pct is not None and not pd.isna(overall_pct):
        shapes = [dict(type="line", xref="x", yref="paper", x0=overall_pct, x1=overall_pct, y0=0, y1=1,
                       line=dict(color=REFERENCE_COLOUR, width=2, dash="dash"))]
        annotations = [dict(xref="x", yref="paper", x=overall_pct, y=1, yanchor="bottom", showarrow=False,
                            text=f"All notes: {overall_pct:.1f}%", font=dict(color="#5c3700", size=13))]
    batch = fig.batch_update() if isinstance(fig, go.FigureWidget) else _nothing()
    with batch:
        bar = fig.data[0]
        bar.x = rows["pct_on_time"].to_numpy()
        bar.y = plain_labels(rows["worker"])  # names are text, never markup
        bar.text = _on_time_labels(rows)
        bar.customdata = custom
        fig.layout.height = height
        fig.layout.margin.l = label_margin(bar.y)
        fig.layout.shapes = shapes
        fig.layout.annotations = annotations


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# -- showing a figure ------------------------------------------------------------------------------

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
