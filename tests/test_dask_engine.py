"""The Dask engine gives the local engine's output, record for record."""

import gzip
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

distributed = pytest.importorskip("distributed")

from cleanews import Document, RunConfig, run_corpus  # noqa: E402
from cleanews.dask_engine import run_on_dask  # noqa: E402
from cleanews.steps import STEPS, CorpusStep, DocumentStep  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"
WIRE_DEV = REPO.parent / "shared" / "data" / "dedup" / "wire-dev.jsonl.gz"


# The engines are compared without the time limit (it has a test of its own):
# on a loaded machine a real page may run out of time in one engine and not the other.
def local_records(config: RunConfig, tmp_path: Path) -> list[dict]:
    tmp_path.mkdir(exist_ok=True)
    output = tmp_path / "local.jsonl"
    run_corpus(RunConfig(**{**config.__dict__, "output": str(output), "jobs": 1, "time_limit": None}))
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def dask_records(config: RunConfig, scheduler: str, tmp_path: Path) -> tuple[list[dict], dict]:
    tmp_path.mkdir(exist_ok=True)
    output = tmp_path / "parts"
    stats = run_on_dask(RunConfig(**{**config.__dict__, "output": str(output), "time_limit": None}), scheduler)
    parts = sorted(output.glob("part-*.jsonl.gz"))
    records = [json.loads(line) for part in parts for line in gzip.open(part, "rt", encoding="utf-8")]
    return records, json.loads((output / "stats.json").read_text()) | {"_stats": stats}


