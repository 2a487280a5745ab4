"""The steps of a run, each defined once, listed once (``STEPS``), and driven alike by both engines.

- A ``DocumentStep`` sees one document at a time and gives it back changed,
  or a Reject. The engines run the document steps one document after the
  other in a worker process, under the per-document time limit.
- A ``CorpusStep`` must see every document before it decides:
  ``observe`` one partition (a state), ``combine`` the partitions' states
  (one decision per partition), ``apply`` the decision to the partition.
  ``MergingStep``: partition states that add up (``merge``), one decision for all.

A new step is a class here (or anywhere) and a line in ``STEPS``::

    @dataclass(frozen=True)
    class DropShort(DocumentStep):
        name: ClassVar[str] = "drop_short"

        @classmethod
        def configured(cls, config): return cls()
        def apply(self, doc): return doc if len(doc.text) > 200 else Reject.of(doc, "too short")

``run_steps`` takes the step list over one stream of items, with the
settings of a run (``RunConfig``, which the CLI builds from its options)::

    items = run_steps(read_records(dicts), RunConfig())   # what `cleanews run` does to them
    items = run_steps(items, RunConfig(), steps=(Clean, DropShort, SiteBoilerplate, Dedup))

``clean_step`` and ``dedup_step`` are one step each.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from functools import reduce
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from cleanews.checkpoint import Spool
from cleanews.config import DEFAULT_TIME_LIMIT, CleanConfig, DedupConfig, RunConfig, SiteConfig, all_cores
from cleanews.dedup import Assignment, DedupIndex, Deduplicator, IdConflict
from cleanews.dedup.deduplicator import Sketched, sketch_settings
from cleanews.dedup.minhash import BLOCK_CODE_POINTS, SketchBuffer, sketch_blocks
from cleanews.document import Document, Item, Reject
from cleanews.errors import RecordError

# The cleaner and the worker pool are imported where a step uses them: `cleanews dedup` never loads them.
if TYPE_CHECKING:
    from cleanews.clean.site import SiteCounts, SiteTemplates

State = TypeVar("State")
Decision = TypeVar("Decision")
Tag = TypeVar("Tag")


class DocumentStep(ABC):
    """One document in, the document (changed) or a Reject out."""

    name: ClassVar[str]
    stage: ClassVar[str] = "clean"  # where the run's --stats charge its time
    failure: ClassVar[str | None] = None  # a reject's reason when the step raised (default "<name> failed")

    @classmethod
    @abstractmethod
    def configured(cls, config: RunConfig) -> DocumentStep | None:
        """The step as ``config`` sets it up, or None when the run skips it."""

    def settings(self) -> Any:
        """What the step's results depend on: a checkpoint made with other settings is not resumed."""
        return None

    @abstractmethod
    def apply(self, doc: Document) -> Item:
        """The document after this step; may raise (the engine turns the error into a Reject)."""


class CorpusStep(ABC, Generic[State, Decision]):
    """A step that sees every document before it changes any: observe, combine, apply."""

    name: ClassVar[str]
    stage: ClassVar[str] = "clean"

    @classmethod
    @abstractmethod
    def configured(cls, config: RunConfig) -> CorpusStep[Any, Any] | None:
        """The step as ``config`` sets it up, or None when the run skips it."""

    @abstractmethod
    def observe(self, docs: Iterable[Document]) -> State:
        """What one partition's documents tell the step."""

    @abstractmethod
    def combine(self, states: Iterable[State]) -> list[Decision]:
        """One decision per partition, from all partitions' states (in partition order)."""

    @abstractmethod
    def apply(self, items: Iterable[Item], decision: Decision) -> Iterator[Item]:
        """One partition's items after the step: one out per item in, in order; Rejects pass through."""


class MergingStep(CorpusStep[State, Decision]):
    """A corpus step whose partition states add up: merged (in any grouping), then one decision for all."""

    @abstractmethod
    def merge(self, state: State, other: State) -> State: ...

    @abstractmethod
    def decide(self, state: State) -> Decision: ...

    def combine(self, states: Iterable[State]) -> list[Decision]:
        listed = list(states)
        decision = self.decide(reduce(self.merge, listed))
        return [decision] * len(listed)


StepKind = type[DocumentStep] | type[CorpusStep[Any, Any]]  # an entry of the step list


# --- the steps ------------------------------------------------------------------


@dataclass(frozen=True)
class Clean(DocumentStep):
    """The cleaner (``cleanews.clean``): article body and metadata; a page with no text left is rejected."""

    config: CleanConfig = CleanConfig()
    name: ClassVar[str] = "clean"
    failure: ClassVar[str] = "cleaning failed"

    @classmethod
    def configured(cls, config: RunConfig) -> Clean | None:
        return cls(config.clean) if config.clean is not None else None

    def settings(self) -> Any:
        return asdict(self.config)

    def apply(self, doc: Document) -> Item:
        from cleanews.clean import clean_document

        cleaned = clean_document(doc, self.config)
        if not cleaned.text.strip():
            is_html = cleaned.cleaning is not None and cleaned.cleaning.source == "html"
            return Reject.of(doc, "no article text found in the page" if is_html else "no text left after cleaning")
        if self.config.articles_only and cleaned.page_type != "article":
            return Reject.of(doc, f"not an article page ({cleaned.page_type})")
        return cleaned


