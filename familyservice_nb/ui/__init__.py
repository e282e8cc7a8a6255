"""The app's screens: ipywidgets pages shown by the notebooks in dashboards/ (DESIGN.md: Layers).

- `shell`: the frame every page sits in (`AppPage`), and `build_page`, which shows a plain-words
  `ProblemPage` instead of a traceback when a page cannot be built;
- `context`: who the user is and which data the page reads, from environment variables;
- `pages`: the pages the landing page lists (each notebook declares itself in its metadata);
- `html`, `style`: escaped HTML tables and cards, and the workbook's stylesheet;
- `charts`: plotly figures and the widget that shows them;
- `landing`, `recording_timeliness`: the pages; `forms/`: the record forms.
"""
