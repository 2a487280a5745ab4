"""The Dask engine: the steps of ``steps.STEPS`` on a cluster (``cleanews run ... --engine dask``).

It drives the same step list as the local engine (``local_engine.py``);
only how a partition is run and how corpus-step states are combined differ.

- Partitions are input files (any fsspec path: local, ``s3://``...), read
  by the local readers through ``remote.FsspecFiles``.
- Stage 1, per partition: the document steps, each document under the time
  limit in a process of its own (pebble, inside the task); the result is
  checkpointed (``WorkDir``, one part per partition) when the output is
  local, so ``--resume`` reuses the partitions already done.
- Corpus steps: ``observe`` per partition; states combined by a tree of
  ``merge`` tasks (``MergingStep``), by the distributed dedup graph
  (``dedup/distributed.py``), or else in this process, one state at a time
  (dedup with ``--index``: the SQLite file is here); ``apply`` per partition.
- Output: per partition, ``stats.write_items`` into ``part-NNNNN.jsonl.gz``
  (``part-NNNNN.parquet`` with ``part_format="parquet"``) and, when it has rejects, ``rejects-NNNNN.jsonl.gz`` (``io.JsonlWriter``,
  atomic); the counts add up with ``Stats.merge`` into ``stats.json``.

What the local engine promises and this one could not keep is refused
before any work starts (``check_config``, ``check_workers``).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import posixpath
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import reduce
from typing import Any

import dask
from dask.delayed import Delayed, delayed
from distributed import Client, LocalCluster, Worker, WorkerPlugin
from distributed.core import Status

from cleanews.checkpoint import WorkDir
from cleanews.config import STDIN, RunConfig
from cleanews.dedup import distributed
from cleanews.document import Document, Item, Reject
from cleanews.errors import InputError
from cleanews.io import Input, JsonlWriter, open_writer, read_path, run_inputs
from cleanews.local_engine import fingerprint
from cleanews.remote import FsspecFiles, is_local
from cleanews.stats import FileStats, Stats, write_items
from cleanews.steps import STEPS, CorpusStep, Dedup, DocumentStep, MergingStep, Plan, StepKind, run_document_steps

PART_NAMES = {"jsonl": "part-{:05d}.jsonl.gz", "parquet": "part-{:05d}.parquet"}
REJECTS_NAME = "rejects-{:05d}.jsonl.gz"
STATS_NAME = "stats.json"
FILES = FsspecFiles()


def run_on_dask(config: RunConfig, scheduler: str | None = None, workers: int | None = None,
                on_reject: Callable[[Reject], None] = lambda reject: None, step_list: Sequence[StepKind] = STEPS) -> Stats:
    """Run ``config`` on the cluster at ``scheduler`` (a LocalCluster of ``workers`` processes when None)."""
    check_config(config)
    plan = Plan.of(config, step_list)
    skipped: list[str] = []
    inputs = run_inputs(config, FILES, on_skip=skipped.append)
    work = WorkDir.for_output(config.output) if is_local(config.output) else None
    if work is not None:
        work.start(fingerprint(config, plan, inputs, FILES), config.resume)
    # Task-based shuffles: the peer-to-peer ones hung now and then on the
    # repeated joins of the label propagation (distributed 2026.8).
    with connect(scheduler, workers or config.jobs) as client, dask.config.set({"dataframe.shuffle.method": "tasks"}):
        check_workers(client, config)
        stats = run_partitions(config, plan, inputs, work, client, on_reject)
    stats.files_skipped = len(skipped)
    if work is not None:
        work.remove()
    return stats


def check_config(config: RunConfig) -> None:
    """Refuse, before any work, what this engine cannot do as the local engine does it."""
    if config.output == STDIN:
        raise InputError("--engine dask writes one file per partition: give -o a directory, not '-'")
    if STDIN in config.inputs:
        raise InputError("--engine dask reads files, not stdin")
    if config.resume and not is_local(config.output):
        raise InputError("--resume with --engine dask needs a local output directory (its checkpoint is kept beside it)")


def check_workers(client: Client, config: RunConfig) -> None:
    """The time limit stops a document's worker process: Dask workers must be allowed to start processes."""
    if config.time_limit is not None and any(client.run(is_daemon).values()):
        raise InputError("--time-limit needs Dask workers that may start processes: start them with "
                         "DASK_DISTRIBUTED__WORKER__DAEMON=False (e.g. dask worker --nworkers N --nthreads 1), "
                         "or give --time-limit 0")