@dataclass(frozen=True)
class SiteBoilerplate(MergingStep["SiteCounts", "SiteTemplates"]):
    """Lines that recur across a site's documents (``cleanews.clean.site``); after cleaning only."""

    config: SiteConfig = SiteConfig()
    name: ClassVar[str] = "site_boilerplate"

    @classmethod
    def configured(cls, config: RunConfig) -> SiteBoilerplate | None:
        return cls(config.site) if config.clean is not None and config.site is not None else None

    def observe(self, docs: Iterable[Document]) -> SiteCounts:
        from cleanews.clean.site import count_sites

        return count_sites(docs)

    def merge(self, state: SiteCounts, other: SiteCounts) -> SiteCounts:
        return state.merge(other)

    def decide(self, state: SiteCounts) -> SiteTemplates:
        return state.templates(self.config)

    def apply(self, items: Iterable[Item], decision: SiteTemplates) -> Iterator[Item]:
        from cleanews.clean.site import site_boilerplate_step

        return site_boilerplate_step(items, decision)


@dataclass(frozen=True)
class Dedup(CorpusStep[Sketched, Sequence[Assignment]]):
    """Near-duplicate clusters (``cleanews.dedup``), optionally against a persistent ``index`` file.

    The Dask engine combines the sketches with a distributed graph
    (``cleanews.dedup.distributed``) when there is no index; the index is
    one SQLite file, so with one the batch is clustered where the file is.
    """

    config: DedupConfig = DedupConfig()
    index: str | None = None
    name: ClassVar[str] = "dedup"
    stage: ClassVar[str] = "dedup"

    @classmethod
    def configured(cls, config: RunConfig) -> Dedup | None:
        return cls(config.dedup, config.index) if config.dedup is not None else None

    def observe(self, docs: Iterable[Document]) -> Sketched:
        state = Sketched(SketchBuffer(self.config.num_perm))

        def texts() -> Iterator[list[str]]:
            for block in blocks_of((doc for doc in docs if not lacks_text(doc)), BLOCK_CODE_POINTS):
                state.ids.extend(doc.id for doc in block)
                yield [doc.compared_text() for doc in block]

        for block in sketch_blocks(texts(), sketch_settings(self.config)):
            state.sketches.append(block)  # copied into the buffer's chunks: no block outlives its sketching
        return state

    def combine(self, states: Iterable[Sketched]) -> list[Sequence[Assignment]]:
        """Consumes the states: the deduplicator takes their sketches over."""
        counts = []
        with DedupIndex(self.index, self.config) if self.index is not None else nullcontext(None) as store:
            dedup = Deduplicator(self.config, store)
            for state in states:
                counts.append(len(state.ids))
                dedup.add_sketched(state)
            assignments = dedup.assignments()
        starts = list(accumulate(counts, initial=0))
        return [assignments[start:stop] for start, stop in pairwise(starts)]

    def apply(self, items: Iterable[Item], decision: Sequence[Assignment]) -> Iterator[Item]:
        found = iter(decision)
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            if lacks_text(item):
                yield Reject.of(item, HTML_WITHOUT_TEXT)
                continue
            assignment = next(found)
            yield Reject.of(item, assignment.reason) if isinstance(assignment, IdConflict) else item.replace(dedup=assignment)
        if next(found, None) is not None:
            raise AssertionError(f"{len(decision)} cluster assignments for fewer documents")


HTML_WITHOUT_TEXT = "has html but no text: use `cleanews run` (or `cleanews clean`) to extract the article first"


def lacks_text(doc: Document) -> bool:
    """A record that came with html only (``cleanews dedup`` does not clean): nothing to compare yet."""
    return not doc.text.strip() and bool(doc.html)


def blocks_of(docs: Iterable[Document], code_points: int) -> Iterator[list[Document]]:
    """Consecutive documents in blocks of about ``code_points`` characters of text."""
    block: list[Document] = []
    size = 0
    for doc in docs:
        block.append(doc)
        size += len(doc.text)
        if size >= code_points:
            yield block
            block, size = [], 0
    if block:
        yield block


# The steps of a run, in order: document steps first, then corpus steps.
STEPS: tuple[StepKind, ...] = (
    Clean,
    SiteBoilerplate,
    Dedup,
)


@dataclass(frozen=True)
class Plan:
    """The steps one run takes, as its config sets them up."""

    document_steps: tuple[DocumentStep, ...]
    corpus_steps: tuple[CorpusStep[Any, Any], ...]

    @classmethod
    def of(cls, config: RunConfig, step_list: Sequence[StepKind] = STEPS) -> Plan:
        steps = [step for kind in step_list if (step := kind.configured(config)) is not None]
        document = tuple(step for step in steps if isinstance(step, DocumentStep))
        corpus = tuple(step for step in steps if isinstance(step, CorpusStep))
        if list(steps) != [*document, *corpus]:
            raise ValueError("document steps must come before corpus steps in the step list")
        return cls(document, corpus)

    def settings(self) -> dict[str, Any]:
        """What the document steps' results depend on, by step name (a checkpoint's fingerprint holds it)."""
        return {step.name: step.settings() for step in self.document_steps}


