"""The app's screens: ipywidgets pages shown by the notebooks in `dashboards/` (DESIGN.md: Layers).

- `pages/`: one module per page notebook, same name (`recording-timeliness.ipynb` -> `recording_timeliness.py`);
- `forms/`: the record forms, with their shared `framework/` apart;
- `kit/`: what pages are made of: shell, context, html, the stylesheet, date input, tables with Excel
  download, the filter bar, upload, and the notes a dashboard reads (through `Store` only);
- `charts.py`: every chart, a build/update pair each, for the pages and the analyst notebooks alike.

The figures the pages show are worked out in the domain (`familyservice_nb.figures`, `timeliness`,
`oversight`, `standards`); nothing here decides what is late.
"""
