"""Readers and writers: formats, compression, bad records, atomic output."""

import gzip
import json
from pathlib import Path

import pytest
import zstandard

from cleanews import Document, JsonlWriter, Reject, read_inputs
from cleanews.config import Fields
from cleanews.errors import InputError
from cleanews.io import expand_inputs


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_jsonl_round_trip_through_every_compression(tmp_path: Path) -> None:
    docs = [Document(id=str(i), text=f"Story {i} about the café “vote”.", title=f"T{i}", extra={"lang": "en"}) for i in range(3)]
    for name in ("out.jsonl", "out.jsonl.gz", "out.jsonl.zst"):
        path = tmp_path / name
        with JsonlWriter(str(path)) as writer:
            for doc in docs:
                writer.write(doc.to_record())
        back = list(read_inputs([str(path)]))
        assert [(d.id, d.text, d.title, d.extra) for d in back] == [(d.id, d.text, d.title, d.extra) for d in docs]
    assert gzip.open(tmp_path / "out.jsonl.gz").read().startswith(b'{"id":"0"')
    assert zstandard.ZstdDecompressor().stream_reader(open(tmp_path / "out.jsonl.zst", "rb")).read().startswith(b'{"id":"0"')


def test_bad_records_are_rejected_by_line_and_the_rest_are_read(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [
        b'{"id": "a", "text": "good one"}',
        b'{"id": "b", "text": "broken',
        b'{"id": "c", "text": "caf\xe9 latin-1"}',
        b'["a", "list"]',
        b'{"id": "e", "text": "   "}',
        b'{"id": "f", "text": 42}',
        b'',
        b'{"id": "h", "text": "good two"}',
    ])
    items = list(read_inputs([str(path)]))
    assert [item.id for item in items if isinstance(item, Document)] == ["a", "h"]
    rejects = {item.source.rsplit(":", 1)[1]: item.reason for item in items if isinstance(item, Reject)}
    assert rejects.keys() == {"2", "3", "4", "5", "6"}
    assert rejects["2"].startswith("invalid JSON")
    assert rejects["3"] == "not valid UTF-8 (byte 0xe9 at column 25)"
    assert rejects["4"] == "a JSON list, not an object"
    assert rejects["5"].startswith("empty record")
    assert rejects["6"] == "field 'text' is a int, not a string"


def test_fields_ids_and_carried_fields(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "pages.jsonl", [json.dumps({"page_text": "body", "lang": "de", "url": "http://x"}).encode()])
    (doc,) = read_inputs([str(path)], Fields(text="page_text"))
    assert (doc.id, doc.text, doc.url, doc.extra) == ("pages:1", "body", "http://x", {"lang": "de"})


def test_html_and_text_files_are_one_record_each(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<html><body><p>Hi</p></body></html>")
    (tmp_path / "b.txt").write_bytes("\ufeffBOM text".encode("utf-8"))
    german = "Die Stadt Münster will die Gebühren für Außengastronomie im nächsten Jahr verdoppeln, sagte der Bürgermeister."
    (tmp_path / "c.txt").write_bytes(german.encode("cp1252"))
    a, b, c = read_inputs([str(tmp_path)])
    assert a.html.startswith("<html>") and a.id == "a"
    assert b.text == "BOM text"
    assert c.text == german


@pytest.mark.parametrize(("text", "encoding"), [
    ("La crème brûlée était très bonne, dit le chef à Paris.", "latin-1"),  # was read as cp1250: 'crčme'
    ("El niño comió mañana en la ciudad de Córdoba.", "latin-1"),  # was read as cp852: 'ni˝o'
    ("Zażółć gęślą jaźń w Łodzi.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "cp1250"),
    ("Привет, как дела у тебя сегодня?", "cp1251"),
])
def test_a_short_legacy_text_is_read_in_its_own_encoding(tmp_path: Path, text: str, encoding: str) -> None:
    (tmp_path / "story.txt").write_bytes(text.encode(encoding))
    (doc,) = read_inputs([str(tmp_path / "story.txt")])
    assert doc.text == text


def test_directories_and_globs_expand_in_a_stable_order(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.txt", "sub/c.html", "notes.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [Path(p).name for p in expand_inputs([str(tmp_path)])] == ["a.txt", "b.jsonl", "c.html"]
    assert [Path(p).name for p in expand_inputs([str(tmp_path / "*.jsonl")])] == ["b.jsonl"]
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing*.jsonl")])


def test_writer_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous complete output\n")
    with pytest.raises(RuntimeError):
        with JsonlWriter(str(target)) as writer:
            writer.write({"id": "1"})
            raise RuntimeError("killed mid-run")
    assert target.read_text() == "previous complete output\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(json.dumps({"id": str(i), "text": "x" * 50}).encode() + b"\n" for i in range(200)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_inputs([str(path)]))
    assert isinstance(items[-1], Reject) and "cannot read further" in items[-1].reason
    assert all(isinstance(item, Document) for item in items[:-1]) and len(items) > 1