# --- running steps ------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSteps:
    """The document steps in a row, as one picklable callable for worker processes."""

    steps: tuple[DocumentStep, ...]

    def __call__(self, item: Item) -> Item:
        for step in self.steps:
            if isinstance(item, Reject):
                break
            doc = item
            try:
                item = step.apply(doc)
            except RecordError as error:  # the step's own verdict on this record
                item = Reject.of(doc, error.reason)
            # The extractor and parsers are third-party code that can raise
            # anything on a hostile page; one page must not end the run, so
            # this is the one place where any error becomes a named reject.
            except Exception as error:  # noqa: BLE001
                item = Reject.of(doc, f"{step.failure or step.name + ' failed'}: {type(error).__name__}: {error}")
        return item


def run_document_steps(items: Iterable[Item], steps: Sequence[DocumentStep], jobs: int = 1,
                       time_limit: float | None = None) -> Iterator[Item]:
    """The items through the document steps in ``jobs`` processes, in input order.

    With ``time_limit`` (seconds) each document goes through the steps in a
    worker process, and one that takes longer becomes a Reject ("timed
    out"), as does one whose worker dies. Without it and with one job, the
    steps run here.
    """
    if not steps:
        yield from items
        return
    from cleanews.workers import Failure, ordered_map

    for item, result in ordered_map(DocumentSteps(tuple(steps)), items, jobs, time_limit, warm_up=warm_up_cleaner):
        if isinstance(result, Failure):
            yield item if isinstance(item, Reject) else Reject.of(item, result.reason)
        else:
            yield result


def warm_up_cleaner() -> None:
    """What a worker loads before its first document (``cleanews.clean.warm_up``)."""
    from cleanews.clean import warm_up

    warm_up()


def clean_step(items: Iterable[Item], config: CleanConfig = CleanConfig(), jobs: int | None = None,
               time_limit: float | None = DEFAULT_TIME_LIMIT) -> Iterator[Item]:
    """Clean documents in ``jobs`` processes (default: all cores; see ``run_document_steps``), in input order."""
    return run_document_steps(items, [Clean(config)], jobs or all_cores(), time_limit)


def run_steps(items: Iterable[Item], config: RunConfig = RunConfig(), steps: Sequence[StepKind] = STEPS) -> Iterator[Item]:
    """The items through the ``steps`` that ``config`` sets up, as a run takes them (inputs and output aside).

    Document steps run in ``config.jobs`` worker processes under
    ``config.time_limit``; each corpus step then sees the whole stream (it
    waits in a spool file). With ``config.drop_duplicates`` duplicates are
    left out; every other item comes out, a Document or a Reject, in input order.
    """
    plan = Plan.of(config, steps)
    found = run_document_steps(items, plan.document_steps, config.jobs, config.time_limit)
    for step in plan.corpus_steps:
        found = run_corpus_step(step, found)
    return (item for item in found if not (config.drop_duplicates and isinstance(item, Document) and item.is_duplicate))


def run_corpus_step(step: CorpusStep[Any, Any], items: Iterable[Item]) -> Iterator[Item]:
    """A corpus step over one stream: the items wait in a temporary spool file while the step observes them."""
    with Spool[Item]() as spool:
        kept = spool.kept(items)
        (decision,) = step.combine([step.observe(item for item in kept if isinstance(item, Document))])
        for _ in kept:  # the items after the last document (a step that stopped observing early: all the rest)
            pass
        yield from step.apply(spool.values(), decision)


def dedup_step(items: Iterable[Item], config: DedupConfig = DedupConfig(), drop_duplicates: bool = False,
               index: str | None = None) -> Iterator[Item]:
    """Annotate every document with its cluster (or keep representatives only).

    Clusters are known only when all documents are in, so documents wait in a
    temporary spool file on disk while only their sketches (about 1 KB each)
    are in memory. With ``index`` (a SQLite file path), the documents are
    deduplicated against earlier runs' and then added to it; a document
    whose id the index holds with another text becomes a Reject.
    """
    for item in run_corpus_step(Dedup(config, index), items):
        if not (drop_duplicates and isinstance(item, Document) and item.is_duplicate):
            yield item


def tagged(step: Callable[[Iterable[Item]], Iterator[Item]], pairs: Iterable[tuple[Tag, Item]]) -> Iterator[tuple[Tag, Item]]:
    """Run a one-to-one, order-keeping step over the items of ``(tag, item)`` pairs, keeping the tags."""
    tags: deque[Tag] = deque()

    def items() -> Iterator[Item]:
        for tag, item in pairs:
            tags.append(tag)
            yield item

    for result in step(items()):
        yield tags.popleft(), result
