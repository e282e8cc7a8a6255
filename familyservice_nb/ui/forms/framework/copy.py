"""'Copy for Mosaic': the record's text in a read-only box, with a button that copies it.

A tiny anywidget: its script travels inside the widget (no outside server), puts the text into a
`<textarea>` as its *value* (never as markup, so no user text is ever run as script), and on a click
copies it with the page's clipboard, or, where the browser refuses, selects it for Ctrl+C.
"""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
function render({ model, el }) {
  // Unique in the page: anywidget may load this module once per widget, so a counter of its own
  // restarts at 0, and two boxes drawn in the same millisecond shared an id (a label named the other box).
  window.fsnbWidgetIds = (window.fsnbWidgetIds || 0) + 1;
  const id = `fsnb-mosaic-${window.fsnbWidgetIds}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "fsnb-copy-label";
  label.textContent = model.get("label");
  const area = document.createElement("textarea");
  area.id = id;
  area.readOnly = true;
  area.className = "fsnb-copy-text";
  area.rows = model.get("rows");
  area.value = model.get("text");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-button mod-primary fsnb-copy-button";
  button.textContent = model.get("button");
  const status = document.createElement("span");
  status.className = "fsnb-copy-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  button.addEventListener("click", async () => {
    area.focus();
    area.select();
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(area.value);
        copied = true;
      }
    } catch (e) { copied = false; }
    if (!copied) {
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    }
    status.textContent = copied
      ? "Copied. Paste it into Mosaic with Ctrl+V."
      : "The text is selected: press Ctrl+C to copy it.";
    model.set("copies", model.get("copies") + 1);
    model.save_changes();
  });
  model.on("change:text", () => { area.value = model.get("text"); status.textContent = ""; });
  const bar = document.createElement("div");
  bar.className = "fsnb-copy-bar";
  bar.append(button, status);
  el.classList.add("fsnb-copy");
  el.append(label, area, bar);
}
export default { render };
"""


class CopyText(anywidget.AnyWidget):
    """Read-only text with a copy button; `copies` counts the clicks."""

    _esm = _ESM
    text = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Text for Mosaic").tag(sync=True)
    button = traitlets.Unicode("Copy for Mosaic").tag(sync=True)
    rows = traitlets.Int(14).tag(sync=True)
    copies = traitlets.Int(0).tag(sync=True)
