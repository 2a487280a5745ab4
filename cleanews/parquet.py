"""Parquet in and out, with pyarrow (the ``parquet`` extra; the ``dask`` extra brings it too).

Output columns: ``id``, ``text``, ``title``, ``url``, ``date``, ``author``,
``page_type`` (strings), ``cleaning`` and ``dedup`` (structs), then the
input's other fields. Such a field becomes a typed column when all its
values agree (all strings, all booleans, all integers, all numbers, or all
lists of one of these); otherwise (mixed types, objects, nested lists) it is
a column of JSON text. The types are known only once every record is in, so
records wait in a spool file until the writer closes.

Input: every row is a record, read a batch at a time, mapped like a JSONL
line (``--id-field``, ``--text-field``, ``--html-field``); a null cell is an
absent field, so Parquet written by cleanews reads back as its JSONL would.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cleanews.config import Fields, ReadLimits
from cleanews.document import Item, Reject
from cleanews.errors import CleanewsError
from cleanews.io import LOCAL, Files, decode_bytes, document_from_record, encode_record, source_stem
from cleanews.streams import format_size

STRING_COLUMNS = ("id", "text", "title", "url", "date", "author", "page_type")
# Row groups: readers (pyarrow, datasets, DuckDB) load one at a time, so a
# group is what a reader holds in memory. 10,000 news records are about
# 50-100 MB of text and provenance; past 64 MB of text a group is cut early.
ROW_GROUP_RECORDS = 10_000
ROW_GROUP_BYTES = 64 << 20
# Rows read at a time: a few MB of pages.
READ_BATCH_ROWS = 1000
JSON_KIND = "json"


def require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise CleanewsError(f"Parquet needs pyarrow: pip install 'cleanews[parquet]' ({error})") from error


# --- schema -----------------------------------------------------------------

def value_kind(value: Any) -> str:
    """The column kind a JSON value fits: ``string``, ``bool``, ``int``, ``float``, ``list<kind>`` or ``json``.

    >>> [value_kind(v) for v in ("a", True, 3, 2.5, ["x", "y"], [1, "x"], {"a": 1}, [])]
    ['string', 'bool', 'int', 'float', 'list<string>', 'json', 'json', 'list<>']
    """
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(1 << 63) <= value < (1 << 63) else JSON_KIND
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        kinds = {value_kind(item) for item in value if item is not None}
        if not kinds:
            return "list<>"  # an empty list fits a list of any kind
        inner = merge_kinds(kinds)
        return JSON_KIND if inner == JSON_KIND or inner.startswith("list") else f"list<{inner}>"
    return JSON_KIND


def merge_kinds(kinds: set[str]) -> str:
    """One kind for a column whose values have ``kinds`` (integers and floats are numbers; an empty list fits any list).

    >>> merge_kinds({"int", "float"}), merge_kinds({"list<>", "list<string>"}), merge_kinds({"string", "int"})
    ('float', 'list<string>', 'json')
    """
    if len(kinds) > 1 and "list<>" in kinds:
        kinds = kinds - {"list<>"}
    if kinds == {"int", "float"} or kinds == {"list<int>", "list<float>"}:
        return "list<float>" if "list<int>" in kinds else "float"
    if len(kinds) == 1:
        return next(iter(kinds))
    return "string" if not kinds else JSON_KIND


class ColumnKinds:
    """The kinds seen in each extra field, in the order the fields first appeared."""

    def __init__(self) -> None:
        self.kinds: dict[str, set[str]] = defaultdict(set)

    def observe(self, record: dict[str, Any]) -> None:
        for name, value in record.items():
            if name not in STRING_COLUMNS and name not in ("cleaning", "dedup"):
                kinds = self.kinds[name]
                if value is not None and JSON_KIND not in kinds:
                    kinds.add(value_kind(value))

    def columns(self) -> dict[str, str]:
        return {name: merge_kinds(kinds) for name, kinds in self.kinds.items()}

    def merge(self, other: ColumnKinds) -> ColumnKinds:
        """These kinds and ``other``'s (a later partition's: its new fields come after these)."""
        for name, kinds in other.kinds.items():
            self.kinds[name] |= kinds
        return self

    @classmethod
    def of(cls, records: Iterable[dict[str, Any]]) -> ColumnKinds:
        kinds = cls()
        for record in records:
            kinds.observe(record)
        return kinds


def arrow_type(kind: str) -> Any:
    import pyarrow as pa

    scalars = {"string": pa.string(), "bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "": pa.string(),
               JSON_KIND: pa.string()}
    if kind.startswith("list<"):
        return pa.list_(scalars[kind[5:-1]])
    return scalars[kind]


def output_schema(extra_columns: dict[str, str]) -> Any:
    """Our columns, then one per extra field (JSON text ones say so in their field metadata)."""
    import pyarrow as pa

    removal = pa.struct([("line", pa.string()), ("rule", pa.string()), ("position", pa.int64())])
    fields = [pa.field(name, pa.string(), nullable=name != "id") for name in STRING_COLUMNS]
    fields.append(pa.field("cleaning", pa.struct([("source", pa.string()), ("encoding_repaired", pa.bool_()),
                                                  ("removed", pa.list_(removal))])))
    fields.append(pa.field("dedup", pa.struct([("cluster_id", pa.string()), ("cluster_size", pa.int64()),
                                               ("is_representative", pa.bool_()), ("similarity", pa.float64())])))
    for name, kind in extra_columns.items():
        metadata = {"cleanews": "json"} if kind == JSON_KIND else None
        fields.append(pa.field(name, arrow_type(kind), metadata=metadata))
    return pa.schema(fields)


# --- writing ----------------------------------------------------------------

def column_value(value: Any, kind: str) -> Any:
    """A record's value as its column holds it: JSON text for ``json`` columns, numbers as floats for ``float``."""
    if value is None:
        return None
    if kind == JSON_KIND:
        return json.dumps(value, ensure_ascii=False)
    if kind == "float":
        return float(value)
    if kind == "list<float>":
        return [None if item is None else float(item) for item in value]
    return value


