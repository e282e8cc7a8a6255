"""Charts saved as PNG and SVG, offline, by kaleido 0.2.1's own renderer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

import familyservice_nb as fs
from familyservice_nb.errors import WorkbookError
from familyservice_nb.ui import charts
from familyservice_nb.ui.figure_files import figure_bytes, save_figure

ROOT = Path(__file__).resolve().parents[2]
WORKERS = ["Alex Example", "Sam <Sample> & Co", "Jo Teammate"]


@pytest.fixture(scope="module")
def worker_figure():
    notes = pd.DataFrame({
        "note_id": [f"N{i}" for i in range(9)],
        "worker": [WORKERS[i % 3] for i in range(9)],
        "event_date": pd.to_datetime(["2026-11-02"] * 9),
        "recorded_at": pd.to_datetime(["2026-11-03", "2026-11-03", "2026-11-20"] * 3),
        "risk_identified": [False] * 9,
        "status": ["Complete"] * 9,
    })
    out = fs.assess_timeliness(notes, as_of="2026-11-25")
    return charts.worker_on_time_figure(fs.timeliness_by_worker(out), overall_pct=fs.overall_timeliness(out)["pct_on_time"])


def test_png_of_the_worker_chart(worker_figure, tmp_path):
    path = save_figure(worker_figure, tmp_path / "chart.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (2000, 2 * (worker_figure.layout.height or 600))


def test_svg_of_the_worker_chart_parses_and_holds_its_labels(worker_figure, tmp_path):
    path = save_figure(worker_figure, tmp_path / "chart.svg")
    root = ET.fromstring(path.read_bytes())
    assert root.tag.endswith("svg")
    text = " ".join(t for el in root.iter() if el.tag.endswith("text") for t in el.itertext())
    for label in [*WORKERS, "Notes recorded on time (%)", "Worker"]:
        assert label in text
    assert "<Sample>" not in path.read_text()  # a name is text in the SVG, escaped, never markup


def test_a_format_other_than_png_or_svg_is_refused_in_plain_words(worker_figure, tmp_path):
    with pytest.raises(WorkbookError, match="end its name in .png or .svg"):
        save_figure(worker_figure, tmp_path / "chart.jpg")
    with pytest.raises(WorkbookError, match="as PNG or SVG, not 'pdf'"):
        figure_bytes(worker_figure, "pdf")


def test_rendering_needs_no_network(tmp_path):
    """Run in a network namespace with no network at all: the chart is still drawn."""
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("cannot make a network namespace here (needs unshare and root)")
    code = (
        "import plotly.graph_objects as go\n"
        "from familyservice_nb.ui.figure_files import save_figure\n"
        "fig = go.Figure(go.Bar(x=[1, 2], y=['Offline one', 'Offline two'], orientation='h'))\n"
        f"save_figure(fig, {str(tmp_path / 'offline.svg')!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([unshare, "-n", sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=env)
    assert run.returncode == 0, run.stderr
    assert "Offline two" in (tmp_path / "offline.svg").read_text()
