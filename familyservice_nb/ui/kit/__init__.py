"""What every page is made of: `shell` (the frame, and a plain-words page instead of a traceback),
`context` (who the user is and which data the page reads), `catalogue` (the pages the landing page
lists), `html` (escaped tables and cards), `style` (the one stylesheet, `workbook.css`), `dateinput`
(a UK date field), `tables` (table sections with an Excel download), `filters` (the timeliness filter
bar), `upload` (an extract dropped on a page), `data` (the notes a dashboard shows, through `Store`)."""
