"""How forms look: labels above their inputs, help text under them, problems in red beside them,
a clear focus ring for keyboard users, and the Save / Complete bar always in reach."""

from __future__ import annotations

import ipywidgets as widgets

CSS = """
.fsnb-form-page .fsnb-lede { max-width: 60em; }
.fsnb-form-page .fsnb-section { border: 1px solid #c8ccd2; border-radius: 6px; padding: 2px 18px 12px;
  margin: 12px 0; background: #fff; box-sizing: border-box; }
.fsnb-form-page .fsnb-section h2 { font-size: 19px; margin: 12px 0 2px; color: #0b2f5e; }
.fsnb-form-page .fsnb-intro { color: #333; margin: 0 0 6px; }
.fsnb-form-page .fsnb-context { font-size: 16px; margin: 10px 0 0; }
.fsnb-form-page .fsnb-chooser { border: 1px solid #c8ccd2; border-left: 5px solid #1d4f91; border-radius: 6px;
  padding: 8px 14px; background: #f7f9fc; box-sizing: border-box; }
.fsnb-form-page .fsnb-chooser-line { gap: 16px; }
.fsnb-form-page .fsnb-chooser-line .jupyter-button { margin-bottom: 4px; }
.fsnb-stacked.widget-inline-hbox { flex-direction: column; align-items: stretch; height: auto;
  margin-left: 0; margin-right: 0; max-width: 100%; box-sizing: border-box; }
.fsnb-form-page .fsnb-field { max-width: 100%; box-sizing: border-box; }
.fsnb-stacked > .widget-label { width: auto !important; max-width: none; text-align: left; font-weight: 600;
  font-size: 15px; line-height: 1.35; white-space: normal; margin: 0 0 3px 0; height: auto; color: #1b1b1b;
  overflow: visible; }
.fsnb-stacked > textarea, .fsnb-stacked > input, .fsnb-stacked > select { flex: 0 0 auto; width: 100%;
  box-sizing: border-box; font-size: 15px; font-family: inherit; }
.fsnb-stacked > input, .fsnb-stacked > select { height: 32px; }
.fsnb-stacked > textarea { line-height: 1.4; padding: 5px 7px; resize: vertical; }
.fsnb-kind-yesno .widget-radio-box, .fsnb-kind-choice .widget-radio-box { flex-direction: row; flex-wrap: wrap;
  gap: 4px 22px; }
.fsnb-form-page .widget-radio-box label { font-size: 15px; white-space: normal; line-height: 1.5; }
.fsnb-form-page .widget-checkbox .widget-label-basic span { font-size: 15px; white-space: normal; }
.fsnb-form-page .widget-checkbox { height: auto; min-height: 28px; }
.fsnb-form-page .fsnb-kind-check .widget-label-basic span { font-weight: 600; }
.fsnb-help { color: #454545; font-size: 13.5px; margin: 1px 0 2px; line-height: 1.35; }
.fsnb-field { margin: 4px 0 6px; }
.fsnb-field-problem { border-left: 4px solid #b00020; padding: 2px 8px; margin: 2px 0; color: #8a0019;
  font-weight: 600; font-size: 14px; display: flex; flex-direction: column; }
.fsnb-has-problem textarea, .fsnb-has-problem input, .fsnb-has-problem select { border-color: #b00020 !important;
  border-width: 2px !important; }
.fsnb-row { border-left: 4px solid #d5dbe3; padding: 0 0 4px 12px; margin: 8px 0; box-sizing: border-box; }
.fsnb-row-title { margin: 6px 0 0; font-size: 16px; }
.fsnb-row .fsnb-muted { margin: 0 0 2px; }
.fsnb-form-page .fsnb-legend { font-weight: 600; margin: 6px 0 0; }
.fsnb-date-line { gap: 6px; }
.fsnb-date .fsnb-date-text { width: 12em; flex: 0 0 auto; }
.fsnb-date-picker { width: auto !important; height: auto !important; margin: 0 0 0 2px; }
.fsnb-kind-choice.widget-dropdown > select { max-width: 34em; }
.fsnb-date-picker > .widget-label { position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; margin: 0; padding: 0; }
.fsnb-date-picker input[type="date"] { width: 2.9em; height: 32px; padding: 0 4px; cursor: pointer;
  box-sizing: border-box; }
.fsnb-date-picker input[type="date"]::-webkit-datetime-edit { display: none; }
.fsnb-date-echo { margin: 0; min-height: 0; }
.fsnb-date-echo .fsnb-muted { font-size: 13px; }
.fsnb-due-text { font-weight: 600; border-left: 5px solid #1d4f91; padding: 4px 10px; background: #eef3fa;
  margin: 6px 0; }
.fsnb-actions { position: sticky; bottom: 0; background: #f3f6fa; border-top: 3px solid #1d4f91;
  padding: 8px 12px; gap: 12px; z-index: 10; box-sizing: border-box; margin-top: 8px; }
.fsnb-status { font-size: 15px; }
.fsnb-saved { color: #1b5e20; font-weight: 600; }
.fsnb-save-failed { color: #8a0019; font-weight: 600; }
.fsnb-done { border-left: 5px solid #1b5e20; background: #eef7ee; padding: 8px 12px; margin: 8px 0; }
.fsnb-offer .fsnb-notice { margin: 8px 0; }
.fsnb-summary ul { margin: 6px 0 0 18px; padding: 0; }
.fsnb-form-page .jupyter-button { font-size: 15px; height: 34px; padding: 0 14px; }
.fsnb-form-page .fsnb-remove { height: 30px; font-size: 14px; }
.fsnb-form-page .fsnb-add { margin: 4px 0; }
.fsnb-form-page :focus-visible { outline: 3px solid #ffbf47 !important; outline-offset: 1px; }
.fsnb-form-page button:focus, .fsnb-form-page input:focus, .fsnb-form-page textarea:focus,
.fsnb-form-page select:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.fsnb-copy { display: flex; flex-direction: column; gap: 6px; width: 100%; }
.fsnb-copy-label { font-weight: 600; }
.fsnb-copy-text { width: 100%; box-sizing: border-box; font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
  font-size: 14px; line-height: 1.4; padding: 8px; background: #fbfbfb; }
.fsnb-copy-bar { display: flex; align-items: center; gap: 12px; }
.fsnb-copy-status { color: #1b5e20; font-weight: 600; }
.fsnb-history { margin: 8px 0; max-height: 360px; }
.fsnb-figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.fsnb-prompts { border-left: 4px solid #b26a00; background: #fff8ec; padding: 6px 12px; font-size: 14px; }
.fsnb-prompts ul { margin: 4px 0 0 18px; padding: 0; }
"""


def forms_stylesheet() -> widgets.HTML:
    return widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none"))
