"""WARC input: which records are pages, charsets, skipped counts, damaged files.

The WARC files are written here with warcio (the reference implementation),
so the reader (FastWARC) is checked against another library's output.
"""

import gzip
import io
import json
import zlib
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("fastwarc")
warcio = pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from cleanews import Document, Reject, clean_html, read_inputs  # noqa: E402
from cleanews.streams import ReadLimits  # noqa: E402
from cleanews.warc import decode_page  # noqa: E402

GOLDEN_PAGE = Path(__file__).resolve().parent.parent / "golden" / "input" / "harbor-bridge-reopens.html"
RUSSIAN = "<p>Мэрия объявила, что новый мост через реку откроют весной, сообщили в пресс-службе.</p>"
FRENCH = ("<p>Le conseil municipal a voté mercredi une hausse des tarifs des cafés et des brasseries du centre-ville. "
          "Les élus de l'opposition ont dénoncé une décision prise à la hâte, sans concertation préalable avec les "
          "commerçants, qui craignent une baisse de fréquentation pendant l'été.</p>") * 3


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Story</title></head><body><article>{body}</article></body></html>"


def response(writer: WARCWriter, url: str, payload: bytes, status: str = "200 OK",
             headers: list[tuple[str, str]] | None = None) -> None:
    http = StatusAndHeaders(status, headers if headers is not None else [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http))


