"""Does a change keep HTML mode's output? This checkout against another, page by page, part by part.

    python benchmarks/clean_same.py --base /path/to/other/checkout
    python benchmarks/clean_same.py --base ../main --sets scrapinghub --limit 50
    python benchmarks/clean_same.py --base ../main --base-digests /tmp/base.json  # reuse the other's digests

For every page of the shared sets, each checkout (its own code first on
``PYTHONPATH``, in a process of its own) digests four things: the blocks
(text, element, context, link characters, path), the feature matrix
(byte for byte), what trafilatura and the metadata give (text, title, URL,
<title>, date, author), and the whole output record of ``clean_html``
(text, removed lines with their rules, metadata, page type, confidence).
Pages whose digests differ are listed by part; exit status 1 on any.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clean"
SETS = ("scrapinghub", "readability", "wcxb-dev")
PARTS = ("blocks", "features", "extracted", "record")

# Run in a process whose PYTHONPATH starts with the checkout: the digests of each page, as JSON.
DIGEST = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import clean_same
clean_same.dump(Path(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4]), Path(sys.argv[5]))
"""


def digest(value: object) -> str:
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr).encode()
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def page_digests(html: str, url: str | None) -> dict[str, str]:
    from cleanews import clean_html
    from cleanews.clean.block_features import block_matrix
    from cleanews.clean.blocks import blocks_of, parse_html
    from cleanews.clean.html import extract

    tree = parse_html(html)
    blocks = list(blocks_of(tree)) if tree is not None else []
    extracted = extract(tree, url, sum(len(block.text.split()) for block in blocks)) if tree is not None else None
    matrix = block_matrix(blocks, extracted.text if extracted else "")
    return {
        "blocks": digest([(b.text, b.tag, sorted(b.context), b.link_chars, b.path) for b in blocks]),
        "features": digest(matrix.tobytes() + str(matrix.shape).encode()),
        "extracted": digest(extracted.__dict__ if extracted else None),
        "record": digest(clean_html(html, url=url).to_record()),
    }


def dump(data: Path, sets: Sequence[str], limit: int, out: Path) -> None:
    import cleanews

    digests: dict[str, dict[str, str]] = {}
    for name in sets:
        with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as source:
            for number, line in enumerate(source):
                if limit and number >= limit:
                    break
                record = json.loads(line)
                if (record.get("html") or "").strip():
                    digests[f"{name}:{record.get('id', number)}"] = page_digests(record["html"], record.get("url"))
    out.write_text(json.dumps({"checkout": str(Path(cleanews.__file__).resolve().parents[1]), "pages": digests}))


def digests_of(checkout: Path, data: Path, sets: Sequence[str], limit: int, out: Path) -> dict[str, dict[str, str]]:
    command = [sys.executable, "-c", DIGEST, str(Path(__file__).parent), str(data.resolve()), ",".join(sets), str(limit), str(out)]
    subprocess.run(command, env={**os.environ, "PYTHONPATH": str(checkout.resolve())}, check=True, cwd=tempfile.gettempdir())
    result = json.loads(out.read_text())
    if Path(result["checkout"]) != checkout.resolve():
        raise SystemExit(f"error: {checkout} imported cleanews from {result['checkout']}")
    return result["pages"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--limit", type=int, default=0, help="the first N pages of each set (0: all)")
    parser.add_argument("--base-digests", type=Path, help="the other checkout's digests: read when the file exists, else written there")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        if args.base_digests and args.base_digests.exists():
            base = json.loads(args.base_digests.read_text())["pages"]
        else:
            base = digests_of(args.base, args.data, args.sets, args.limit, args.base_digests or Path(work) / "base.json")
        mine = digests_of(Path(__file__).resolve().parents[1], args.data, args.sets, args.limit, Path(work) / "this.json")
    common = [page for page in mine if page in base]
    differing = {part: [page for page in common if mine[page][part] != base[page][part]] for part in PARTS}
    print(f"{len(common)} pages in both ({len(mine)} here, {len(base)} in {args.base})")
    for part in PARTS:
        pages = differing[part]
        print(f"  {part:<10} {len(pages)} differ" + (f": {', '.join(pages[:10])}" + (" ..." if len(pages) > 10 else "") if pages else ""))
    return 1 if any(differing.values()) or len(common) != len(mine) else 0


if __name__ == "__main__":
    sys.exit(main())