def string_value(value: Any) -> str | None:
    """Our string columns hold strings; a carried non-string (a numeric ``title``) goes as its JSON text."""
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def struct_value(value: Any, names: tuple[str, ...]) -> dict[str, Any] | None:
    return {name: value.get(name) for name in names} if isinstance(value, dict) else None


def record_batch(records: list[dict[str, Any]], schema: Any, extra_columns: dict[str, str]) -> Any:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {name: [string_value(r.get(name)) for r in records] for name in STRING_COLUMNS}
    columns["cleaning"] = [struct_value(r.get("cleaning"), ("source", "encoding_repaired", "removed")) for r in records]
    columns["dedup"] = [struct_value(r.get("dedup"), ("cluster_id", "cluster_size", "is_representative", "similarity"))
                        for r in records]
    for name, kind in extra_columns.items():
        columns[name] = [column_value(r.get(name), kind) for r in records]
    return pa.RecordBatch.from_pydict(columns, schema=schema)


def write_parquet(sink: IO[bytes], records: Iterable[dict[str, Any]], extra_columns: dict[str, str]) -> int:
    """Write ``records`` to ``sink`` as Parquet in row groups; return the number of rows."""
    import pyarrow.parquet as pq

    schema = output_schema(extra_columns)
    rows = 0
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for group in row_groups(records):
            writer.write_batch(record_batch(group, schema, extra_columns), row_group_size=len(group))
            rows += len(group)
        if rows == 0:  # a file with the schema and no rows, not a file with no schema
            writer.write_table(schema.empty_table())
    return rows


