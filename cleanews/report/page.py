"""One self-contained HTML page: markup, inline CSS, inline scripts and the data they render.

Nothing is fetched: styles and scripts are read from this package and
inlined, charts are inline SVG, and the data sits in a JSON script tag the
page's script reads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html import escape
from importlib import resources
from typing import Any


def render_page(title: str, body: str, data: Any, scripts: Sequence[str]) -> str:
    """The whole page; ``scripts`` are asset names in this package, run in order after the body."""
    code = "\n".join(asset(name) for name in scripts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No request may leave the page: the data is private and the reader may be offline.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{asset('report.css')}</style></head>\n"
        f"<body>\n{body}\n"
        f'<script type="application/json" id="report-data">{embed_json(data)}</script>\n'
        f"<script>{code}</script>\n</body></html>\n"
    )


def embed_json(data: Any) -> str:
    """JSON that cannot close its script tag: every ``<`` is escaped.

    >>> embed_json({"text": "</script><b>"})
    '{"text":"\\\\u003c/script>\\\\u003cb>"}'
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def asset(name: str) -> str:
    return resources.files("cleanews.report").joinpath(name).read_text(encoding="utf-8")


def stat_cards(cards: Sequence[tuple[str, str, str]]) -> str:
    """Big numbers at the top of a page: (label, value, note)."""
    items = "".join(
        f'<div class="card"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div>'
        + (f'<div class="note">{escape(note)}</div>' if note else "") + "</div>"
        for label, value, note in cards
    )
    return f'<section class="cards">{items}</section>'


def figure(caption: str, svg: str, note: str = "", figure_id: str = "") -> str:
    extra = f'<p class="note">{escape(note)}</p>' if note else ""
    anchor = f' id="{escape(figure_id)}"' if figure_id else ""
    return f'<figure class="chart-box"{anchor}><figcaption>{escape(caption)}</figcaption>{svg}{extra}</figure>'


def write_page(path: str, page: str) -> None:
    """Write the page whole or not at all: a temporary file renamed over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    # Opened by name (not mkstemp) so the page gets the user's usual permissions.
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.part")
    try:
        with open(temporary, "x", encoding="utf-8") as stream:
            stream.write(page)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
