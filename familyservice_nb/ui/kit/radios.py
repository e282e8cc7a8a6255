"""A radio group the GOV.UK way: one named group, in a fieldset whose legend is the question.

ipywidgets' RadioButtons gives every option its own unnamed radio, so the arrow keys walk out of one
question into the next and tick answers there, and a screen reader hears "Done" without "Status of
action 1". Here the options are native radios sharing one `name` inside a `<fieldset>` with a
`<legend>`: the browser keeps the arrow keys inside the group, and the legend names it.

Values are strings or True/False (a yes/no question); None is "nothing chosen yet".
"""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
function render({ model, el }) {
  // Unique in the page: anywidget may load this module once per widget, so a counter of its own
  // restarts at 0, and two widgets drawn in the same millisecond shared a name (one radio group).
  window.fsnbWidgetIds = (window.fsnbWidgetIds || 0) + 1;
  const name = `fsnb-radios-${window.fsnbWidgetIds}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "fsnb-radios";
  const legend = document.createElement("legend");
  legend.className = "fsnb-radios-legend";
  fieldset.appendChild(legend);
  const list = document.createElement("div");
  list.className = "fsnb-radios-items";
  fieldset.appendChild(list);
  el.appendChild(fieldset);
  let inputs = [];

  function draw() {
    legend.textContent = model.get("description");
    list.replaceChildren();
    inputs = [];
    model.get("options").forEach(([label, value], i) => {
      const item = document.createElement("div");
      item.className = "fsnb-radios-item";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.id = `${name}-${i}`;
      input.value = String(i);
      const text = document.createElement("label");
      text.htmlFor = input.id;
      text.textContent = label;
      input.addEventListener("change", () => {
        if (input.checked) { model.set("value", value); model.save_changes(); }
      });
      item.append(input, text);
      list.appendChild(item);
      inputs.push([input, value]);
    });
    update();
  }
  function update() {
    const value = model.get("value");
    const disabled = model.get("disabled");
    fieldset.disabled = disabled;
    for (const [input, v] of inputs) {
      input.checked = value !== null && value === v;
      input.disabled = disabled;
    }
  }
  model.on("change:options", draw);
  model.on("change:description", () => { legend.textContent = model.get("description"); });
  model.on("change:value", update);
  model.on("change:disabled", update);
  draw();
}
export default { render };
"""


class RadioGroup(anywidget.AnyWidget):
    """Radios as one group: `options` are (label, value) pairs; `value` is the chosen value or None."""

    _esm = _ESM
    fsnb_kept = True  # the browser keeps its value while the connection is lost (forms/framework/keeper.py)
    description = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, description: str = "", options=(), value=None, **kwargs):
        super().__init__(description=description, options=[list(o) for o in options], value=None, **kwargs)
        self.value = value

    @traitlets.validate("value")
    def _known(self, proposal):
        value = proposal["value"]
        if value is not None and value not in [v for _label, v in self.options]:
            raise traitlets.TraitError(f"{value!r} is not one of the choices for {self.description}.")
        return value
