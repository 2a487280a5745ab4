"""The ``cleanews`` command: thin click commands over the library.

Data goes to stdout or the output file; progress, rejects and the summary go
to stderr. Exit status: 0 done, 1 an input could not be read, 2 usage error,
3 records were rejected and ``--strict`` was given, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from cleanews.bench import SYSTEMS, bench_outputs, load_cases, score_outputs, summarise
from cleanews.config import (
    DEFAULT_CHECKPOINT_EVERY,
    DEFAULT_TIME_LIMIT,
    MODES,
    PART_FORMATS,
    CleanConfig,
    DedupConfig,
    Fields,
    ReadLimits,
    RunConfig,
    RunReportConfig,
    SiteConfig,
    all_cores,
)
from cleanews.document import Reject
from cleanews.errors import CleanewsError, OutputClash, ResumeError, RunInterrupted
from cleanews.io import is_at, resolved
from cleanews.local_engine import run_corpus
from cleanews.progress import terminal_progress
from cleanews.stats import Stats
from cleanews.streams import format_size, parse_size

EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Size(click.ParamType):
    """A byte count such as 16MiB, 50MB or 2G."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


def stack(*decorators: Decorator) -> Decorator:
    def apply(function: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


io_options = stack(
    click.argument("inputs", nargs=-1, required=True),
    click.option("-o", "--output", default="-", show_default=True, help="Output JSONL (.gz/.zst compress) or Parquet (.parquet); '-' is stdout."),
    click.option("--id-field", default="id", show_default=True, help="JSONL field (Parquet column) with the record id (derived when absent)."),
    click.option("--text-field", default="text", show_default=True, help="JSONL field with plain text."),
    click.option("--html-field", default="html", show_default=True, help="JSONL field with raw HTML."),
    click.option("--rejects", metavar="PATH", default=None, help="Write rejected records here (JSONL: source, id, reason, record)."),
    click.option("--strict", is_flag=True, help=f"Exit with status {EXIT_REJECTED} when any record was rejected."),
    click.option("--resume", is_flag=True, help="Go on from where an interrupted run with the same arguments stopped."),
    click.option("--checkpoint-every", type=click.IntRange(min=1), default=DEFAULT_CHECKPOINT_EVERY, show_default=True,
                 help="Records per checkpoint (what an interrupted run may have to redo)."),
    click.option("--max-record-size", type=Size(), default=ReadLimits.max_record_bytes,
                 show_default=format_size(ReadLimits.max_record_bytes), help="Reject larger records (JSONL lines, .html/.txt files)."),
    click.option("--max-decompressed-size", type=Size(), default=ReadLimits.max_decompressed_bytes,
                 show_default=format_size(ReadLimits.max_decompressed_bytes), help="Stop reading a compressed input past this size."),
    click.option("--max-compression-ratio", type=click.FloatRange(min=1, min_open=True), default=ReadLimits.max_compression_ratio,
                 show_default=True, help="Stop reading a compressed input that expands more (a compression bomb)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on stderr."),
    click.option("--stats", "stats_path", default=None, metavar="PATH",
                 help="Write the run's counts as JSON: records, rejects, lines and characters removed per rule, "
                      "encoding repairs, cluster sizes, seconds per stage."),
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                 help="dask: run on a Dask cluster (pip install 'cleanews[dask]'); -o is then a directory of parts."),
    click.option("--scheduler", metavar="ADDRESS", default=None,
                 help="With --engine dask: the scheduler to use [default: a LocalCluster of --jobs workers]."),
    click.option("--format", "part_format", type=click.Choice(PART_FORMATS), default=None,
                 help="With --engine dask: write part-NNNNN.jsonl.gz or part-NNNNN.parquet [default: jsonl]. "
                      "The local engine writes what -o's name says (clean.parquet, clean.jsonl.gz)."),
)
clean_options = stack(
    click.option("--mode", type=click.Choice(MODES), default="auto", show_default=True,
                 help="auto: HTML when the record has HTML, else plain text."),
    click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores]."),
    click.option("--uncurl-quotes", is_flag=True, help="Replace typographic quotes with ASCII ones."),
    click.option("--articles-only", is_flag=True,
                 help="Reject pages that are not articles (listings, forums, products, documentation, service pages)."),
    click.option("--site-boilerplate/--no-site-boilerplate", default=True, show_default=True,
                 help="Remove lines that recur across many documents of the same site (needs a url)."),
    click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT, show_default=True,
                 help="Seconds one document may take to clean; slower ones are rejected (0: no limit)."),
)
dedup_options = stack(
    click.option("--index", "index", default=None, metavar="PATH",
                 help="SQLite dedup index: deduplicate against earlier runs, then add this run to it."),
    click.option("--shingle-size", type=click.IntRange(min=1), default=DedupConfig.shingle_size, show_default=True, help="Words per shingle."),
    click.option("--num-perm", type=click.IntRange(min=16), default=DedupConfig.num_perm, show_default=True, help="MinHash permutations."),
    click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=DedupConfig.threshold, show_default=True,
                 help="LSH Jaccard knee of the whole-text bands (candidates are verified)."),
    click.option("--head-threshold", type=click.FloatRange(0, 1, min_open=True), default=DedupConfig.head_threshold,
                 show_default=True, help="LSH Jaccard knee of the head bands."),
    click.option("--min-containment", type=click.FloatRange(0, 1, min_open=True), default=DedupConfig.min_containment,
                 show_default=True, help="Estimated containment needed to join a cluster."),
    click.option("--min-head-containment", type=click.FloatRange(0, 1, min_open=True),
                 default=DedupConfig.min_head_containment, show_default=True,
                 help="Estimated containment of the heads (first tokens) needed to join a cluster."),
    click.option("--min-shingles", type=click.IntRange(min=1), default=DedupConfig.min_shingles, show_default=True,
                 help="Distinct shingles a near-duplicate needs on both sides and in common (fewer: exact copies only)."),
    click.option("--drop-duplicates", is_flag=True, help="Write cluster representatives only."),
)


