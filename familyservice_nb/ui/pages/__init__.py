"""The app's pages: one module per notebook in `dashboards/`, with the same name (`case-note.ipynb` shows
`pages/case_note.py`). Each notebook imports its page's class and shows it; nothing else lives there.
A page module is imported only by its own notebook, so a page loads only what it needs."""
