"""Parquet out and in: columns and types, round trips, input fields, damaged files, atomic output."""

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from cleanews import Document, JsonlWriter, Reject, read_inputs  # noqa: E402
from cleanews.document import Cleaning, DedupInfo, Removal  # noqa: E402
from cleanews.io import Fields, open_writer  # noqa: E402
from cleanews.parquet import ParquetWriter  # noqa: E402

OUR_COLUMNS = ["id", "text", "title", "url", "date", "author", "page_type", "cleaning", "dedup"]


def documents() -> list[Document]:
    cleaning = Cleaning(removed=(Removal("Read more", "read_more_link", 3), Removal("Share this", "share")), encoding_repaired=True,
                        source="html")
    return [
        Document(id="a", text="First story.\nSecond line.", title="A", url="https://x.example/a", date="2024-05-01",
                 extra={"lang": "en", "words": 4, "score": 1, "tags": ["x", "y"], "meta": {"k": 1}, "mixed": "one"},
                 cleaning=cleaning, dedup=DedupInfo("a", 2, True, 1.0)),
        Document(id="b", text="Café “quotes” ünïcode.", author="Ann",
                 extra={"lang": "de", "words": 3, "score": 0.5, "tags": [], "meta": {"k": [2]}, "mixed": 2},
                 cleaning=Cleaning(), dedup=DedupInfo("a", 2, False, 0.83)),
        Document(id="c", text="No extras at all."),
    ]


def write(path: Path, docs: list[Document]) -> Path:
    with open_writer(str(path)) as writer:
        for doc in docs:
            writer.write(doc.to_record())
    return path


def test_columns_come_in_order_with_structs_and_typed_extras(tmp_path: Path) -> None:
    table = pq.read_table(write(tmp_path / "out.parquet", documents()))
    assert table.column_names == OUR_COLUMNS + ["lang", "words", "score", "tags", "meta", "mixed"]
    schema = table.schema
    assert schema.field("id").type == pa.string() and not schema.field("id").nullable
    assert schema.field("cleaning").type.field("removed").type.value_type.field("position").type == pa.int64()
    assert schema.field("dedup").type.field("similarity").type == pa.float64()
    # values that agree get their type; ints mixed with floats are numbers; objects and mixed types are JSON text
    assert [schema.field(n).type for n in ("lang", "words", "score", "tags")] == [pa.string(), pa.int64(), pa.float64(),
                                                                                 pa.list_(pa.string())]
    assert schema.field("meta").type == pa.string() and schema.field("meta").metadata == {b"cleanews": b"json"}
    rows = table.to_pylist()
    assert rows[0]["meta"] == '{"k": 1}' and rows[1]["mixed"] == "2" and rows[2]["lang"] is None
    assert rows[0]["cleaning"]["removed"][0] == {"line": "Read more", "rule": "read_more_link", "position": 3}
    assert rows[1]["dedup"] == {"cluster_id": "a", "cluster_size": 2, "is_representative": False, "similarity": 0.83}
    assert rows[2]["cleaning"] is None and rows[0]["page_type"] is None


def test_parquet_reads_back_as_its_jsonl_would(tmp_path: Path) -> None:
    docs = documents()
    back = list(read_inputs([str(write(tmp_path / "out.parquet", docs))]))
    jsonl = list(read_inputs([str(write(tmp_path / "out.jsonl", docs))]))
    assert [(d.id, d.text, d.title, d.url, d.date, d.author, d.extra) for d in back] == \
        [(d.id, d.text, d.title, d.url, d.date, d.author, d.extra) for d in jsonl]
    assert back[0].source == f"{tmp_path / 'out.parquet'}:1"


def test_a_parquet_input_with_other_field_names_and_binary_html(tmp_path: Path) -> None:
    path = tmp_path / "pages.parquet"
    pq.write_table(pa.table({
        "doc_id": [7, 8, 9],
        "page_text": ["plain body", None, None],
        "raw": [None, "<p>Caf\xe9 story</p>".encode("cp1252"), None],
        "fetched": pa.array([1_700_000_000_000] * 3, pa.timestamp("ms")),
    }), path)
    items = list(read_inputs([str(path)], Fields(id="doc_id", text="page_text", html="raw")))
    assert [type(item).__name__ for item in items] == ["Document", "Document", "Reject"]
    assert (items[0].id, items[0].text, items[0].extra) == ("7", "plain body", {"fetched": "2023-11-14T22:13:20"})
    assert items[1].html == "<p>Café story</p>"  # bytes decoded like a page file
    assert items[2].source == f"{path}:3" and items[2].reason.startswith("empty record")


def test_a_file_that_is_not_parquet_and_a_cut_one_are_rejects(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.parquet"
    bogus.write_text("not parquet at all")
    (reject,) = read_inputs([str(bogus)])
    assert isinstance(reject, Reject) and reject.source == str(bogus) and reject.reason.startswith("not a readable Parquet file")
    whole = write(tmp_path / "whole.parquet", documents())
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[:-30])  # the footer is gone
    (reject,) = read_inputs([str(cut)])
    assert isinstance(reject, Reject)


def test_row_groups_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cleanews.parquet.ROW_GROUP_RECORDS", 4)
    docs = [Document(id=str(i), text=f"story {i}") for i in range(10)]
    metadata = pq.ParquetFile(write(tmp_path / "out.parquet", docs)).metadata
    assert (metadata.num_rows, metadata.num_row_groups) == (10, 3)


