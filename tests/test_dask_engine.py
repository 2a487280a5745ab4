"""The Dask engine gives the local engine's output, record for record."""

import gzip
import json
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from cleanews.dask_engine import run_on_dask  # noqa: E402
from cleanews.pipeline import RunConfig, run_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"
WIRE_DEV = REPO.parent / "shared" / "data" / "dedup" / "wire-dev.jsonl.gz"


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:
        yield cluster.scheduler_address


def local_records(config: RunConfig, tmp_path: Path) -> list[dict]:
    tmp_path.mkdir(exist_ok=True)
    output = tmp_path / "local.jsonl"
    run_corpus(RunConfig(**{**config.__dict__, "output": str(output), "jobs": 1}))
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
