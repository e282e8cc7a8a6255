"""The record forms, built from the record models; their pages are in `ui/pages/`.

- `framework/`: what every form shares: `fields` (an input from a model field), `rows` (add/remove
  lists), `parts` (a field however shown), `form` (drafts that save themselves, checking, completing,
  amending), `app` and `case_app` (choosing whose record, offering a draft back, links into the page),
  `drafts`, `autosave`, `chooser`, `history`, `copy`, `due_date`, `request`, `values`.
- One module per form body: `discussion` (case supervision, review and closure summaries, and the
  sections they share: `action_review`, `children`, `pbr`), `session`, `gfpo`, `case_note`,
  `line_management`.
"""