class Command(click.Command):
    """A command whose line in the top-level ``--help`` is its whole first docstring line, not cut at 45 characters."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or (self.help or "").strip().split("\n", 1)[0]


class Group(click.Group):
    command_class = Command


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cleanews")
def main() -> None:
    """Turn scraped news (HTML, WARC or text) into clean, deduplicated JSONL or Parquet."""


@main.command()
@io_options
@clean_options
def clean(**options: Any) -> None:
    """Clean pages and texts: article body only, title and metadata apart."""
    run_command(options, clean=True, dedup=False)


@main.command()
@io_options
@dedup_options
def dedup(**options: Any) -> None:
    """Find exact and near-duplicates among records that are already clean."""
    run_command(options, clean=False, dedup=True)


@main.command()
@io_options
@clean_options
@dedup_options
def run(**options: Any) -> None:
    """Clean, then deduplicate: the whole pipeline."""
    run_command(options, clean=True, dedup=True)


def run_command(options: dict[str, Any], clean: bool, dedup: bool) -> None:
    try:
        config = run_config(options, clean, dedup)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    progress = terminal_progress(sys.stderr, options["quiet"])
    if progress is not None:
        progress.count_in_background(list(config.inputs))

    def report_reject(reject: Reject) -> None:
        text = printable(f"rejected {reject.source}: {reject.reason}")
        if progress is not None:
            progress.message(text)
        else:
            click.echo(text, err=True)

    try:
        if options["engine"] == "dask":
            stats = run_dask(config, options["scheduler"], report_reject)
        else:
            stats = run_corpus(config, on_reject=report_reject, progress=progress)
    except CleanewsError as error:
        if progress is not None:
            progress.clear()
        click.echo(printable(str(error) if isinstance(error, RunInterrupted) else f"error: {error}"), err=True)
        sys.exit(exit_status(error))
    if progress is not None:
        progress.clear()
    if options["stats_path"]:
        write_stats(options["stats_path"], stats)
    if not options["quiet"]:
        click.echo(stats.summary(), err=True)
    report_exit(stats, options["strict"])


def printable(text: str) -> str:
    r"""One line of a message: a newline, control character or lone surrogate (in a file name, say) escaped.

    >>> printable("rejected a\nb.html: empty file")
    'rejected a\\nb.html: empty file'
    """
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def run_dask(config: RunConfig, scheduler: str | None, on_reject: Callable[[Reject], None]) -> Stats:
    try:
        from cleanews.dask_engine import (
            run_on_dask,  # the core package does not need dask
        )
    except ImportError as error:
        raise CleanewsError(f"--engine dask needs Dask: pip install 'cleanews[dask]' ({error})") from error
    return run_on_dask(config, scheduler, on_reject=on_reject)


def run_config(options: dict[str, Any], clean: bool, dedup: bool) -> RunConfig:
    part_format = options["part_format"]
    if part_format is not None and options["engine"] == "local" and (part_format == "parquet") != options["output"].endswith(".parquet"):
        raise ValueError(f"--format {part_format} names the part files of --engine dask; "
                         "the local engine writes the format of the output's name (-o clean.parquet, -o clean.jsonl.gz)")
    return RunConfig(
        inputs=tuple(options["inputs"]),
        output=options["output"],
        rejects=options["rejects"],
        fields=Fields(id=options["id_field"], text=options["text_field"], html=options["html_field"]),
        limits=ReadLimits(max_record_bytes=options["max_record_size"], max_decompressed_bytes=options["max_decompressed_size"],
                          max_compression_ratio=options["max_compression_ratio"]),
        clean=CleanConfig(mode=options["mode"], uncurl_quotes=options["uncurl_quotes"],
                          articles_only=options["articles_only"]) if clean else None,
        site=SiteConfig() if clean and options["site_boilerplate"] else None,
        dedup=dedup_config(options) if dedup else None,
        drop_duplicates=options.get("drop_duplicates", False),
        index=options.get("index"),
        jobs=options.get("jobs") or all_cores(),
        time_limit=options.get("time_limit") or None,
        resume=options["resume"],
        checkpoint_every=options["checkpoint_every"],
        part_format=part_format or "jsonl",
        stats=options["stats_path"],
    )


def fail(message: str) -> NoReturn:
    """Stop on bad input as every command does: 'error: ...' on stderr, exit 1."""
    click.echo(printable(f"error: {message}"), err=True)
    sys.exit(EXIT_INPUT_ERROR)


def refuse_to_overwrite(option: str, page: str, source: str) -> None:
    """Exit as an output clash does, before any work, when the page to write is ``source`` or lies in it (a run's output, the golden files)."""
    if is_at(resolved(page), resolved(source)):
        click.echo(printable(f"error: {option} {page} would overwrite the input {source}: write it elsewhere"), err=True)
        sys.exit(EXIT_USAGE)


def exit_status(error: CleanewsError) -> int:
    if isinstance(error, ResumeError | OutputClash):  # the arguments do not match the checkpoint's, or clash
        return EXIT_USAGE
    if isinstance(error, RunInterrupted):
        return EXIT_INTERRUPTED
    return EXIT_INPUT_ERROR


def report_exit(stats: Stats, strict: bool) -> None:
    for file in stats.unbalanced():
        click.echo(f"error: {file.path}: {file.records_in} records in, but {file.records_out} out, {file.rejected} rejected "
                   f"and {file.duplicates_dropped} dropped as duplicates (a bug in cleanews: please report it)", err=True)
    if stats.unbalanced():
        sys.exit(EXIT_INPUT_ERROR)
    if strict and stats.rejected:
        sys.exit(EXIT_REJECTED)


def write_stats(path: str, stats: Stats) -> None:
    try:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(stats.to_dict(), stream, indent=2)
            stream.write("\n")
    except OSError as error:
        click.echo(f"error: cannot write --stats {path}: {error}", err=True)
        sys.exit(EXIT_INPUT_ERROR)


def dedup_config(options: dict[str, Any]) -> DedupConfig:
    names = ("shingle_size", "num_perm", "threshold", "head_threshold", "min_containment", "min_head_containment",
             "min_shingles")
    return DedupConfig(**{name: options[name] for name in names})


@main.command()
@click.argument("golden")
@click.option("--mode", type=click.Choice(MODES), default="auto", show_default=True)
@click.option("--text-field", default="text", show_default=True, help="JSONL field with plain text (e.g. page_text).")
@click.option("--html-field", default="html", show_default=True)
@click.option("--compare", "systems", multiple=True, type=click.Choice(SYSTEMS),
              help="Also score another system (repeatable): trafilatura alone, or the unchanged input.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-f1", type=click.FloatRange(0, 1), default=None, help="Exit 1 when cleanews's F1 is below this.")
@click.option("--html", "html_path", default=None, metavar="PATH",
              help="Also write a page to look at: scores per document, worst first, and each output diffed against gold.")
def bench(golden: str, mode: str, text_field: str, html_field: str, systems: tuple[str, ...], jobs: int | None,
          output_format: str, min_f1: float | None, html_path: str | None) -> None:
    """Score cleaning against golden files (a directory, or JSONL with a 'gold' field)."""
    if html_path is not None:
        refuse_to_overwrite("--html", html_path, golden)
    try:
        cases = load_cases(golden, Fields(text=text_field, html=html_field))
    except (ValueError, CleanewsError) as error:
        fail(str(error))
    names = ("cleanews",) + tuple(s for s in dict.fromkeys(systems) if s != "cleanews")
    if "unchanged" in names and (pages := sum(not case.doc.text.strip() for case in cases)):
        click.echo(f"warning: {pages} of {len(cases)} documents have HTML and no {text_field!r} text: 'unchanged' scores "
                   f"them 0 (compare HTML with --compare trafilatura, or name the plain text with --text-field)", err=True)
    outputs = bench_outputs(cases, names, CleanConfig(mode=mode), jobs=jobs or all_cores())
    results = score_outputs(cases, outputs)
    if html_path is not None:
        from cleanews.report import bench_report, write_page  # here: the page code costs every other command's start

        write_page(html_path, bench_report(cases, outputs, results, golden))
    summaries = {name: summarise(scores) for name, scores in results.items()}
    if output_format == "json":
        click.echo(json.dumps({
            name: {"summary": vars(summaries[name]),
                   "documents": [{"id": case.doc.id, "precision": s.precision, "recall": s.recall, "f1": s.f1, "exact": s.exact}
                                 for case, s in zip(cases, scores, strict=True)]}
            for name, scores in results.items()
        }, indent=2))
    else:
        click.echo(f"{'document':<40} " + " ".join(f"{name + ' F1':>16}" for name in names))
        for index, case in enumerate(cases):
            click.echo(f"{case.doc.id[:40]:<40} " + " ".join(f"{results[name][index].f1:>16.3f}" for name in names))
        click.echo()
        click.echo(f"{'system':<12} {'P':>6} {'R':>6} {'F1':>6} {'docF1':>6} {'exact':>6}  docs")
        for name, s in summaries.items():
            click.echo(f"{name:<12} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.mean_doc_f1:>6.3f} {s.exact_rate:>6.3f}  {s.documents}")
    if min_f1 is not None and summaries["cleanews"].f1 < min_f1:
        click.echo(f"F1 {summaries['cleanews'].f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


@main.command()
@click.argument("output_jsonl", metavar="OUT.jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "html_path", default="report.html", show_default=True, help="The HTML page to write.")
@click.option("--max-documents", type=click.IntRange(min=0), default=RunReportConfig.max_documents, show_default=True,
              help="Documents shown in full (the least confident); counts and charts cover all.")
@click.option("--max-clusters", type=click.IntRange(min=0), default=RunReportConfig.max_clusters, show_default=True,
              help="Largest duplicate clusters shown side by side.")
def report(output_jsonl: str, html_path: str, max_documents: int, max_clusters: int) -> None:
    """Write a page to review a run: removed lines struck through with their rule, duplicates side by side."""
    from cleanews.report import run_report, write_page  # here: the page code costs every other command's start

    refuse_to_overwrite("-o", html_path, output_jsonl)
    config = RunReportConfig(max_documents=max_documents, max_clusters=max_clusters)
    try:
        page = run_report(output_jsonl, config, on_reject=lambda reject: click.echo(f"skipped {reject.source}: {reject.reason}", err=True))
    except (OSError, EOFError) as error:
        fail(f"{output_jsonl}: cannot read: {error}")
    write_page(html_path, page)
    click.echo(f"wrote {html_path}", err=True)
