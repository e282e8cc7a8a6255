"""The workbook's look: one stylesheet (`workbook.css` beside this file), carried by the page itself.

It travels inside an HTML widget, so a page looks the same under Voila and in JupyterLab, and no outside
font or stylesheet is ever fetched. `AppPage` puts it first in every page: pages add no styles of their own.
"""

from __future__ import annotations

import functools
from pathlib import Path

import ipywidgets as widgets


@functools.cache
def css() -> str:
    return (Path(__file__).with_name("workbook.css")).read_text(encoding="utf-8")


def stylesheet() -> widgets.HTML:
    """The stylesheet as a widget: put it first in every page (`AppPage` does)."""
    return widgets.HTML(f"<style>{css()}</style>", layout=widgets.Layout(display="none"))
