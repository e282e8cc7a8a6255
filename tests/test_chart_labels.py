"""Chart labels are text, never markup: a worker or team named like an HTML link shows as
those characters in every chart that names them, in its labels and its hover text."""

from __future__ import annotations

import html

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from familyservice_nb.export import plain_label, plain_labels

LINK = '<a href="http://x.invalid">click</a>'
BOLD = "<b>Sam</b> & Co"


@given(st.text())
def test_a_label_reads_back_as_the_name_and_holds_no_markup(name):
    label = plain_label(name)
    assert html.unescape(label) == name  # as a browser reads it: the name itself
    assert "<" not in label and ">" not in label


def test_the_attack_names():
    assert plain_label(LINK) == '&lt;a href="http://x.invalid"&gt;click&lt;/a&gt;'
    assert list(plain_labels([BOLD, "Alex Ashdown", 7])) == ["&lt;b&gt;Sam&lt;/b&gt; &amp; Co", "Alex Ashdown", "7"]


def figures_table(by: str, names: list[str]) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame({by: names, "pct_on_time": [50.0 + i for i in range(n)], "on_time": [1] * n, "late": [1] * n,
                         "overdue": [0] * n, "counted": [2] * n, "median_working_days": [3.0] * n})


def test_every_chart_that_names_people_or_teams_shows_names_as_text():
    from familyservice_nb.ui import charts

    names = [LINK, BOLD, "Alex Ashdown"]
    escaped = {plain_label(n) for n in names}
    figures = [
        charts.worker_on_time_figure(figures_table("worker", names), overall_pct=50.0),
        charts.team_on_time_figure(figures_table("team", names)),
        charts.on_time_bars_figure(figures_table("worker", names), "worker", "By worker", "Worker"),
    ]
    gaps = pd.DataFrame({"team": names, "a": [1, 2, 3], "total": [1, 2, 3]})
    figures.append(charts.gaps_figure(gaps, "team", {"a": "Cases without supervision"}, "Team"))
    for fig in figures:
        for trace in fig.data:
            if trace.y is not None and len(trace.y) and isinstance(trace.y[0], str):
                assert set(trace.y) == escaped, (type(fig), trace.y)
