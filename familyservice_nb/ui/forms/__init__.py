"""The workbook's forms: one page per record the guidance names, built from the record models.

Each page notebook in `dashboards/` shows one of these apps (`CaseSupervisionApp.from_environment()`).
The framework: `fields` (an input from a model field), `rows` (add/remove lists), `parts` (a field
however shown), `form` (drafts that save themselves, checking, completing, amending), `app` and
`case_app` (choosing whose record, offering a draft back, links into the page).

Apps are imported when first asked for, so a page loads only its own form (and only the line
management page loads plotly).
"""

from importlib import import_module

_APPS = {
    "CaseSupervisionApp": "supervision",
    "ReviewSummaryApp": "supervision",
    "ClosureSummaryApp": "supervision",
    "SessionRecordApp": "session",
    "GFPOSessionApp": "gfpo",
    "CaseNoteApp": "case_note",
    "LineManagementApp": "line_management",
}

__all__ = sorted(_APPS)


def __getattr__(name: str):
    if name in _APPS:
        return getattr(import_module(f".{_APPS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