def test_an_empty_run_writes_a_file_with_the_columns(tmp_path: Path) -> None:
    table = pq.read_table(write(tmp_path / "empty.parquet", []))
    assert table.num_rows == 0 and table.column_names == OUR_COLUMNS


def test_output_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    write(target, documents())
    before = target.read_bytes()
    with pytest.raises(RuntimeError), ParquetWriter(str(target)) as writer:
        writer.write(Document(id="z", text="new").to_record())
        raise RuntimeError("killed mid-run")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]  # no spool or temporary file left


def test_the_output_loads_as_a_dataset(tmp_path: Path) -> None:
    """What Hugging Face ``load_dataset("parquet", data_files=...)`` does: a pyarrow dataset over the files."""
    import pyarrow.dataset as ds

    write(tmp_path / "part-00000.parquet", documents()[:1])
    write(tmp_path / "part-00001.parquet", documents()[:1])
    table = ds.dataset(str(tmp_path), format="parquet").to_table()
    assert table.num_rows == 2 and table.column("text").to_pylist()[0] == "First story.\nSecond line."
    datasets = pytest.importorskip("datasets")
    loaded = datasets.load_dataset("parquet", data_files=str(tmp_path / "*.parquet"), split="train")
    assert loaded[0]["id"] == "a"


def test_jsonl_and_parquet_writers_take_the_same_records(tmp_path: Path) -> None:
    with JsonlWriter(str(tmp_path / "out.jsonl")) as writer:
        writer.write(documents()[0].to_record())
    record = json.loads((tmp_path / "out.jsonl").read_text())
    (row,) = pq.read_table(write(tmp_path / "out.parquet", documents()[:1])).to_pylist()
    assert {key: row[key] for key in record if key not in ("meta", "cleaning")} == {k: v for k, v in record.items()
                                                                                  if k not in ("meta", "cleaning")}


def test_the_progress_total_counts_parquet_rows_and_gives_up_on_warc(tmp_path: Path) -> None:
    from cleanews.progress import count_records

    path = write(tmp_path / "out.parquet", documents())
    (tmp_path / "bogus.parquet").write_text("not parquet")
    (tmp_path / "crawl.warc").write_bytes(b"")
    assert count_records([str(path)]) == 3
    assert count_records([str(tmp_path / "bogus.parquet")]) is None
    assert count_records([str(path), str(tmp_path / "crawl.warc")]) is None


def test_a_parquet_output_goes_back_through_cleanews_dedup(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanews.cli import main

    golden = Path(__file__).resolve().parent.parent / "golden"
    first, second = tmp_path / "clean.parquet", tmp_path / "again.parquet"
    runner = CliRunner()
    args = ["run", str(golden / "input"), str(golden / "dedup"), "-o", str(first), "-j", "1", "--time-limit", "0", "-q"]
    assert runner.invoke(main, args).exit_code == 0
    assert runner.invoke(main, ["dedup", str(first), "-o", str(second), "-q"]).exit_code == 0
    before, after = pq.read_table(first).to_pylist(), pq.read_table(second).to_pylist()
    assert len(after) == len(before) == 3 + 6
    assert [row["id"] for row in after] == [row["id"] for row in before]
    assert [row["cleaning"] for row in after] == [row["cleaning"] for row in before]  # carried through untouched
    assert [row["dedup"] for row in after] == [row["dedup"] for row in before]  # the same clusters again
    assert max(row["dedup"]["cluster_size"] for row in after) > 1
    assert pq.read_table(second).schema.equals(pq.read_table(first).schema)


def test_dask_parquet_parts_share_the_local_file_schema_and_rows(scheduler, tmp_path: Path) -> None:
    import pyarrow.dataset as ds

    from cleanews import RunConfig, run_corpus
    from cleanews.dask_engine import run_on_dask

    golden = Path(__file__).resolve().parent.parent / "golden"
    config = RunConfig(inputs=(str(golden / "input"), str(golden / "dedup")), time_limit=None, part_format="parquet")
    run_corpus(RunConfig(**{**config.__dict__, "output": str(tmp_path / "local.parquet"), "jobs": 1}))
    run_on_dask(RunConfig(**{**config.__dict__, "output": str(tmp_path / "parts")}), scheduler)
    local = pq.read_table(tmp_path / "local.parquet")
    parts = sorted((tmp_path / "parts").glob("part-*.parquet"))
    assert len(parts) == 4  # three golden files and the wire variants
    assert all(pq.read_schema(part).equals(local.schema) for part in parts)  # the txt parts too, which lack the extras
    assert ds.dataset([str(part) for part in parts], format="parquet").to_table().to_pylist() == local.to_pylist()


def test_format_names_the_dask_parts_and_the_local_engine_refuses_a_mismatch(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanews.cli import EXIT_USAGE, main

    golden = Path(__file__).resolve().parent.parent / "golden" / "input"
    result = CliRunner().invoke(main, ["clean", str(golden), "-o", str(tmp_path / "out.jsonl"), "--format", "parquet"])
    assert result.exit_code == EXIT_USAGE and "--format parquet names the part files of --engine dask" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()