def is_daemon() -> bool:
    return bool(multiprocessing.current_process().daemon)


@contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client for ``scheduler``, or for a new LocalCluster that is closed again afterwards.

    The LocalCluster's workers are not daemons, so that they may start the
    processes that the per-document time limit needs.
    """
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.register_plugin(QuietClosingHeartbeat())
        yield client


HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat"


class QuietClosingHeartbeat(WorkerPlugin):
    """Keeps our LocalCluster's shutdown quiet: each worker drops the one error its own closing causes.

    A closing worker closes its connections while a heartbeat it sent may
    still wait on one; the heartbeat then fails and logs a CommClosedError
    traceback (dask/distributed#7891; #6543 would skip such heartbeats). The
    order of closing cannot prevent it (the cluster already closes the
    workers before the scheduler), so only that message, and only from a
    worker that is closing, is dropped; every other record is logged.
    """

    def setup(self, worker: Worker) -> None:
        logging.getLogger("distributed.worker").addFilter(ClosingHeartbeatFilter(worker))


class ClosingHeartbeatFilter(logging.Filter):
    def __init__(self, worker: Any):
        super().__init__()
        self.worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        closing = self.worker.status in (Status.closing, Status.closed)
        return not (closing and record.getMessage().startswith(HEARTBEAT_FAILED))


def run_partitions(config: RunConfig, plan: Plan, inputs: list[Input], work: WorkDir | None, client: Client,
                   on_reject: Callable[[Reject], None]) -> Stats:
    done = [work is not None and config.resume and work.has_part(number) for number in range(len(inputs))]
    stages = [
        delayed(resumed_partition, nout=2)(work, number) if done[number] and work is not None
        else delayed(first_stage, nout=2)(found, number, config, plan.document_steps, work)
        for number, found in enumerate(inputs)]
    # a partition's records and its skipped WARC records, persisted together so that each stage runs once
    persisted = client.persist([output for stage in stages for output in stage])
    parts, skipped = persisted[0::2], persisted[1::2]
    for step in plan.corpus_steps:
        decisions = combine(step, [delayed(observe)(step, part) for part in parts], client)
        parts = client.persist([delayed(apply)(step, part, decision) for part, decision in zip(parts, decisions, strict=True)])
    columns = parquet_columns(parts) if config.part_format == "parquet" else None
    written = [delayed(write_partition)(part, skips, path, number, config, columns)
               for number, (part, skips, (path, _)) in enumerate(zip(parts, skipped, inputs, strict=True))]
    results = dask.compute(*written)
    stats = reduce(Stats.merge, (stats for stats, _ in results), Stats())
    stats.resumed = sum(files.records_in for files, is_done in zip(stats.files, done, strict=True) if is_done)
    write_rejects(config, [reject for _, rejects in results for reject in rejects], on_reject)
    with FILES.atomic(posixpath.join(config.output, STATS_NAME)) as handle:
        handle.write(json.dumps(stats.to_dict(), indent=2).encode("utf-8"))
    return stats


def first_stage(found: Input, number: int, config: RunConfig, steps: tuple[DocumentStep, ...],
                work: WorkDir | None) -> tuple[list[Item], Counter[str]]:
    """One partition read and through the document steps (one document at a time, under the time limit); checkpointed.

    Also the partition's skipped WARC records (no pages), by reason.
    """
    skipped: Counter[str] = Counter()
    records = read_path(found.path, config.fields, config.limits, FILES, skipped, found.name)
    items = list(run_document_steps(records, steps, 1, config.time_limit))
    if work is not None:
        work.write_part(number, [(number, item) for item in items],
                        {"records": len(items), "files_skipped": {str(number): dict(skipped)}})
    return items, skipped


def resumed_partition(work: WorkDir, number: int) -> tuple[list[Item], Counter[str]]:
    skipped = work.part_header(number).get("files_skipped", {}).get(str(number), {})
    return [item for _, item in work.part_entries(number)], Counter(skipped)


def observe(step: CorpusStep[Any, Any], items: list[Item]) -> Any:
    return step.observe(item for item in items if isinstance(item, Document))


def apply(step: CorpusStep[Any, Any], items: list[Item], decision: Any) -> list[Item]:
    return list(step.apply(items, decision))


def combine(step: CorpusStep[Any, Any], states: list[Delayed], client: Client) -> list[Any]:
    """One decision per partition: where the step's states can be combined on the cluster, there."""
    if isinstance(step, MergingStep):
        decision = delayed(step.decide)(tree_merge(step, states))
        return [decision] * len(states)
    if isinstance(step, Dedup) and step.index is None:
        return distributed.assign_partitions(client.persist(states), step.config, client)
    # Here, one state at a time (dedup with an index: the SQLite file is in this process).
    return step.combine(future.result() for future in client.compute(states))


def tree_merge(step: MergingStep[Any, Any], states: list[Delayed]) -> Delayed:
    return pairwise(step.merge, states, delayed(step.observe)([]))


def pairwise(merge: Callable[[Any, Any], Any], states: list[Delayed], empty: Delayed) -> Delayed:
    """Merge partial states pairwise, so no task merges them all (``empty`` when there are none)."""
    while len(states) > 1:
        states = [delayed(merge)(states[i], states[i + 1]) if i + 1 < len(states) else states[i]
                  for i in range(0, len(states), 2)]
    return states[0] if states else empty


def parquet_columns(parts: list[Delayed]) -> Delayed:
    """The extra columns' kinds over all partitions, merged pairwise: every Parquet part gets the local file's schema."""
    from cleanews.parquet import ColumnKinds

    kinds = pairwise(ColumnKinds.merge, [delayed(partition_kinds)(part) for part in parts], delayed(ColumnKinds)())
    return delayed(ColumnKinds.columns)(kinds)


def partition_kinds(items: list[Item]) -> Any:
    from cleanews.parquet import ColumnKinds

    return ColumnKinds.of(item.to_record() for item in items if isinstance(item, Document))


def write_partition(items: list[Item], skipped: Counter[str], path: str, number: int, config: RunConfig,
                    columns: dict[str, str] | None = None) -> tuple[Stats, list[Reject]]:
    """Write one partition's documents and rejects; its counts, as the local engine counts them, and its rejects."""
    stats = Stats(files=[FileStats(path)])
    stats.count_read(0, len(items), skipped)
    rejects = [item for item in items if isinstance(item, Reject)]
    output = config.output
    rejects_file = JsonlWriter(posixpath.join(output, REJECTS_NAME.format(number)), FILES) if rejects else nullcontext(None)
    with open_writer(posixpath.join(output, PART_NAMES[config.part_format].format(number)), FILES, columns) as out, \
            rejects_file as rejected:
        write_items(((0, item) for item in items), out, rejected, stats, config.drop_duplicates)
    return stats, rejects


def write_rejects(config: RunConfig, rejects: list[Reject], on_reject: Callable[[Reject], None]) -> None:
    """Tell ``on_reject`` of every reject, in input order, and write them to ``--rejects`` when given."""
    with JsonlWriter(config.rejects, FILES) if config.rejects is not None else nullcontext(None) as out:
        for reject in rejects:
            on_reject(reject)
            if out is not None:
                out.write(reject.to_record())
