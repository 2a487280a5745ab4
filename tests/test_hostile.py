"""Hostile input and careless commands (issue 14): never hang, never crash, never overwrite.

Each class of hostile input gives a reject with its reason (or is kept, as
stated) and the run goes on, on both engines; the commands that would
overwrite an input or another output are refused before any work.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanews import Document, Reject, RunConfig, run_corpus
from cleanews.clean.site import SiteConfig, count_sites, host_of, line_key, strip_template
from cleanews.io import read_path
from cleanews.workers import Failure, ordered_map

GOOD = {"id": "good", "text": "The mayor spoke on Monday about the new bridge over the river."}
# One record of each hostile JSON-value class, and the reason each is rejected with.
HOSTILE = [
    ('{"id":"deep","text":"The mayor spoke.","x":' + "[" * 500 + "]" * 500 + "}", "JSON nested more than 100 deep"),
    ('{"id":"big","text":"The mayor spoke.","n":' + "9" * 5000 + "}", "invalid JSON (an integer of more than 4300 digits)"),
    ('{"id":"huge","text":"The mayor spoke.","n":1e400}', "invalid JSON (the number 1e400 is too large for a double)"),
    ('{"id":"nan","text":"The mayor spoke.","n":NaN}', "invalid JSON (NaN is not a JSON number)"),
    ('{"id":"inf","text":"The mayor spoke.","n":-Infinity}', "invalid JSON (-Infinity is not a JSON number)"),
    ('{"id":"\\udc80x","text":"The mayor spoke."}',
     "field 'id' holds a lone surrogate (a \\ud800-\\udfff escape), which no UTF-8 file or index can store"),
    ('{"id":1.5,"text":"The mayor spoke."}', "field 'id' is a float, not a string or an integer"),
    ('{"id":{"a":1},"text":"The mayor spoke."}', "field 'id' is a dict, not a string or an integer"),
    ('{"id":true,"text":"The mayor spoke."}', "field 'id' is a bool, not a string or an integer"),
]
# Kept as they are: a bad url only means no site; lone surrogates outside the id are written escaped.
KEPT = [
    {"id": "ipv6", "text": "The council met on Tuesday.", "url": "http://[oops/x"},
    {"id": "nfkc", "text": "The council met on Wednesday.", "url": "https://exa\uff03mple.com"},
    {"id": "surrogate-host", "text": "The council met on Thursday.", "url": "http://\udc80.com/"},
    {"id": "surrogate-text", "text": "The council met \ud800 on Friday.", "note": "\udfff"},
    {"id": 7, "text": "The council met on Saturday."},
]


def hostile_file(path: Path) -> Path:
    lines = [json.dumps(GOOD)] + [line for line, _ in HOSTILE] + [json.dumps(record) for record in KEPT]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_hostile_json_value_is_a_reject_with_its_reason(tmp_path: Path) -> None:
    items = list(read_path(str(hostile_file(tmp_path / "in.jsonl"))))
    rejects = [item for item in items if isinstance(item, Reject)]
    assert [reject.reason for reject in rejects] == [reason for _, reason in HOSTILE]
    assert [item.id for item in items if isinstance(item, Document)] == ["good", "ipv6", "nfkc", "surrogate-host", "surrogate-text", "7"]


def run_hostile(tmp_path: Path, engine: str, **settings) -> tuple[list[dict], list[dict], object]:
    """The hostile file through a whole run (clean, site step, dedup with an index): records out, rejects, stats."""
    source = hostile_file(tmp_path / "in.jsonl")
    # three documents of one host, so the site step has a template to look for
    extra = [{"id": f"site{n}", "text": "The council met on Sunday.\nMore news from the city", "url": f"http://[oops/{n}"}
             for n in range(3)]
    with source.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in extra)
    config = RunConfig(inputs=(str(source),), output=str(tmp_path / "out"), rejects=str(tmp_path / "rejects.jsonl"),
                       index=str(tmp_path / "seen.sqlite"), time_limit=None, **settings)
    if engine == "dask":
        pytest.importorskip("distributed")
        import gzip

        from cleanews.dask_engine import run_on_dask

        stats = run_on_dask(config, workers=1)
        out = [json.loads(line, parse_constant=no_constant) for line in gzip.open(tmp_path / "out" / "part-00000.jsonl.gz", "rt", encoding="utf-8")]
    else:
        stats = run_corpus(config)
        out = [json.loads(line, parse_constant=no_constant) for line in (tmp_path / "out").read_text(encoding="utf-8").splitlines()]
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, rejects, stats


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_run_over_hostile_values_accounts_for_every_record_in_valid_json(tmp_path: Path, engine: str) -> None:
    out, rejects, stats = run_hostile(tmp_path, engine)
    assert [reject["reason"] for reject in rejects] == [reason for _, reason in HOSTILE]
    assert [record["id"] for record in out] == ["good", "ipv6", "nfkc", "surrogate-host", "surrogate-text", "7",
                                                "site0", "site1", "site2"]
    assert all(record["text"].strip() for record in out)
    assert stats.records_in == len(out) + len(rejects) and not stats.unbalanced()
    for line in (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line, parse_constant=no_constant)  # strict JSON: no NaN or Infinity


def no_constant(name: str) -> None:
    raise AssertionError(f"{name} written: not JSON")


def test_an_item_a_worker_cannot_be_given_is_a_failure_not_a_hang() -> None:
    # Run in a subprocess with a timeout: before the fix the parent waited forever.
    code = (
        "from cleanews.workers import ordered_map\n"
        "deep = []\n"
        "for _ in range(5000): deep = [deep]\n"
        "print([type(result).__name__ for _, result in ordered_map(len, [[1], deep, [2, 3]], jobs=2)])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "['int', 'Failure', 'int']", done.stderr


def test_a_result_that_cannot_come_back_is_a_failure() -> None:
    results = [result for _, result in ordered_map(nested, [3, 5000], jobs=1, time_limit=60)]
    assert results[0] == [[[[]]]]
    assert isinstance(results[1], Failure) and "cannot be passed" in results[1].reason


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("url", ["http://[oops/x", "https://exa\uff03mple.com", "http://\udc80.com/", "http://[::1/", "//\ud800"])
def test_a_url_that_does_not_parse_has_no_host_and_never_raises(url: str) -> None:
    doc = Document("d", "Line one\nLine two", url=url)
    host = host_of(doc)
    assert host is None or isinstance(host, str)
    assert line_key(host or "x", "caf\udc80 line") is not None
    count_sites([doc])


def test_the_site_step_never_empties_a_document() -> None:
    docs = [Document(f"d{n}", "Home News Sport\nSubscribe to the newsletter", url=f"http://example.com/{n}") for n in range(3)]
    templates = count_sites(docs).templates(SiteConfig())
    assert templates.is_template("example.com", "Home News Sport")
    assert [strip_template(doc, templates).text for doc in docs] == [doc.text for doc in docs]


def invoke(*args: str):
    from click.testing import CliRunner

    from cleanews.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def many_records(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps({"id": f"d{n}", "text": f"The mayor spoke on Monday about bridge number {n}."}) + "\n"
                            for n in range(count)), encoding="utf-8")
    return path


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 64 KiB tmpfs (needs root; skipped otherwise), and a read-only one."""
    disks = {"full": tmp_path / "full", "read-only": tmp_path / "ro"}
    for name, options in (("full", "size=64k"), ("read-only", "ro")):
        disks[name].mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disks[name])], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    yield disks
    for disk in disks.values():
        subprocess.run(["umount", "--lazy", str(disk)], capture_output=True)  # lazy: a worker may still hold a file there


