"""The GOV.UK error summary: at the top of the form, it takes focus, and each item is a link to its field.

When Complete fails, the problems must be seen first and reached by keyboard: listed at the top, not the
bottom; the focus on them, not dropped to the page; and each field telling a screen reader what is wrong
with it. This anywidget of our own:

- shows a titled list of problems, each a (field id, message) pair: generic, whatever finds the problems
  (the record's model, the store's completion rules);
- takes the keyboard focus each time `focus_count` goes up (the form raises it when Complete fails);
- makes each item a link that moves focus to its field's input (the field carries the class
  `fsnb-fid-<field id>`); an item without a field id is plain text;
- marks every field of its form that shows a problem (`.fsnb-field-problem`) with `aria-invalid="true"`
  and ties the message to the input with `aria-describedby`, and clears both once it is put right.
"""

from __future__ import annotations

from collections.abc import Iterable

import anywidget
import traitlets

_ESM = r"""
let counter = 0;
function inputsOf(field) {
  return [...field.querySelectorAll("input, textarea, select")].filter(
    (e) => e.type !== "hidden" && !e.closest(".fsnb-date-picker"));
}
function mark(form) {
  if (!form) return;
  form.querySelectorAll(".fsnb-field").forEach((field) => {
    if (field.parentElement && field.parentElement.closest(".fsnb-field")) return;
    const message = field.querySelector(".fsnb-field-problem");
    const help = field.querySelector(".fsnb-help");
    if (help && !help.id) help.id = `fsnb-help-${counter++}`;
    if (message && !message.id) message.id = `fsnb-problem-${counter++}`;
    const ids = [message ? message.id : null, help ? help.id : null].filter(Boolean).join(" ");
    for (const input of inputsOf(field)) {
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      if (ids) input.setAttribute("aria-describedby", ids); else input.removeAttribute("aria-describedby");
    }
  });
}
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "fsnb-error-summary";
  box.tabIndex = -1;
  const titleId = `fsnb-error-title-${counter++}`;
  box.setAttribute("aria-labelledby", titleId);
  el.appendChild(box);
  const form = () => el.closest(".fsnb-form") || el.closest(".fsnb-app");

  function draw() {
    const items = model.get("items") || [];
    box.replaceChildren();
    box.hidden = items.length === 0;
    box.setAttribute("role", items.length ? "alert" : "none");
    if (!items.length) return;
    const title = document.createElement("h2");
    title.id = titleId;
    title.className = "fsnb-error-summary-title";
    title.textContent = model.get("title");
    const list = document.createElement("ul");
    list.className = "fsnb-error-summary-list";
    for (const [fid, message] of items) {
      const li = document.createElement("li");
      if (fid) {
        const link = document.createElement("a");
        link.href = `#fsnb-fid-${fid}`;
        link.textContent = message;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          const field = document.querySelector(`.fsnb-fid-${CSS.escape(fid)}`);
          // its first input; for a part with none (an empty list) its first button ("Add a key date")
          const input = field && (inputsOf(field)[0] || field.querySelector("button:not([disabled])"));
          if (input) {
            input.scrollIntoView({ block: "center" });
            input.focus();
          }
        });
        li.appendChild(link);
      } else {
        li.textContent = message;
      }
      list.appendChild(li);
    }
    box.append(title, list);
  }
  let pending = null;
  const remark = () => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; mark(form()); }, 30);
  };
  const observer = new MutationObserver(remark);
  setTimeout(() => {
    const root = form();
    if (root) observer.observe(root, { childList: true, subtree: true });
    mark(root);
  }, 0);
  model.on("change:items", () => { draw(); remark(); });
  model.on("change:title", draw);
  model.on("change:focus_count", () => {
    draw();
    box.scrollIntoView({ block: "start" });
    box.focus();
  });
  // Focus moved by the form (after Start, Complete...): the first input of what `focus_selector` names,
  // or the element itself; tried for a moment, as the element may still be on its way to the page.
  function moveFocus() {
    const selector = model.get("focus_selector");
    if (!selector || Date.now() - model.get("focus_at") > 15000) return;
    const started = Date.now();
    const attempt = () => {
      const root = form();
      const target = root && root.querySelector(selector);
      if (target && target.offsetParent !== null) {
        const input = target.matches("input, textarea, select, button") ? target : inputsOf(target)[0];
        const into = input || target;
        if (!input && !target.hasAttribute("tabindex")) target.tabIndex = -1;
        into.scrollIntoView({ block: "center" });
        into.focus();
        return;
      }
      if (Date.now() - started < 5000) setTimeout(attempt, 100);
    };
    setTimeout(attempt, 0);
  }
  model.on("change:focus_at", moveFocus);
  moveFocus();
  draw();
  return () => observer.disconnect();
}
export default { render };
"""


def field_id(*loc) -> str:
    """The id a field is found by: its name, and for a row's field its list, row and name (actions-0-what)."""
    return "-".join(str(part) for part in loc).replace("_", "-")


class ErrorSummary(anywidget.AnyWidget):
    """A list of problems, each (field id or "", message), that takes focus when asked (see the module)."""

    _esm = _ESM
    title = traitlets.Unicode("There is a problem").tag(sync=True)
    items = traitlets.List().tag(sync=True)
    focus_count = traitlets.Int(0).tag(sync=True)
    focus_selector = traitlets.Unicode("").tag(sync=True)
    focus_at = traitlets.Float(0).tag(sync=True)  # ms since 1970: a request older than 15 s is not acted on

    def show(self, title: str, problems: Iterable[tuple[str | None, str]], *, focus: bool = False) -> None:
        self.title = title
        self.items = [[fid or "", str(message)] for fid, message in problems]
        if focus:
            self.focus_count += 1

    def move_focus(self, selector: str) -> None:
        """Move the keyboard focus to the first input inside `selector` (or to it) within the form."""
        import time

        self.focus_selector = selector
        self.focus_at = time.time() * 1000

    def clear(self) -> None:
        self.items = []

    @property
    def messages(self) -> list[str]:
        return [message for _fid, message in self.items]

    @property
    def value(self) -> str:
        """The summary as plain text (empty when there is no problem)."""
        return " ".join([self.title, *self.messages]) if self.items else ""
