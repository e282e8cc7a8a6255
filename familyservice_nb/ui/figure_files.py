"""Charts as files: any dashboard figure saved as PNG or SVG for a report, offline.

Rendered by kaleido 0.2.1, whose wheel carries its own headless renderer (no browser is downloaded or
started from the system), with the plotly.js that ships inside the plotly package, and MathJax switched
off: nothing is fetched from another host. (plotly's own `fig.write_image` needs kaleido 1.x, which
drives a separately installed Chrome.)

    from familyservice_nb.ui import charts, figure_files
    fig = charts.worker_on_time_figure(fs.timeliness_by_worker(out))
    figure_files.save_figure(fig, "on-time-by-worker.png")     # or .svg
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import plotly
import plotly.graph_objects as go

from ..errors import WorkbookError
from ..export import write_file

FORMATS = ("png", "svg")
WIDTH, HEIGHT, PNG_SCALE = 1000, 600, 2  # layout pixels; PNGs drawn at twice that for print


@functools.lru_cache(maxsize=1)
def _scope():
    """One renderer per process (starting it takes about a second; later figures are quick)."""
    try:
        from kaleido.scopes.plotly import PlotlyScope
    except ImportError:
        raise WorkbookError(
            "Saving a chart as a picture needs the kaleido package (version 0.2.1); install the workbook "
            "again with `make install`."
        ) from None
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return PlotlyScope(plotlyjs=str(plotly_js), mathjax=False)


def figure_bytes(fig: go.Figure, fmt: str = "png", width: int | None = None, height: int | None = None) -> bytes:
    """The figure as PNG or SVG bytes, at its own size (else `WIDTH` x `HEIGHT`)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise WorkbookError(f"A chart can be saved as PNG or SVG, not '{fmt}'.")
    layout = fig.layout
    width = width or layout.width or WIDTH
    height = height or layout.height or HEIGHT
    try:
        return _scope().transform(fig.to_dict(), format=fmt, width=width, height=height,
                                  scale=PNG_SCALE if fmt == "png" else 1)
    except ValueError as exc:
        raise WorkbookError(f"The chart could not be drawn as {fmt.upper()} ({exc}).") from None


def save_figure(fig: go.Figure, path: str | os.PathLike, fmt: str | None = None, width: int | None = None,
                height: int | None = None) -> Path:
    """Save a plotly figure as PNG or SVG (the format from `fmt`, else the file's ending)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise WorkbookError(f"Say whether to save '{path.name}' as PNG or SVG: end its name in .png or .svg.")
    return write_file(figure_bytes(fig, fmt, width, height), path)