@pytest.mark.parametrize("checkpoint_every", ["100", "100000"])  # the checkpoint fills the disk, or the output does
def test_a_full_disk_is_one_clear_error_and_leaves_no_temporary_file(tmp_path: Path, small_disk, checkpoint_every: str) -> None:
    source = many_records(tmp_path / "in.jsonl", 2000)
    result = invoke("clean", str(source), "-o", str(small_disk["full"] / "out.jsonl"), "--time-limit", "0", "-q",
                    "--checkpoint-every", checkpoint_every)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: cannot write ") and \
        result.output.endswith(": No space left on device\n"), result.output
    assert not list(small_disk["full"].rglob("*.part")) and not (small_disk["full"] / "out.jsonl").exists()


@pytest.mark.parametrize("where", ["output", "rejects"])
def test_a_read_only_output_or_rejects_path_is_one_clear_error(tmp_path: Path, small_disk, where: str) -> None:
    source = many_records(tmp_path / "in.jsonl", 3)
    target = str(small_disk["read-only"] / "x.jsonl")
    options = ["-o", target] if where == "output" else ["-o", str(tmp_path / "out.jsonl"), "--rejects", target]
    result = invoke("clean", str(source), *options, "--time-limit", "0", "-q")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: cannot write ") and \
        result.output.endswith(": Read-only file system\n"), result.output


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    import os

    source = many_records(tmp_path / "in.jsonl", 2)
    old = os.umask(0o027)
    try:
        invoke("clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(tmp_path / "rejects.jsonl"), "-q")
    finally:
        os.umask(old)
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(("options", "message"), [
    (["-o", "{in}"], "error: -o {in} would overwrite the input {in}: write it elsewhere"),
    (["-o", "{dir}/o.jsonl", "--stats", "{dir}/./o.jsonl"], "error: --stats {dir}/./o.jsonl is the same file as -o {dir}/o.jsonl"),
    (["-o", "{dir}/o.jsonl", "--rejects", "{dir}/sub/../in.jsonl"], "error: --rejects {dir}/sub/../in.jsonl would overwrite the input {in}"),
    (["-o", "{dir}/o.jsonl", "--rejects", "{dir}/link.jsonl"], "error: --rejects {dir}/link.jsonl is the same file as -o {dir}/o.jsonl"),
    (["-o", "{dir}/o.jsonl", "--index", "{in}"], "error: --index {in} would overwrite the input {in}"),
])
def test_an_output_that_would_overwrite_an_input_or_another_output_is_refused_before_any_work(
        tmp_path: Path, options: list[str], message: str) -> None:
    source = many_records(tmp_path / "in.jsonl", 3)
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "o.jsonl")
    names = {"in": str(source), "dir": str(tmp_path)}
    result = invoke("run", str(source), *[option.format(**names) for option in options], "-q")
    assert result.exit_code == 2
    assert result.output.startswith(message.format(**names)), result.output
    assert source.read_bytes() == before and not (tmp_path / "o.jsonl").exists() and not list(tmp_path.glob(".*cleanews-work"))