def row_groups(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    group: list[dict[str, Any]] = []
    size = 0
    for record in records:
        group.append(record)
        size += len(record.get("text") or "")
        if len(group) >= ROW_GROUP_RECORDS or size >= ROW_GROUP_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


class ParquetWriter:
    """Writes records as a Parquet file; atomic (``Files.atomic``) like ``JsonlWriter``, with the same interface.

    Records wait in a spool file (the column types are known only at the
    end): beside a local output, in the temporary directory for a remote one.
    On close the Parquet file is written and moved over the target whole.
    ``columns`` fixes the extra columns' kinds beforehand (the Dask engine
    decides them over all partitions, so that every part has one schema).
    """

    def __init__(self, path: str, files: Files = LOCAL, columns: dict[str, str] | None = None):
        require_pyarrow()
        self.path = path
        self.files = files
        self.fixed_columns = columns
        self.kinds = ColumnKinds()
        self._spool: IO[bytes] | None = None

    def __enter__(self) -> ParquetWriter:
        directory = None
        if self.files is LOCAL:
            directory = os.path.dirname(os.path.abspath(self.path))
            os.makedirs(directory, exist_ok=True)
        self._spool = tempfile.TemporaryFile(prefix=".cleanews-spool-", dir=directory)  # noqa: SIM115 -- closed in __exit__
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._spool is not None, "use ParquetWriter in a with block"
        self.kinds.observe(record)
        self._spool.write(encode_record(record))

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._spool is not None
        with self._spool as spool:
            if exc_type is not None:
                return
            spool.seek(0)
            with self.files.atomic(self.path) as sink:
                columns = self.kinds.columns() if self.fixed_columns is None else self.fixed_columns
                write_parquet(sink, (json.loads(line) for line in spool), columns)


# --- reading ----------------------------------------------------------------

def plain_value(value: Any) -> Any:
    """A value from ``to_pylist`` as JSON can hold it: dates as ISO text, decimals as numbers, bytes as text or base64.

    >>> plain_value({"when": datetime.date(2024, 5, 1), "n": decimal.Decimal("1.5"), "m": [("k", b"v")]})
    {'when': '2024-05-01', 'n': 1.5, 'm': [['k', 'v']]}
    """
    if isinstance(value, dict):  # a struct; a null field in it is an absent key, as at the top level
        return {key: plain_value(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [plain_value(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    return value


def read_parquet(path: str, fields: Fields, limits: ReadLimits, files: Files = LOCAL, name: str | None = None) -> Iterator[Item]:
    """One Document or Reject per row of a Parquet file (``NAME:ROW`` the id of one without; ``NAME`` the file's name
    without its extension unless given); a damaged file keeps the rows before the damage."""
    import pyarrow as pa

    stem, row = name if name is not None else source_stem(path), 0
    try:
        with files.open(path) as handle:
            for row, record in enumerate(parquet_rows(handle, (fields.text, fields.html)), start=1):
                source = f"{path}:{row}"
                size = max(len(record.get(fields.text) or ""), len(record.get(fields.html) or ""))
                if size > limits.max_record_bytes:
                    yield Reject(source, f"record is {format_size(size)}, over the {format_size(limits.max_record_bytes)} cap "
                                         "(--max-record-size); not read", id=str(record.get(fields.id, "")) or None)
                else:
                    yield document_from_record(record, source, f"{stem}:{row}", fields)
    except (OSError, pa.ArrowException) as error:
        what = "not a readable Parquet file" if row == 0 else "cannot read further"
        yield Reject(f"{path}:{row + 1}" if row else path, f"{what}: {error}")


def parquet_rows(handle: IO[bytes], content_fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet file as records, a batch at a time; a null cell is an absent field.

    Bytes in the text and HTML fields are decoded like a page file (UTF-8,
    else the most likely encoding); the JSON-text columns cleanews writes
    are parsed back.
    """
    import pyarrow.parquet as pq

    source = pq.ParquetFile(handle)
    json_columns = {field.name for field in source.schema_arrow if (field.metadata or {}).get(b"cleanews") == b"json"}
    for batch in source.iter_batches(batch_size=READ_BATCH_ROWS):
        for row in batch.to_pylist():
            yield {name: cell_value(name, value, content_fields, json_columns) for name, value in row.items() if value is not None}


def cell_value(name: str, value: Any, content_fields: tuple[str, ...], json_columns: set[str]) -> Any:
    if name in json_columns:
        return json.loads(value)
    if name in content_fields and isinstance(value, bytes):
        return decode_bytes(value)
    return plain_value(value)
