"""Nothing typed is lost: the browser keeps what is typed until the workbook confirms it is saved.

A small anywidget of our own (its script travels inside the widget) that sits in every form:

- it watches the form's inputs in the browser and keeps what is typed in the browser's localStorage until the
  kernel confirms it is saved. Each page keeps its own copy (`fsnb-draft:<key>#<page id>`, `key` naming the
  page and record), holding only what was typed since the kernel last said all is saved, so one tab's save
  never removes what another tab of the same record still waits to save;
- it hears at once when the kernel's socket closes or the kernel dies (the kernel connection of ipywidgets
  8's widget manager, `model.widget_manager.kernel`: `connectionStatusChanged`, `statusChanged`), and asks
  the kernel after each keystroke and every second whether everything it has seen is saved ("ping"): a
  keystroke not answered within a second (the server stopping kills the kernels at once but closes the
  socket seconds later), or a ping within 2.5 s, means the connection (or the kernel) is gone. It then says
  so ("Not saved: connection lost...") instead of the green "Saved", and refuses "Complete" and "Save
  draft" with a message, so a click is never lost silently;
- when the connection returns, it sends what it kept and the kernel saves it. When it will not return (this
  page's kernel is dead, the server answers that it no longer knows it, i.e. it was restarted, or the
  reconnection gave up), or after a minute lost, it says what to do: open the record again;
- when a record is opened, the copies other pages kept of it and cannot save (closed, or lost their
  connection; not those of a connected tab, which still beat) are put back, field by field the newest,
  saved, and removed once saved; the page says so.

The kernel side maps each input to a stable path (`part name/position`), so values find their input again
in a new kernel. Text the browser keeps is removed once saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import anywidget
import ipywidgets as widgets
import traitlets

_ESM = r"""
const PING_MS = 1000;      // how often the kernel is asked whether all is saved
const ACK_MS = 1000;       // a keystroke the kernel has not answered by then is not saved: say so (the server
                           // stopping kills the kernels at once but closes the socket only seconds later)
const PING_LOST_MS = 2500; // no answer to a ping by then (a connection that died without closing)
const BUSY_MS = 10000;     // ... unless the kernel showed life since (busy with a long task on a live socket)
const LONG_MS = 60000;     // lost this long: say what to do instead of "keep this page open"
const PROBE_MS = 2000;     // while lost, ask the server this often whether this page's kernel still exists
const LIVE_MS = 4000;      // another tab's copy younger than this, from a connected tab, is that tab's to save
const PREFIX = "fsnb-draft:";
const LOST = "Not saved: connection lost. Keep this page open; your text is kept.";
const AGAIN = "open this record again (reload the page, or open it from the workbook's new link if it asks for "
  + "one) and it will be put back.";
const RESTARTED = "Not saved: the workbook was restarted. Your text is kept in this browser: " + AGAIN;
const LONG_LOST = "Not saved: the connection to the workbook has been lost for a while. Your text is kept in this "
  + "browser: when the workbook is back, " + AGAIN;
const NOT_COMPLETED = "Not completed: the connection to the workbook is lost. Keep this page open; your text is "
  + "kept in this browser and is saved when the connection returns (or put back when you open this record again).";
const NOT_COMPLETED_GONE = "Not completed: the connection to the workbook is lost for good. Your text is kept in "
  + "this browser: " + AGAIN;

// Each page keeps its own copy, "fsnb-draft:<key>#<this page's id>", so one tab's save never removes the
// text another tab (of the same record) still waits to save.
const TAB = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
  : Date.now().toString(36) + Math.random().toString(36).slice(2);
function ownKey(key) { return PREFIX + key + "#" + TAB; }
function copiesOf(key) {
  // every copy kept of this record: [storage key, entry], the copy from before per-tab copies included
  const found = [];
  if (!key) return found;
  try {
    for (let i = 0; i < window.localStorage.length; i++) {
      const name = window.localStorage.key(i);
      if (name !== PREFIX + key && !(name && name.startsWith(PREFIX + key + "#"))) continue;
      try {
        const entry = JSON.parse(window.localStorage.getItem(name) || "null");
        if (entry && typeof entry === "object") found.push([name, entry]);
      } catch (e) { /* not ours */ }
    }
  } catch (e) { /* storage off */ }
  return found;
}
function write(name, entry) {
  try { window.localStorage.setItem(name, JSON.stringify(entry)); } catch (e) { /* storage full or off */ }
}
function read(name) {
  try { return JSON.parse(window.localStorage.getItem(name) || "null"); } catch (e) { return null; }
}
function drop(name) { try { window.localStorage.removeItem(name); } catch (e) { /* nothing kept */ } }

