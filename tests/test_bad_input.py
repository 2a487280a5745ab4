"""Every kind of bad input named in issue 6: each is rejected with a clear reason, and the rest is read."""

import codecs
import gzip
import json
import random
import zlib
from pathlib import Path

import pytest
import zstandard

from cleanews import Document, JsonlWriter, Reject, clean_html, read_inputs
from cleanews.config import ReadLimits
from cleanews.io import read_path

GOOD = b'{"id": "good", "text": "A fine article about the harbour bridge, officials said."}'


def read(path: Path, limits: ReadLimits = ReadLimits()) -> list[Document | Reject]:
    return list(read_path(str(path), limits=limits))


def only_reject(items: list) -> Reject:
    rejects = [item for item in items if isinstance(item, Reject)]
    assert len(rejects) == 1, items
    return rejects[0]


@pytest.mark.parametrize(("line", "reason"), [
    (b'{"id": "x", "text": "unterminated', "invalid JSON (Unterminated string starting at column 21)"),
    (b"not json at all", "invalid JSON (Expecting value at column 1)"),
    (b'{"id": "x", "text": "a"} trailing', "invalid JSON (Extra data at column 26)"),
    (b'["a", "list"]', "a JSON list, not an object"),
    (b'"a string"', "a JSON str, not an object"),
    (b"42", "a JSON int, not an object"),
    (b"null", "a JSON NoneType, not an object"),
    (b'{"id": "x"}', "empty record: no text in 'text' or 'html'"),
    (b'{"id": "x", "text": 42}', "field 'text' is a int, not a string"),
    (b'{"id": "x", "html": ["<p>"]}', "field 'html' is a list, not a string"),
    (b'{"id": "x", "text": null, "html": {"a": 1}}', "field 'html' is a dict, not a string"),
    (b'{"id": "x", "text": ""}', "empty record: no text in 'text' or 'html'"),
    (b'{"id": "x", "text": " \\t\\n\\u00a0 ", "html": "   "}', "empty record: no text in 'text' or 'html'"),
    (b'{"id": "x", "text": "caf\xe9"}', "not valid UTF-8 (byte 0xe9 at column 25)"),
    (b"\xff\xfe\x00garbage", "not valid UTF-8 (byte 0xff at column 1)"),
    (b"[" * 100_000 + b"]" * 100_000, "invalid JSON (nested too deeply to parse)"),
])
def test_a_bad_line_is_rejected_with_its_reason_and_the_next_is_read(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(GOOD + b"\n" + line + b"\n" + GOOD.replace(b"good", b"after") + b"\n")
    items = read(path)
    assert [item.id for item in items if isinstance(item, Document)] == ["good", "after"]
    reject = only_reject(items)
    assert (reject.source, reject.reason) == (f"{path}:2", reason)


def test_rejects_keep_the_original_record(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "n", "text": 5, "lang": "de"}\n{"id": "x", "text": "caf\xe9"}\n{"broken\n')
    first, second, third = read(path)
    assert (first.record, first.id) == ({"id": "n", "text": 5, "lang": "de"}, "n")
    assert second.record == '{"id": "x", "text": "caf\\xe9"}'  # every byte kept, readable
    assert third.record == '{"broken'


def test_lone_surrogates_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "s", "text": "half a pair \\ud83d here", "note": "\\udc00"}\n')
    (doc,) = read(path)
    out = tmp_path / "out.jsonl"
    with JsonlWriter(str(out)) as writer:
        writer.write(doc.to_record())
    (back,) = read(out)
    assert (back.text, back.extra) == ("half a pair \ud83d here", {"note": "\udc00"})


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_pages_with_a_bom(tmp_path: Path, encoding: str) -> None:
    page = "<html><head><title>Brücke</title></head><body><p>Die Brücke über den Hafen ist wieder offen, sagte die Stadt.</p></body></html>"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}[encoding]
    path = tmp_path / "page.html"
    path.write_bytes(bom + page.encode(encoding))
    (doc,) = read(path)
    assert doc.html == page