def split_into_partitions(source: Path, target: Path, parts: int) -> list[str]:
    lines = source.read_text(encoding="utf-8").splitlines() if source.suffix == ".jsonl" else \
        gzip.open(source, "rt", encoding="utf-8").read().splitlines()
    size = -(-len(lines) // parts)
    target.mkdir()
    paths = []
    for number in range(parts):
        path = target / f"in-{number}.jsonl"
        path.write_text("".join(line + "\n" for line in lines[number * size:(number + 1) * size]), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_golden_inputs_give_identical_output(scheduler, tmp_path: Path) -> None:
    config = RunConfig(inputs=(str(GOLDEN / "input"), str(GOLDEN / "dedup")))
    local = local_records(config, tmp_path)
    distributed_run, stats = dask_records(config, scheduler, tmp_path)
    assert distributed_run == local
    assert stats["records_in"] == stats["records_out"] == len(local) == 9
    assert {r["dedup"]["cluster_id"] for r in local if r["id"].startswith("paper-")} == {"wire-original"}


def test_partitioned_variants_cluster_across_partitions(scheduler, tmp_path: Path) -> None:
    inputs = split_into_partitions(GOLDEN / "dedup" / "wire-variants.jsonl", tmp_path / "in", 3)
    config = RunConfig(inputs=tuple(inputs), drop_duplicates=True)
    local = local_records(config, tmp_path)
    distributed_run, stats = dask_records(config, scheduler, tmp_path)
    assert distributed_run == local
    assert sorted(r["id"] for r in local) == ["followup", "unrelated", "wire-original"]
    assert stats["duplicates_dropped"] == 3 and [f["records_in"] for f in stats["files"]] == [2, 2, 2]


@pytest.mark.skipif(not WIRE_DEV.exists(), reason="needs ../shared/data (the team's data, not shipped)")
def test_wire_dev_gives_identical_clusters_and_text(scheduler, tmp_path: Path) -> None:
    inputs = split_into_partitions(WIRE_DEV, tmp_path / "in", 4)
    config = RunConfig(inputs=tuple(inputs))
    local = local_records(config, tmp_path)
    distributed_run, _ = dask_records(config, scheduler, tmp_path)
    assert [r["dedup"] for r in distributed_run] == [r["dedup"] for r in local]
    assert [r["text"] for r in distributed_run] == [r["text"] for r in local]
    assert len({r["dedup"]["cluster_id"] for r in local}) < len(local) / 2


def test_a_persistent_index_is_read_and_extended_as_locally(scheduler, tmp_path: Path) -> None:
    inputs = split_into_partitions(GOLDEN / "dedup" / "wire-variants.jsonl", tmp_path / "in", 2)
    outputs = {}
    for engine in ("local", "dask"):
        index = tmp_path / f"{engine}.sqlite"
        for batch, path in enumerate(inputs):
            config = RunConfig(inputs=(path,), index=str(index))
            if engine == "local":
                outputs[engine, batch] = local_records(config, tmp_path / f"l{batch}")
            else:
                outputs[engine, batch] = dask_records(config, scheduler, tmp_path / f"d{batch}")[0]
    assert outputs["dask", 0] == outputs["local", 0] and outputs["dask", 1] == outputs["local", 1]
    later = {r["id"]: r["dedup"] for r in outputs["dask", 1]}
    assert later["paper-edited"]["cluster_id"] == "wire-original"  # joined the cluster of the first run
    assert later["paper-edited"]["cluster_size"] == 4


def test_stdin_is_refused(scheduler, tmp_path: Path) -> None:
    from cleanews.errors import InputError

    with pytest.raises(InputError, match="stdin"):
        run_on_dask(RunConfig(inputs=("-",), output=str(tmp_path / "o")), scheduler)


# --- both engines keep the same promises ---------------------------------------------

STORIES = [
    "The harbour bridge reopened on Tuesday after eight months of repairs, the city council said on Monday evening.",
    "Schools in the northern district will close early on Friday because of the heat, officials said in a statement.",
]


def salted_file(path: Path) -> Path:
    """Good records, bad lines, and a lone surrogate in an extra field (it has no UTF-8 form)."""
    lines = [
        json.dumps({"id": "a0", "text": STORIES[0]}).encode(),
        b"{not json",
        b'["a", "list"]',
        b'{"id": "n", "text": 7}',
        json.dumps({"id": "s", "text": STORIES[1], "note": "x\udc00y"}).encode(),
        b'{"id": "u", "text": "caf\xe9"}',
        b'{"id": "e", "text": "  "}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_a_salted_file_gives_identical_output_and_every_record_is_accounted_for(scheduler, tmp_path: Path) -> None:
    salted = salted_file(tmp_path / "salted.jsonl")
    config = RunConfig(inputs=(str(salted), str(GOLDEN / "dedup")), rejects=str(tmp_path / "rejects.jsonl"), time_limit=None)
    local = local_records(config, tmp_path / "l")
    local_rejects = (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    heard: list = []
    output = tmp_path / "parts"
    stats = run_on_dask(RunConfig(**{**config.__dict__, "output": str(output)}), scheduler, on_reject=heard.append)
    parts = sorted(output.glob("part-*.jsonl.gz"))
    assert [json.loads(line) for part in parts for line in gzip.open(part, "rt", encoding="utf-8")] == local
    assert [r for r in local if r["id"] == "s"][0]["note"] == "x\udc00y"
    assert (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines() == local_rejects
    assert [json.dumps(r.to_record()) for r in heard] == [json.dumps(json.loads(line)) for line in local_rejects]
    assert len(local_rejects) == 5 and stats.rejected == 5
    assert stats.records_in == stats.records_out + stats.rejected == 13 and stats.unbalanced() == []
    beside = [json.loads(line) for line in gzip.open(output / "rejects-00000.jsonl.gz", "rt", encoding="utf-8")]
    assert [r["source"].rsplit("/", 1)[-1] for r in beside] == ["salted.jsonl:2", "salted.jsonl:3", "salted.jsonl:4",
                                                               "salted.jsonl:6", "salted.jsonl:7"]


def test_stdout_is_refused_before_any_work(tmp_path: Path) -> None:
    from cleanews.errors import InputError

    # No scheduler listens there: the refusal must come before connecting.
    with pytest.raises(InputError, match="give -o a directory"):
        run_on_dask(RunConfig(inputs=(str(GOLDEN / "dedup"),), output="-"), "tcp://127.0.0.1:9")


class AlwaysOn:
    """A toy step that every run takes."""

    @classmethod
    def configured(cls, config: RunConfig):
        return cls()


@dataclass(frozen=True)
class Sleepy(AlwaysOn, DocumentStep):
    """A toy document step: the document with id "slow" takes ten minutes."""

    name: ClassVar[str] = "sleepy"

    def apply(self, doc: Document) -> Document:
        if doc.id == "slow":
            time.sleep(600)
        return doc.replace(extra={**doc.extra, "checked": True})


def test_a_new_document_step_runs_on_both_engines_under_the_time_limit(scheduler, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": name, "text": text}) + "\n"
                              for name, text in [("a", STORIES[0]), ("slow", STORIES[1]), ("b", STORIES[1] + " More.")]))
    step_list = (*STEPS[:1], Sleepy, *STEPS[1:])  # the one line a new step adds to the step list
    config = RunConfig(inputs=(str(source),), rejects=str(tmp_path / "rejects.jsonl"), time_limit=10)
    local_out = tmp_path / "local.jsonl"
    run_corpus(RunConfig(**{**config.__dict__, "output": str(local_out)}), step_list=step_list)
    local = [json.loads(line) for line in local_out.read_text(encoding="utf-8").splitlines()]
    local_rejects = (tmp_path / "rejects.jsonl").read_text(encoding="utf-8")
    output = tmp_path / "parts"
    run_on_dask(RunConfig(**{**config.__dict__, "output": str(output)}), scheduler, step_list=step_list)
    assert [json.loads(line) for line in gzip.open(output / "part-00000.jsonl.gz", "rt", encoding="utf-8")] == local
    assert [(r["id"], r["checked"]) for r in local] == [("a", True), ("b", True)]
    assert (tmp_path / "rejects.jsonl").read_text(encoding="utf-8") == local_rejects
    assert json.loads(local_rejects)["reason"] == "timed out: took longer than the 10 s limit (--time-limit)"


class Interrupted(Exception):
    pass


@dataclass(frozen=True)
class Explode(AlwaysOn, CorpusStep):
    """A toy corpus step that fails once every partition is through stage 1 (a crash late in the run)."""

    name: ClassVar[str] = "explode"

    def observe(self, docs):
        return sum(1 for _ in docs)

    def combine(self, states):
        list(states)
        raise Interrupted("the machine went down")

    def apply(self, items, decision):
        return iter(items)


def test_resume_keeps_the_finished_partitions(scheduler, tmp_path: Path) -> None:
    inputs = split_into_partitions(GOLDEN / "dedup" / "wire-variants.jsonl", tmp_path / "in", 3)
    config = RunConfig(inputs=tuple(inputs), output=str(tmp_path / "parts"), resume=True, time_limit=None)
    with pytest.raises(Interrupted):
        run_on_dask(config, scheduler, step_list=(*STEPS, Explode))
    work = tmp_path / ".parts.cleanews-work"
    assert sorted(p.name for p in work.glob("part-*")) == ["part-000000.jsonl.zst", "part-000001.jsonl.zst", "part-000002.jsonl.zst"]
    (work / "part-000001.jsonl.zst").unlink()  # as if that partition had not finished
    stats = run_on_dask(config, scheduler)
    assert stats.resumed == 4 and not work.exists()
    fresh, _ = dask_records(RunConfig(inputs=tuple(inputs)), scheduler, tmp_path / "fresh")
    parts = sorted((tmp_path / "parts").glob("part-*.jsonl.gz"))
    assert [json.loads(line) for part in parts for line in gzip.open(part, "rt", encoding="utf-8")] == fresh


def test_a_closing_worker_drops_only_its_cut_short_heartbeat_error() -> None:
    import logging
    from types import SimpleNamespace

    from distributed.core import Status

    from cleanews.dask_engine import ClosingHeartbeatFilter

    worker = SimpleNamespace(status=Status.running)
    heartbeat = logging.LogRecord("distributed.worker", logging.ERROR, "w.py", 1,
                                  "Failed to communicate with scheduler during heartbeat.", None, None)
    other = logging.LogRecord("distributed.worker", logging.ERROR, "w.py", 1, "Compute Failed", None, None)
    quiet = ClosingHeartbeatFilter(worker)
    assert quiet.filter(heartbeat) and quiet.filter(other)  # a running worker's heartbeat failure is news
    worker.status = Status.closing
    assert not quiet.filter(heartbeat) and quiet.filter(other)
