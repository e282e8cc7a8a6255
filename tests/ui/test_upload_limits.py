"""The page's upload: its limit said beside the button, an over-limit file answered in words (whether the
page sent its bytes, or, over the limit, only its name and size), and nothing left readable by others."""

from __future__ import annotations

import pandas as pd

from familyservice_nb.extract import UPLOAD_MAX_BYTES
from familyservice_nb.ui.kit.data import NotesSource
from familyservice_nb.ui.kit.upload import ExtractUpload


def upload_widget(shown: list) -> ExtractUpload:
    source = NotesSource(notes=pd.DataFrame(), as_of=None, description="", role="manager")
    return ExtractUpload(source, on_notes=lambda notes, as_of, text: shown.append(len(notes)))


def send(widget: ExtractUpload, name: str, content: bytes, size: int) -> None:
    widget._uploaded({"new": ({"name": name, "content": memoryview(content), "size": size},)})


def test_the_limit_is_said_beside_the_button():
    widget = upload_widget([])
    texts = [child.value for child in widget.children[1].children if hasattr(child, "value") and
             isinstance(child.value, str)]
    assert any("up to 25 MB" in t for t in texts)


def test_an_over_limit_file_sent_without_its_bytes_is_answered_in_words():
    shown = []
    widget = upload_widget(shown)
    send(widget, "running-record.csv", b"", 300_000_000)
    assert "fsnb-problem" in widget.message.value
    assert "running-record.csv is 300 MB; a page accepts extracts up to 25 MB." in widget.message.value
    assert shown == []


def test_an_over_limit_file_sent_whole_is_answered_in_words_not_read():
    shown = []
    widget = upload_widget(shown)
    send(widget, "big.csv", b"note_id,event_date\n" + b"N1,16/11/2026\n" * (UPLOAD_MAX_BYTES // 14 + 1), 0)
    assert "a page accepts extracts up to 25 MB" in widget.message.value and shown == []


def test_a_file_at_the_limit_is_read():
    shown = []
    widget = upload_widget(shown)
    send(widget, "fine.csv", b"note_id,event_date\nN1,16/11/2026\n", 33)
    assert "fsnb-notice" in widget.message.value and shown == [1]