@pytest.mark.parametrize(("bom", "encoding"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_jsonl_with_a_bom(tmp_path: Path, bom: bytes, encoding: str) -> None:
    lines = [{"id": "a", "text": "Erste Meldung über die Brücke."}, {"id": "b", "text": "Zweite Meldung: 東京"}]
    path = tmp_path / "in.jsonl"
    path.write_bytes(bom + "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode(encoding))
    assert [(doc.id, doc.text) for doc in read(path)] == [(line["id"], line["text"]) for line in lines]


def test_a_legacy_encoded_text_file_is_decoded(tmp_path: Path) -> None:
    german = "Die Stadt Münster will die Gebühren für Außengastronomie verdoppeln, sagte der Bürgermeister."
    path = tmp_path / "legacy.txt"
    path.write_bytes(german.encode("cp1252"))
    (doc,) = read(path)
    assert doc.text == german


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff  \n".encode()])
def test_empty_and_whitespace_files_are_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert only_reject(read(path)).reason == "empty file"


@pytest.mark.parametrize("name", ["garbage.html", "garbage.txt"])
def test_binary_garbage_is_rejected_as_binary(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(random.Random(6).randbytes(100_000))
    reject = only_reject(read(path))
    assert reject.reason.startswith("binary data, not text (")
    # A real image renamed to .html is binary too.
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(5000)
    path.write_bytes(png)
    assert only_reject(read(path)).reason.startswith("binary data")


def test_a_50_mb_record_is_rejected_by_the_size_cap_and_the_next_is_read(tmp_path: Path) -> None:
    big = b'{"id": "big", "html": "<p>' + b"x" * (50 << 20) + b'</p>"}'
    path = tmp_path / "big.jsonl"
    path.write_bytes(GOOD + b"\n" + big + b"\n" + GOOD.replace(b"good", b"after") + b"\n")
    items = read(path)
    assert [item.id for item in items if isinstance(item, Document)] == ["good", "after"]
    assert only_reject(items).reason == "record is 50 MiB, over the 16 MiB cap (--max-record-size); not read"
    # The cap is a setting: raised, the same record is read whole.
    raised = read(path, ReadLimits(max_record_bytes=64 << 20))
    assert [len(doc.html or "") for doc in raised] == [0, len("<p></p>") + (50 << 20), 0]


def test_a_50_mb_page_file_is_rejected_by_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    path.write_bytes(b"<html><body><p>" + b"word " * (10 << 20) + b"</p></body></html>")
    assert only_reject(read(path)).reason == "file is 50 MiB, over the 16 MiB cap (--max-record-size); not read"
    assert only_reject(read(path, ReadLimits(max_record_bytes=1000))).reason.endswith("over the 1000 bytes cap (--max-record-size); not read")


def test_html_nested_100000_levels_deep_is_cleaned() -> None:
    story = "<p>The harbour bridge reopened on Tuesday after months of repairs, the city said.</p>"
    deep = "<div>" * 100_000 + "<p>Deep inside.</p>" + "</div>" * 100_000
    doc = clean_html(f"<html><body>{story}{deep}</body></html>")
    assert doc.text.startswith("The harbour bridge reopened on Tuesday")


def bomb_bytes(size: int, compress) -> bytes:
    """``size`` zero bytes after two good records, compressed: about 1000x smaller."""
    head = GOOD + b"\n" + GOOD.replace(b"good", b"second") + b"\n"
    return compress(head + bytes(size))


@pytest.mark.parametrize(("name", "compress"), [
    ("bomb.jsonl.gz", lambda data: gzip.compress(data, compresslevel=1)),
    ("bomb.jsonl.zst", lambda data: zstandard.ZstdCompressor(level=1).compress(data)),
])
def test_a_compression_bomb_is_stopped_by_the_ratio_cap(tmp_path: Path, name: str, compress) -> None:
    path = tmp_path / name
    path.write_bytes(bomb_bytes(256 << 20, compress))
    items = read(path)
    assert [item.id for item in items if isinstance(item, Document)] == ["good", "second"]
    reason = only_reject(items).reason
    assert "past the 100x cap: a compression bomb? (--max-compression-ratio); the rest of the file is not read" in reason


def test_the_decompressed_size_cap_stops_a_large_input(tmp_path: Path) -> None:
    # Text that compresses like real news (3-6x), so only the absolute cap can stop it.
    words = random.Random(1).choices(["harbour", "bridge", "council", "said", "on", "Tuesday", "repairs", "the"], k=300_000)
    lines = [json.dumps({"id": str(i), "text": " ".join(words[i * 100:(i + 1) * 100])}).encode() for i in range(3000)]
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    items = read(path, ReadLimits(max_decompressed_bytes=1 << 20))
    reject = only_reject(items)
    assert reject.reason == "decompressed past the 1 MiB cap (--max-decompressed-size); the rest of the file is not read"
    assert items[-1] is reject and 1000 < len(items) < 3000


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("notgzip.jsonl.gz", GOOD + b"\n", "cannot read further: Not a gzipped file (b'{\"')"),
    ("corrupt.jsonl.gz", None, "cannot read further: "),
    ("corrupt.jsonl.zst", b"\x28\xb5\x2f\xfd" + b"\x00" * 50, "cannot read further: zstd data ends inside a frame"),
    ("cut.jsonl.zst", "truncated zstd", "cannot read further: zstd data ends inside a frame: the file is truncated"),
])
def test_corrupt_compressed_files_are_rejected_where_they_break(tmp_path: Path, name: str, data: bytes | None, reason: str) -> None:
    if data == "truncated zstd":
        data = zstandard.ZstdCompressor().compress(b"".join(b'{"id": "%d", "text": "story %d"}\n' % (i, i) for i in range(5000)))
        data = data[: len(data) // 2]
    if data is None:  # valid header, damaged deflate stream
        good = gzip.compress(GOOD + b"\n" + b"".join(b'{"id": "%d", "text": "story %d"}\n' % (i, i) for i in range(5000)))
        data = good[:200] + bytes(b ^ 0x5A for b in good[200:400]) + good[400:]
    path = tmp_path / name
    path.write_bytes(data)
    reject = only_reject(read(path))
    assert reject.reason.startswith(reason)


def test_stdin_style_detection_of_compression_without_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "noext.jsonl"
    path.write_bytes(zlib.compress(b"") and gzip.compress(GOOD + b"\n"))
    (doc,) = read(path)
    assert doc.id == "good"


def test_an_unreadable_input_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    directory = tmp_path / "dir.jsonl"
    directory.mkdir()  # a directory where a file should be: open() fails
    (reject,) = read(directory)
    assert reject.source == str(directory) and reject.reason.startswith("cannot open: ")


def test_read_inputs_reads_past_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(random.Random(2).randbytes(2000))
    (tmp_path / "b.jsonl").write_bytes(b"nope\n" + GOOD + b"\n")
    (tmp_path / "c.txt").write_text("A short article about the harbour bridge, officials said.")
    items = list(read_inputs([str(tmp_path)]))
    assert [type(item).__name__ for item in items] == ["Reject", "Reject", "Document", "Document"]