def build_crawl(path: Path, compress: bool = True) -> Path:
    """A small crawl as a crawler writes it: warcinfo, request/response pairs, a revisit, metadata, non-pages."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test crawler"}))
        writer.write_record(writer.create_warc_record("https://news.example/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
        response(writer, "https://news.example/a", GOLDEN_PAGE.read_bytes(), headers=[("Content-Type", "text/html; charset=utf-8")])
        response(writer, "https://news.example/ru", page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"))
        response(writer, "https://news.example/fr", page(FRENCH).encode("latin-1"))
        response(writer, "https://news.example/quotes", page("<p>He said \x93no\x94 twice.</p>").encode("latin-1"),
                 headers=[("Content-Type", "text/html; charset=ISO-8859-1")])
        response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), headers=[("Content-Type", "image/png")])
        response(writer, "https://news.example/old", b"", status="301 Moved Permanently", headers=[("Location", "/new")])
        response(writer, "https://news.example/gone", page("<p>Not found</p>").encode(), status="404 Not Found")
        response(writer, "https://news.example/api", b'{"a": 1}', headers=[("Content-Type", "application/json")])
        response(writer, "https://news.example/zipped", gzip.compress(page("<p>Compressed on the wire.</p>").encode()),
                 headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        chunked = page("<p>Sent in chunks.</p>").encode()
        response(writer, "https://news.example/chunked", b"".join(b"%x\r\n%s\r\n" % (len(chunked[i:i + 40]), chunked[i:i + 40])
                                                                 for i in range(0, len(chunked), 40)) + b"0\r\n\r\n",
                 headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
        response(writer, "https://news.example/untyped", page("<p>No content type at all.</p>").encode(), headers=[])
        revisit = writer.create_revisit_record("https://news.example/a", digest="sha1:AAAA", refers_to_uri="https://news.example/a",
                                               refers_to_date="2024-01-01T00:00:00Z")
        writer.write_record(revisit)
        writer.write_record(writer.create_warc_record("https://news.example/a", "metadata", payload=io.BytesIO(b"via: test\r\n"),
                                                      warc_content_type="application/warc-fields"))
    return path


@pytest.fixture(params=[True, False], ids=["warc.gz", "warc"])
def crawl(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return build_crawl(tmp_path / ("crawl.warc.gz" if request.param else "crawl.warc"), compress=request.param)


def read(path: Path, limits: ReadLimits = ReadLimits()) -> tuple[list[Document], list[Reject], Counter[str]]:
    skipped: Counter[str] = Counter()
    items = list(read_inputs([str(path)], limits=limits, skipped=skipped))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Reject)], skipped


def test_html_responses_become_documents_and_the_rest_is_counted_by_reason(crawl: Path) -> None:
    docs, rejects, skipped = read(crawl)
    assert [doc.url.rsplit("/", 1)[1] for doc in docs] == ["a", "ru", "fr", "quotes", "zipped", "chunked", "untyped"]
    assert rejects == []
    assert skipped == {"warcinfo": 1, "request": 1, "not_html": 2, "status_301": 1, "status_404": 1, "revisit": 1, "metadata": 1}


def test_ids_urls_and_crawl_dates_come_from_the_warc_headers(crawl: Path) -> None:
    with open(crawl, "rb") as handle:
        ids = [record.rec_headers.get_header("WARC-Record-ID") for record in warcio.ArchiveIterator(handle)
               if record.rec_type == "response"]
    docs, _, _ = read(crawl)
    assert [doc.id for doc in docs] == [ids[0], ids[1], ids[2], ids[3], ids[8], ids[9], ids[10]]
    assert all(doc.id.startswith("<urn:uuid:") for doc in docs)
    assert docs[0].source == f"{crawl}:3"  # the third record of the file
    assert all(doc.extra["crawl_date"].startswith("20") and doc.extra["crawl_date"].endswith("Z") for doc in docs)


def test_a_golden_page_in_a_warc_cleans_as_the_file_does(crawl: Path) -> None:
    docs, _, _ = read(crawl)
    expected = clean_html(GOLDEN_PAGE.read_text(encoding="utf-8"))
    assert clean_html(docs[0].html, url=docs[0].url).text == expected.text


def test_charsets_from_the_header_the_meta_tag_or_detection(crawl: Path) -> None:
    by_name = {doc.url.rsplit("/", 1)[1]: doc.html for doc in read(crawl)[0]}
    assert RUSSIAN in by_name["ru"]  # <meta charset="windows-1251">
    assert FRENCH in by_name["fr"]  # no label anywhere: detected
    assert "He said \u201cno\u201d twice." in by_name["quotes"]  # ISO-8859-1 read as browsers do, as windows-1252
    assert "Compressed on the wire." in by_name["zipped"]  # Content-Encoding: gzip undone
    assert "Sent in chunks." in by_name["chunked"] and "\r\n" not in by_name["chunked"]  # Transfer-Encoding: chunked


def test_the_http_charset_wins_over_the_meta_tag_and_a_bom_over_both() -> None:
    body = page("<p>Straße</p>", '<meta charset="windows-1252">').encode("utf-8")
    assert "Straße" in decode_page(body, "utf-8")
    assert "StraÃŸe" in decode_page(body, None)  # the page's own (wrong) label when the server sent none
    assert "Straße" in decode_page(b"\xef\xbb\xbf" + body, "iso-8859-1")


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("cut", [0.3, 0.6, 0.97])
def test_a_truncated_warc_keeps_the_records_before_the_damage_and_rejects_once(tmp_path: Path, compress: bool, cut: float) -> None:
    whole = build_crawl(tmp_path / ("whole.warc.gz" if compress else "whole.warc"), compress)
    data = whole.read_bytes()
    truncated = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    truncated.write_bytes(data[: int(len(data) * cut)])
    all_docs, _, _ = read(whole)
    docs, rejects, _ = read(truncated)
    assert len(rejects) == 1 and rejects[0].source.startswith(f"{truncated}:")
    assert "truncated" in rejects[0].reason or "ended before" in rejects[0].reason
    assert [doc.id for doc in docs] == [doc.id for doc in all_docs[: len(docs)]]
    assert [doc.html for doc in docs] == [doc.html for doc in all_docs[: len(docs)]]  # none of them cut short
    assert 0 < len(docs) < len(all_docs) or (cut < 0.5 and not docs) or (cut > 0.9 and len(docs) == len(all_docs))


def test_corrupt_bytes_in_the_middle_keep_the_records_before(tmp_path: Path) -> None:
    data = build_crawl(tmp_path / "whole.warc", compress=False).read_bytes()
    middle = data.index(b"WARC/1.", len(data) // 2)
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(data[:middle] + b"garbage, not a WARC header\r\n\r\n" + data[middle:])
    docs, rejects, _ = read(damaged)
    assert len(rejects) == 1 and rejects[0].reason.startswith("cannot read further")
    assert len(docs) >= 3


def test_a_file_that_is_no_warc_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n" * 20)
    docs, rejects, skipped = read(path)
    assert docs == [] and len(rejects) == 1 and not skipped


def test_a_page_over_the_size_cap_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://news.example/big", page("<p>" + "word " * 20000 + "</p>").encode())
        response(writer, "https://news.example/small", page("<p>A short story.</p>").encode())
    docs, rejects, _ = read(path, ReadLimits(max_record_bytes=10_000))
    assert [doc.url for doc in docs] == ["https://news.example/small"]
    assert len(rejects) == 1 and "--max-record-size" in rejects[0].reason and rejects[0].id.startswith("<urn:uuid:")


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_every_cut_keeps_whole_records_only_and_says_so(tmp_path: Path, compress: bool) -> None:
    """Cut anywhere: the documents are the first ones, unchanged, and the cut is one reject (unless it fell between records)."""
    whole = build_crawl(tmp_path / ("whole.warc.gz" if compress else "whole.warc"), compress)
    data = whole.read_bytes()
    all_html = [doc.html for doc in read(whole)[0]]
    truncated = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    for cut in range(1, len(data), max(1, len(data) // 80)):
        truncated.write_bytes(data[:cut])
        docs, rejects, _ = read(truncated)
        assert [doc.html for doc in docs] == all_html[: len(docs)], cut
        between_records = cut in gzip_members(data) if compress else data[:cut].endswith(b"\r\n\r\n")
        assert len(rejects) == 1 or (len(rejects) == 0 and between_records), cut


def gzip_members(data: bytes) -> set[int]:
    """Where the gzip members of a file end (warcio writes one a record)."""
    ends, offset = set(), 0
    while offset < len(data):
        member = zlib.decompressobj(31)
        member.decompress(data[offset:])
        offset = len(data) - len(member.unused_data)
        ends.add(offset)
    return ends


def test_cleanews_run_on_a_warc_writes_parquet_with_the_urls_and_counts_the_skipped(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanews.cli import main

    crawl, out, stats = build_crawl(tmp_path / "crawl.warc.gz"), tmp_path / "clean.parquet", tmp_path / "stats.json"
    result = CliRunner().invoke(main, ["run", str(crawl), "-o", str(out), "--stats", str(stats), "--time-limit", "0", "-j", "1"])
    assert result.exit_code == 0, result.output
    pq = pytest.importorskip("pyarrow.parquet")
    rows = pq.read_table(out).to_pylist()
    assert [row["url"] for row in rows] == [f"https://news.example/{name}" for name in
                                            ("a", "ru", "fr", "quotes", "zipped", "chunked", "untyped")]
    assert rows[0]["title"] == "Harbor Bridge reopens after two years of repairs" and rows[0]["dedup"]["cluster_size"] == 1
    expected = {"warcinfo": 1, "request": 1, "not_html": 2, "status_301": 1, "status_404": 1, "revisit": 1, "metadata": 1}
    counts = json.loads(stats.read_text())
    assert counts["skipped"] == expected and counts["files"][0]["skipped"] == expected
    assert (counts["records_in"], counts["records_out"], counts["rejected"]) == (7, 7, 0)
    assert "skipped 8 WARC records that are no pages (not_html 2, " in result.stderr


def test_a_resumed_run_counts_the_skipped_records_of_the_files_done_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cleanews import local_engine
    from cleanews.cli import EXIT_INTERRUPTED, main

    first, second = build_crawl(tmp_path / "a.warc.gz"), build_crawl(tmp_path / "b.warc")
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    args = ["clean", str(first), str(second), "-o", str(out), "--stats", str(stats), "--time-limit", "0", "-j", "1",
            "--checkpoint-every", "1", "--no-site-boilerplate"]
    assert CliRunner().invoke(main, args).exit_code == 0
    whole = json.loads(stats.read_text())
    read_path = local_engine.read_path

    def interrupted(path: str, *args: object, **options: object):  # Ctrl-C on the third page of the second file
        for number, item in enumerate(read_path(path, *args, **options)):  # type: ignore[arg-type]
            if path == str(second) and number == 2:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(local_engine, "read_path", interrupted)
    assert CliRunner().invoke(main, args).exit_code == EXIT_INTERRUPTED
    monkeypatch.undo()
    assert CliRunner().invoke(main, [*args, "--resume"]).exit_code == 0
    resumed = json.loads(stats.read_text())
    assert resumed["resumed"] > 0
    assert resumed["skipped"] == whole["skipped"] == {reason: 2 * n for reason, n in whole["files"][0]["skipped"].items()}
    assert [file["skipped"] for file in resumed["files"]] == [file["skipped"] for file in whole["files"]]


def test_warc_files_are_partitions_on_dask_with_the_local_output_and_counts(scheduler, tmp_path: Path) -> None:
    from dataclasses import replace

    from cleanews import RunConfig, run_corpus
    from cleanews.dask_engine import run_on_dask

    inputs = (str(build_crawl(tmp_path / "a.warc.gz")), str(build_crawl(tmp_path / "b.warc", compress=False)))
    config = RunConfig(inputs=inputs, time_limit=None, jobs=1)
    local_stats = run_corpus(replace(config, output=str(tmp_path / "local.jsonl")))
    run_on_dask(replace(config, output=str(tmp_path / "parts")), scheduler)
    local = [json.loads(line) for line in (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()]
    parts = sorted((tmp_path / "parts").glob("part-*.jsonl.gz"))
    assert [p.name for p in parts] == ["part-00000.jsonl.gz", "part-00001.jsonl.gz"]
    assert [json.loads(line) for part in parts for line in gzip.open(part, "rt", encoding="utf-8")] == local
    assert max(record["dedup"]["cluster_size"] for record in local) == 2  # each page is in both crawls
    counts = json.loads((tmp_path / "parts" / "stats.json").read_text())
    assert counts["skipped"] == local_stats.to_dict()["skipped"] == {"not_html": 4, "warcinfo": 2, "request": 2, "status_301": 2,
                                                                     "status_404": 2, "revisit": 2, "metadata": 2}
    assert [file["skipped"] for file in counts["files"]] == [file["skipped"] for file in local_stats.to_dict()["files"]]
