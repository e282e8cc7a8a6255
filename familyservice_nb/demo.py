"""Synthetic demo data: generated workers, teams and case notes. Never real people or cases.

The generated extract looks like a Mosaic running-record extract (DESIGN.md: canonical columns),
with realistic lateness: most notes on time, a tail recorded late, a few drafts and overdue notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .vocab import NoteStatus, NoteType

FIRST_NAMES = (
    "Alex", "Bailey", "Casey", "Devon", "Elliot", "Frankie", "Harper", "Jordan", "Kai", "Logan",
    "Morgan", "Nico", "Oakley", "Parker", "Quinn", "Reese", "Sasha", "Taylor", "Rowan", "Skyler",
)
SURNAMES = (
    "Ashdown", "Birchall", "Copeland", "Dunmore", "Elmsworth", "Fairbrook", "Greystone", "Hollins",
    "Ivybridge", "Kestrel", "Larkfield", "Millbank", "Northcott", "Oakhurst", "Pennyfold", "Redmayne",
)
TEAM_NAMES = (
    "Ashfield North", "Ashfield South", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield East",
    "Mansfield West", "Newark", "Rushcliffe", "Sherwood", "Trent Valley", "City Fringe",
)

# Roughly how often each kind of note appears in a running record.
NOTE_TYPE_WEIGHTS = {
    NoteType.VISIT: 0.26, NoteType.CONTACT: 0.16, NoteType.TELEPHONE_CALL: 0.18, NoteType.EMAIL: 0.12,
    NoteType.CASE_DISCUSSION: 0.08, NoteType.AGENCY_SUMMARY: 0.07, NoteType.MANAGER_RECORDING: 0.06,
    NoteType.DOCUMENT_REFERENCE: 0.04, NoteType.KEY_EVENT: 0.03,
}


def synthetic_people(n: int, rng: np.random.Generator) -> list[str]:
    """n distinct generated full names (first name + surname, numbered if the pairs run out)."""
    pairs = [f"{f} {s}" for s in SURNAMES for f in FIRST_NAMES]
    order = rng.permutation(len(pairs))
    names = [pairs[i] for i in order[: min(n, len(pairs))]]
    names += [f"Worker {i:03d}" for i in range(len(names) + 1, n + 1)]
    return names


def make_demo_extract(
    rows: int = 5000,
    seed: int = 7,
    as_of: dt.date | None = None,
    workers: int = 24,
    teams: int = 4,
) -> pd.DataFrame:
    """A synthetic running-record extract: one year of notes up to `as_of`, as text columns
    written the way Mosaic writes them (UK dates, Yes/No, statuses)."""
    rng = np.random.default_rng(seed)
    as_of = as_of or dt.date.today()
    teams = max(1, min(teams, len(TEAM_NAMES)))
    worker_names = np.array(synthetic_people(workers, rng))
    worker_team = np.array(TEAM_NAMES[:teams])[np.arange(workers) % teams]
    # Some workers record promptly, some habitually late: a per-worker lateness.
    worker_habit = rng.gamma(2.0, 1.2, size=workers)

    who = rng.integers(0, workers, size=rows)
    end = np.datetime64(as_of, "D")
    event = end - rng.integers(0, 365, size=rows).astype("timedelta64[D]")
    # Fewer events at weekends.
    weekend = np.is_busday(event, weekmask="0000011")
    event = np.where(weekend & (rng.random(rows) < 0.7), event - np.timedelta64(2, "D"), event)
    risk = rng.random(rows) < 0.12
    types = list(NOTE_TYPE_WEIGHTS)
    note_type = np.array([t.value for t in types])[
        rng.choice(len(types), size=rows, p=np.array(list(NOTE_TYPE_WEIGHTS.values())))
    ]
    # Calendar days to record: mostly within the week, a long tail for some workers.
    delay = np.floor(rng.exponential(worker_habit[who]) * np.where(risk, 0.4, 1.0)).astype(np.int64)
    recorded_day = event + delay.astype("timedelta64[D]")
    seconds = rng.integers(8 * 3600, 18 * 3600, size=rows).astype("timedelta64[s]")
    recorded_at = recorded_day.astype("datetime64[s]") + seconds

    status = np.full(rows, NoteStatus.COMPLETE.value, dtype=object)
    roll = rng.random(rows)
    status[roll < 0.03] = NoteStatus.DRAFT.value
    status[(roll >= 0.03) & (roll < 0.04)] = NoteStatus.TIMED_OUT.value
    status[(roll >= 0.04) & (roll < 0.05)] = NoteStatus.DELETED.value
    not_yet = (recorded_day > end) | np.isin(status, [NoteStatus.DRAFT.value, NoteStatus.TIMED_OUT.value])
    recorded_text = pd.Series(recorded_at).dt.strftime("%d/%m/%Y %H:%M:%S").to_numpy(dtype=object)
    recorded_text[not_yet] = ""
    status[(recorded_day > end) & (status == NoteStatus.COMPLETE.value)] = NoteStatus.DRAFT.value

    case_numbers = rng.integers(1, max(2, rows // 40) + 1, size=rows)
    return pd.DataFrame(
        {
            "note_id": [f"N{seed:02d}{i:08d}" for i in range(1, rows + 1)],
            "case_id": [f"C{c:06d}" for c in case_numbers],
            "worker": worker_names[who],
            "team": worker_team[who],
            "note_type": note_type,
            "event_date": pd.Series(event).dt.strftime("%d/%m/%Y").to_numpy(),
            "recorded_at": recorded_text,
            "risk_identified": np.where(risk, "Yes", "No"),
            "status": status,
        }
    )


def write_demo_extract(path: str | Path, rows: int = 5000, seed: int = 7, as_of: dt.date | None = None) -> Path:
    """Write a synthetic extract CSV (UTF-8) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    make_demo_extract(rows=rows, seed=seed, as_of=as_of).to_csv(path, index=False)
    return path