function render({ model, el }) {
  el.classList.add("fsnb-keeper");
  const banner = document.createElement("div");
  banner.className = "fsnb-offline-banner";
  banner.setAttribute("role", "alert");
  banner.tabIndex = -1;
  banner.hidden = true;
  el.appendChild(banner);

  let key = model.get("key");
  let seq = 0;                 // the keystrokes seen; the kernel answers a ping with the seq it was sent
  let changed = {};            // path -> {value, at}: typed since the kernel last said all is saved
  const typedAt = new Map();   // seq -> when it was typed, for keystrokes the kernel has not answered
  let pingSince = null;        // when the oldest unanswered ping was sent
  let lastPing = 0;
  let pingedSeq = 0;           // the seq the last ping carried
  let lastBeat = 0;
  let online = true;
  let lostSince = null;
  let gone = null;             // "restarted" or "long": the connection will not come back to this page
  let adopted = [];            // [storage key, its time] of other pages' copies put back here
  let restoring = false;       // a restore the kernel has not answered yet
  let probing = false;
  let lastProbe = 0;
  const watching = new Map();

  // The kernel connection (ipywidgets 8's KernelWidgetManager under Voila): its socket closing or the
  // kernel dying is heard at once; the pings are the fallback where it cannot be reached.
  let kernel = null;
  try { kernel = (model.widget_manager && model.widget_manager.kernel) || null; } catch (e) { kernel = null; }
  const connected = () => !kernel || !kernel.connectionStatus || kernel.connectionStatus === "connected";
  // Not answered, but alive: busy now, or it said busy/idle well after `since` (working through a backlog).
  let lifeAt = 0;
  const alive = (since) => !!kernel && connected() && (kernel.status === "busy" || lifeAt > since + 300);

  function hasChanges() { return Object.keys(changed).length > 0; }
  function values() {
    const out = {};
    for (const [path, it] of Object.entries(changed)) out[path] = it.value;
    return out;
  }
  function keep(create, beat) {
    if (!key) return;
    if (!hasChanges()) { drop(ownKey(key)); return; }
    // gone although nothing here was saved: another page put it back and saved it; it is not kept twice
    if (!create && read(ownKey(key)) === null) { changed = {}; return; }
    const times = {};
    let at = 0;
    for (const [path, it] of Object.entries(changed)) { times[path] = it.at; at = Math.max(at, it.at); }
    lastBeat = Date.now();
    write(ownKey(key), { values: values(), times: times, at: at, unsaved: true, page: model.get("page"),
                         tab: TAB, online: online, beat: beat === undefined ? Date.now() : beat });
  }
  async function watch() {
    const ids = model.get("watched") || {};
    for (const [id, path] of Object.entries(ids)) {
      if (watching.has(id)) { watching.get(id).path = path; continue; }
      const entry = { path: path };
      watching.set(id, entry);
      try {
        const other = await model.widget_manager.get_model(id);
        other.on("change:value", () => typed(entry.path, other.get("value")));
      } catch (e) { watching.delete(id); }
    }
  }
  function typed(path, value) {
    const now = Date.now();
    seq += 1;
    changed[path] = { value: value, at: now };
    typedAt.set(seq, now);
    keep(true);
    if (online && now - lastPing > 250) ping();  // the kernel's answer tells that it heard this keystroke
  }
  let shown = "";
  function say() {  // only when what is to be said changes (a refused click's message stays until then)
    const now = online ? "" : (gone || "lost");
    if (now === shown) return;
    shown = now;
    if (online) { banner.hidden = true; banner.textContent = ""; return; }
    banner.textContent = gone === "restarted" ? RESTARTED : gone === "long" ? LONG_LOST : LOST;
    banner.hidden = false;
  }
  function setOnline(now) {
    if (now && gone === "restarted") return;  // this page's kernel is gone: no answer can come from it
    if (now === online) return;
    online = now;
    document.body.classList.toggle("fsnb-offline", !online);
    if (!online) {
      lostSince = Date.now();
      keep(false);  // the copy now says that this page cannot save it
    } else {
      lostSince = null;
      gone = null;
      pingSince = null;
      if (hasChanges()) { restoring = true; send({ type: "restore", values: values(), again: true }); }
      keep(false);
    }
    say();
  }
  function lose(why) {
    if (online) el.dataset.lost = why;  // what told it (kept on the element for those who look)
    setOnline(false);
  }
  function send(message) {
    try { model.send(message); return true; } catch (e) { return false; }
  }
  function ping() {
    if (!connected()) return;
    lastPing = Date.now();
    pingedSeq = seq;
    if (pingSince === null) pingSince = lastPing;
    send({ type: "ping", seq: seq });
  }
  function answered(msg) {
    pingSince = null;
    if (typeof msg.seq === "number") {
      for (const s of Array.from(typedAt.keys())) if (s <= msg.seq) typedAt.delete(s);
    } else if (msg.seq === null) {
      restoring = false;  // the kernel has put back what was sent (its answer to a restore)
    }
    setOnline(true);
    if (msg.type === "pong" && msg.saved && msg.seq === seq && !restoring) {
      changed = {};
      typedAt.clear();
      drop(ownKey(key));
      for (const [name, at] of adopted) {
        const now = read(name);
        if (now && now.at === at) drop(name);  // unless its page typed more since
      }
      adopted = [];
    }
  }
  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg !== "object") return;
    answered(msg);
  });

  // Copies of this record kept by pages that cannot save them (closed, or lost their connection): put back
  // here, field by field the newest, and saved; each is removed once saved (never a live tab's own copy).
  function adopt() {
    const now = Date.now();
    const merged = {};
    const taken = [];
    for (const [name, entry] of copiesOf(key)) {
      if (name === ownKey(key) || !entry.unsaved || !entry.values) continue;
      if (entry.tab && entry.online && now - (entry.beat || 0) < LIVE_MS) continue;  // its own tab saves it
      for (const [path, value] of Object.entries(entry.values)) {
        const at = (entry.times && entry.times[path]) || entry.at || 0;
        if (!(path in merged) || merged[path].at < at) merged[path] = { value: value, at: at };
      }
      taken.push([name, entry.at]);
    }
    if (!taken.length) return;
    const values = {};
    for (const [path, it] of Object.entries(merged)) values[path] = it.value;
    adopted = adopted.concat(taken);
    restoring = true;
    send({ type: "restore", values: values, at: now, again: false });
  }
  model.on("change:key", () => {
    const next = model.get("key");
    if (next === key) return;
    const moving = hasChanges() && key && read(ownKey(key)) !== null;
    if (moving) drop(ownKey(key));
    key = next;
    if (moving) keep(true);
    adopt();
  });
  model.on("change:watched", watch);

  // Where this page's kernel is still known to the server: asked only while the connection is lost.
  async function probe() {
    if (probing || !kernel || !kernel.serverSettings || !kernel.id) return;
    probing = true;
    lastProbe = Date.now();
    try {
      const settings = kernel.serverSettings;
      const base = settings.baseUrl.endsWith("/") ? settings.baseUrl : settings.baseUrl + "/";
      const headers = settings.token ? { Authorization: "token " + settings.token } : {};
      const answer = await window.fetch(base + "api/kernels/" + encodeURIComponent(kernel.id),
                                        { headers: headers, cache: "no-store", credentials: "same-origin" });
      // refused (a new server's token) or unknown (a new server's kernels): this kernel is gone for good
      if ([401, 403, 404, 410].includes(answer.status) && !online) { gone = "restarted"; say(); }
    } catch (e) { /* the server is not there (yet) */ }
    probing = false;
  }
  function check() {
    const now = Date.now();
    if (!connected()) lose("socket");
    const oldest = typedAt.size ? Math.min(...typedAt.values()) : null;
    if (oldest !== null && now - oldest > (alive(oldest) ? BUSY_MS : ACK_MS)) lose("keystroke");
    if (pingSince !== null && now - pingSince > (alive(pingSince) ? BUSY_MS : PING_LOST_MS)) lose("ping");
    if (!online) {
      if (!gone && kernel && kernel.connectionStatus === "disconnected") gone = "restarted";
      if (!gone && now - lostSince > LONG_MS) gone = "long";
      if (gone !== "restarted" && now - lastProbe > PROBE_MS) probe();
      say();
    }
    // the beat that tells other tabs whether this copy is this (live, connected) tab's to save
    if (hasChanges() && now - lastBeat > PING_MS) keep(false);
    if (now - lastPing > PING_MS || (pingedSeq < seq && now - lastPing > 250)) ping();
  }
  const timer = setInterval(check, 100);

  function onConnection(_sender, status) {
    if (status === "connected") { ping(); return; }
    if (status === "disconnected") gone = "restarted";
    lose("socket");
    say();
  }
  function onStatus(_sender, status) {
    lifeAt = Date.now();
    if (status === "dead" || status === "restarting" || status === "autorestarting") {
      gone = "restarted";  // this page's widgets are gone with the kernel
      lose("kernel");
      say();
    }
  }
  try {
    if (kernel && kernel.connectionStatusChanged) kernel.connectionStatusChanged.connect(onConnection);
    if (kernel && kernel.statusChanged) kernel.statusChanged.connect(onStatus);
  } catch (e) { kernel = null; }
  const offline = () => lose("offline");
  const hide = () => { if (hasChanges()) keep(false, 0); };  // a closed page's copy is for the next page to put back
  window.addEventListener("offline", offline);
  window.addEventListener("pagehide", hide);

  // A click the kernel would never get: say so instead of failing silently.
  const refuse = (event) => {
    if (online) return;
    const button = event.target.closest && event.target.closest(".fsnb-complete, .fsnb-save");
    if (!button) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const complete = button.classList.contains("fsnb-complete");
    banner.textContent = complete ? (gone ? NOT_COMPLETED_GONE : NOT_COMPLETED)
      : (gone === "restarted" ? RESTARTED : gone === "long" ? LONG_LOST : LOST);
    banner.hidden = false;
    banner.focus();
  };
  document.addEventListener("click", refuse, true);

  watch().then(adopt);
  return () => {
    clearInterval(timer);
    document.removeEventListener("click", refuse, true);
    window.removeEventListener("offline", offline);
    window.removeEventListener("pagehide", hide);
    try {
      if (kernel && kernel.connectionStatusChanged) kernel.connectionStatusChanged.disconnect(onConnection);
      if (kernel && kernel.statusChanged) kernel.statusChanged.disconnect(onStatus);
    } catch (e) { /* already gone */ }
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