def test_a_run_never_reads_its_own_outputs_or_work_directories(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    many_records(corpus / "in.jsonl", 5)
    (corpus / ".old.jsonl.cleanews-work").mkdir()  # a killed run's checkpoint
    many_records(corpus / ".old.jsonl.cleanews-work" / "part-000000.jsonl", 4)
    for _ in range(2):  # the second run finds the first one's output in the directory
        result = invoke("run", str(corpus), "-o", str(corpus / "out.jsonl"), "--rejects", str(corpus / "rejects.jsonl"),
                        "--time-limit", "0")
        assert result.exit_code == 0 and "records in: 5, out: 5, rejected: 0" in result.output, result.output


@pytest.mark.parametrize("option", ["-o", "--rejects", "--stats"])
def test_a_users_file_in_the_input_directory_is_never_an_output(tmp_path: Path, option: str) -> None:
    """A file the run would read from its directory is the user's data, not an earlier output to replace."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    many_records(corpus / "in.jsonl", 2)
    article = corpus / "story.txt"
    article.write_text("The council voted on Monday to close the old library.\n", encoding="utf-8")
    target = corpus / "in.jsonl" if option == "-o" else article
    before = target.read_bytes()
    options = [option, str(target)] if option == "-o" else ["-o", str(tmp_path / "out.jsonl"), option, str(target)]
    result = invoke("run", str(corpus), *options, "-q")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {option} {target} would overwrite {target}, which this run would read from {corpus}")
    assert target.read_bytes() == before


def test_symlinked_directories_are_followed_like_symlinked_files(tmp_path: Path) -> None:
    elsewhere, corpus = tmp_path / "elsewhere", tmp_path / "corpus"
    elsewhere.mkdir()
    corpus.mkdir()
    many_records(elsewhere / "a.jsonl", 2)
    (corpus / "linked-dir").symlink_to(elsewhere)
    (corpus / "linked-file.jsonl").symlink_to(elsewhere / "a.jsonl")
    (elsewhere / "loop").symlink_to(corpus)  # a cycle is walked once
    from cleanews.io import expand_inputs

    found = [Path(path).relative_to(corpus).as_posix() for path in expand_inputs([str(corpus)])]
    assert found == ["linked-dir/a.jsonl", "linked-file.jsonl"]


def test_the_work_directory_of_a_killed_stdout_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    import tempfile

    source = many_records(tmp_path / "in.jsonl", 2)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    abandoned = Path(tempfile.gettempdir()) / f"cleanews-work-{gone}-test"
    abandoned.mkdir()
    (abandoned / "part-000000.jsonl.zst").write_bytes(b"x")
    result = invoke("clean", str(source), "--time-limit", "0", "-q")
    assert result.exit_code == 0 and not abandoned.exists()


def test_a_file_name_with_a_newline_is_escaped_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "two\nlines.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = invoke("clean", str(bad), "-o", str(tmp_path / "out.jsonl"), "--time-limit", "0")
    first = result.output.splitlines()[0]
    assert first == f"rejected {tmp_path}/two\\nlines.jsonl:1: empty record: no text in 'text' or 'html'"


def test_dask_rejects_name_their_file_as_given_and_are_told(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("distributed")
    from cleanews.dask_engine import run_on_dask

    monkeypatch.chdir(tmp_path)
    Path("corpus").mkdir()
    Path("corpus/a.jsonl").write_text('{"id": "x"}\n' + json.dumps(GOOD) + "\n", encoding="utf-8")
    told: list[Reject] = []
    run_on_dask(RunConfig(inputs=("corpus",), output="out", rejects="rejects.jsonl", time_limit=None), workers=1,
                on_reject=told.append)
    assert [reject.source for reject in told] == ["corpus/a.jsonl:1"]
    assert json.loads(Path("rejects.jsonl").read_text(encoding="utf-8"))["source"] == "corpus/a.jsonl:1"


def test_default_ids_are_paths_below_the_input_root_so_files_of_one_name_stay_apart(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for directory in ("a", "b", "2024", "2025"):
        (corpus / directory).mkdir(parents=True)
    for directory in ("a", "b"):
        (corpus / directory / "index.html").write_text(f"<html><body><p>The mayor of {directory} spoke on Monday.</p></body></html>")
    for year in ("2024", "2025"):
        (corpus / year / "feed.jsonl").write_text(json.dumps({"text": f"The mayor spoke on Monday in {year}."}) + "\n")
    index = str(tmp_path / "seen.sqlite")
    for inputs, expected in (([str(corpus)], ["2024/feed:1", "2025/feed:1", "a/index", "b/index"]),
                             ([str(corpus / "*" / "feed.jsonl")], ["2024/feed:1", "2025/feed:1"]),
                             ([str(corpus / "a" / "index.html"), str(corpus / "b" / "index.html")], ["a/index", "b/index"]),
                             ([str(corpus / "2024" / "feed.jsonl")], ["feed:1"])):  # a file named alone: its name
        result = invoke("run", *inputs, "-o", str(tmp_path / "out.jsonl"), "--index", index, "--time-limit", "0", "-q")
        assert result.exit_code == 0, result.output
        assert [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == expected
