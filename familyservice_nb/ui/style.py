"""The workbook's look: one small stylesheet, carried by the page itself (no outside fonts or CSS).

It travels inside an HTML widget, so a page looks the same under Voila and in JupyterLab.
"""

from __future__ import annotations

import ipywidgets as widgets

CSS = """
.fsnb-app { max-width: 1180px; margin: 0 auto; color: #1b1b1b; font-size: 15px; line-height: 1.45; }
.fsnb-app .widget-html-content { line-height: 1.45; }
.fsnb-app a { color: #1d4f91; }
.fsnb-app a:focus, .fsnb-app a:hover { color: #0b2f5e; text-decoration-thickness: 2px; }
.fsnb-header { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap;
  border-bottom: 3px solid #1d4f91; padding: 4px 0 8px; margin-bottom: 12px; gap: 8px; }
.fsnb-header .fsnb-home { font-weight: 600; font-size: 16px; text-decoration: none; }
.fsnb-header .fsnb-user { color: #444; font-size: 14px; }
.fsnb-app h1 { font-size: 28px; margin: 8px 0 4px; font-weight: 600; }
.fsnb-app h2 { font-size: 20px; margin: 20px 0 6px; font-weight: 600; }
.fsnb-app p { margin: 4px 0 8px; }
.fsnb-lede { color: #333; font-size: 16px; }
.fsnb-as-of { font-weight: 600; }
.fsnb-muted { color: #555; font-size: 13px; }
.fsnb-pages { list-style: none; padding: 0; margin: 8px 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; }
.fsnb-pages li { border: 1px solid #c8ccd2; border-left: 5px solid #1d4f91; border-radius: 4px;
  padding: 10px 14px; background: #fff; }
.fsnb-pages a { font-size: 17px; font-weight: 600; }
.fsnb-pages p { color: #333; margin: 4px 0 0; }
.fsnb-cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 4px; }
.fsnb-card { flex: 1 1 160px; border: 1px solid #c8ccd2; border-radius: 4px; padding: 8px 14px; background: #fff; }
.fsnb-card-value { font-size: 26px; font-weight: 700; }
.fsnb-card-label { font-size: 14px; color: #222; }
.fsnb-card-note { font-size: 12px; color: #555; }
.fsnb-table-wrap { max-height: 520px; overflow: auto; border: 1px solid #c8ccd2; border-radius: 4px; }
table.fsnb-table { border-collapse: collapse; width: 100%; font-size: 14px; line-height: 1.35; }
table.fsnb-table caption { text-align: left; padding: 6px 8px; color: #333; caption-side: top; }
table.fsnb-table th { position: sticky; top: 0; background: #e8edf4; text-align: left;
  padding: 6px 8px; border-bottom: 2px solid #1d4f91; white-space: nowrap; }
table.fsnb-table td { padding: 5px 8px; border-bottom: 1px solid #e1e4e8; vertical-align: top; }
table.fsnb-table tbody tr:nth-child(even) { background: #f5f7fa; }
table.fsnb-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.fsnb-empty { font-style: italic; color: #444; }
.fsnb-problem { border: 2px solid #b00020; border-radius: 4px; padding: 10px 14px; background: #fff4f4; }
.fsnb-problem strong { color: #8a0019; }
.fsnb-notice { border-left: 5px solid #b26a00; padding: 6px 12px; background: #fff8ec; }
"""


def stylesheet() -> widgets.HTML:
    """The stylesheet as a widget: put it first in every page."""
    return widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none"))
