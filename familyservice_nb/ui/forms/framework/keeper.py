"""Nothing typed is lost: the browser keeps what is typed until the workbook confirms it is saved.

Issue 13. A small anywidget of our own (its script travels inside the widget) that sits in every form:

- it watches the form's inputs in the browser and keeps their values in the browser's localStorage,
  under the page and record (`key`), until the kernel confirms they are saved;
- it asks the kernel every couple of seconds whether everything it has seen is saved ("ping"); when no
  answer comes, the connection (or the kernel) is gone: it says so at once ("Not saved: connection
  lost...") instead of the green "Saved", and refuses "Complete" and "Save draft" with a message, so a
  click is never lost silently;
- when the connection returns, it sends the kept values back and the kernel saves them; when the page is
  opened again (after a server restart, a closed laptop), the kept values are put back into the record and
  saved, and the page says so.

The kernel side maps each input to a stable path (`part name/position`), so values find their input again
in a new kernel. Text the browser keeps is removed once saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import anywidget
import ipywidgets as widgets
import traitlets

_ESM = r"""
const PING_MS = 1500;
const LOST_MS = 5000;
const LOST = "Not saved: connection lost. Keep this page open; your text is kept.";
const NOT_COMPLETED = "Not completed: the connection to the workbook is lost. Keep this page open; your text is "
  + "kept in this browser and is saved when the connection returns (or put back when you open this record again).";

function storageKey(key) { return "fsnb-draft:" + key; }
function readKept(key) {
  if (!key) return null;
  try { return JSON.parse(window.localStorage.getItem(storageKey(key)) || "null"); } catch (e) { return null; }
}
function writeKept(key, entry) {
  if (!key) return;
  try { window.localStorage.setItem(storageKey(key), JSON.stringify(entry)); } catch (e) { /* storage full or off */ }
}
function dropKept(key) { try { window.localStorage.removeItem(storageKey(key)); } catch (e) { /* nothing kept */ } }

function render({ model, el }) {
  el.classList.add("fsnb-keeper");
  const banner = document.createElement("div");
  banner.className = "fsnb-offline-banner";
  banner.setAttribute("role", "alert");
  banner.tabIndex = -1;
  banner.hidden = true;
  el.appendChild(banner);

  let key = model.get("key");
  let seq = 0;
  let lastAnswer = Date.now();
  let online = true;
  let values = {};
  const watching = new Map();
  const earlier = readKept(key);  // read before anything on this page can overwrite it

  function keep() {
    writeKept(key, { values: values, at: Date.now(), unsaved: true, page: model.get("page") });
  }
  async function watch() {
    const ids = model.get("watched") || {};
    for (const [id, path] of Object.entries(ids)) {
      if (watching.has(id)) { watching.get(id).path = path; continue; }
      const entry = { path: path };
      watching.set(id, entry);
      try {
        const other = await model.widget_manager.get_model(id);
        values[entry.path] = other.get("value");
        other.on("change:value", () => { values[entry.path] = other.get("value"); seq += 1; keep(); });
      } catch (e) { watching.delete(id); }
    }
  }
  function setOnline(now) {
    if (now === online) return;
    online = now;
    document.body.classList.toggle("fsnb-offline", !online);
    if (!online) {
      banner.textContent = LOST;
      banner.hidden = false;
    } else {
      banner.hidden = true;
      banner.textContent = "";
      const kept = readKept(key);
      if (kept && kept.unsaved) send({ type: "restore", values: kept.values, at: kept.at, again: true });
    }
  }
  function send(message) {
    try { model.send(message); } catch (e) { /* the next ping notices */ }
  }
  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg !== "object") return;
    lastAnswer = Date.now();
    setOnline(true);
    if (msg.type === "pong" && msg.saved && msg.seq === seq) dropKept(key);
  });
  model.on("change:key", () => {
    const next = model.get("key");
    const kept = readKept(key);
    if (kept && next && next !== key) { writeKept(next, kept); dropKept(key); }
    key = next;
  });
  model.on("change:watched", watch);

  const timer = setInterval(() => {
    send({ type: "ping", seq: seq });
    if (Date.now() - lastAnswer > LOST_MS) setOnline(false);
  }, PING_MS);
  window.addEventListener("offline", () => setOnline(false));

  // A click the kernel would never get: say so instead of failing silently.
  const refuse = (event) => {
    if (online) return;
    const button = event.target.closest && event.target.closest(".fsnb-complete, .fsnb-save");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    banner.textContent = button.classList.contains("fsnb-complete") ? NOT_COMPLETED : LOST;
    banner.hidden = false;
    banner.focus();
  };
  document.addEventListener("click", refuse, true);

  watch().then(() => {
    if (earlier && earlier.unsaved && earlier.values) {
      send({ type: "restore", values: earlier.values, at: earlier.at, again: false });
    }
  });
  return () => {
    clearInterval(timer);
    document.removeEventListener("click", refuse, true);
  };
}
export default { render };
"""

# Inputs whose values the browser keeps (a calendar's DatePicker follows its text box, so it is left out).
_KEPT = (widgets.Text, widgets.Textarea, widgets.Combobox, widgets.Checkbox, widgets.RadioButtons,
         widgets.Dropdown)


def inputs_of(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    """The inputs inside a widget, in the order the page shows them."""
    if isinstance(widget, _KEPT) or getattr(widget, "fsnb_kept", False):
        yield widget
        return
    for child in getattr(widget, "children", ()):
        yield from inputs_of(child)


class TypingKeeper(anywidget.AnyWidget):
    """Keeps what is typed in the browser until the kernel has saved it (see the module's docstring)."""

    _esm = _ESM
    key = traitlets.Unicode("").tag(sync=True)
    page = traitlets.Unicode("").tag(sync=True)
    watched = traitlets.Dict().tag(sync=True)  # model id -> path

    def __init__(self, *, page: str, key: str, is_saved: Callable[[], bool],
                 restore: Callable[[dict, bool], None]):
        super().__init__(page=page, key=key)
        self.is_saved = is_saved
        self.restore = restore
        self.paths: dict[str, widgets.Widget] = {}
        self.on_msg(self._message)

    def follow(self, parts: dict) -> None:
        """Watch the inputs of the form's parts (again after rows are added or removed)."""
        paths: dict[str, widgets.Widget] = {}
        for name, part in parts.items():
            for i, control in enumerate(inputs_of(part.widget)):
                paths[f"{name}/{i}"] = control
        self.paths = paths
        watched = {control.model_id: path for path, control in paths.items()}
        if watched != self.watched:
            self.watched = watched

    def values(self) -> dict:
        return {path: control.value for path, control in self.paths.items()}

    def put_back(self, values: dict) -> int:
        """Set each kept value on its input where it differs; the number of inputs changed."""
        changed = 0
        for path, value in (values or {}).items():
            control = self.paths.get(path)
            if control is None or control.value == value:
                continue
            try:
                control.value = value
            except (traitlets.TraitError, ValueError, TypeError):
                continue  # an option that no longer exists: leave the input as it is
            changed += 1
        return changed

    def _message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "ping":
            self.send({"type": "pong", "seq": content.get("seq"), "saved": bool(self.is_saved())})
        elif content.get("type") == "restore":
            self.restore(content.get("values") or {}, bool(content.get("again")))
            self.send({"type": "pong", "seq": None, "saved": False})
