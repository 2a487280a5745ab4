"""The report pages in a real browser: headless Chromium runs their scripts, then we read the DOM.

CI installs Debian's chromium (.ci/run); elsewhere these tests are skipped
when no Chromium is found.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews.cli import main

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# Headless, offline, no first-run work: the page is all there is to load.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-default-apps", "--hide-scrollbars")


def find_browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on the CI machine: .ci/run must install it")
        pytest.skip("no Chromium installed")
    return found


def browse(url: str, profile: Path, *action: str) -> str:
    """Run the browser on one page with a fresh profile; its stdout."""
    result = subprocess.run([find_browser(), *FLAGS, f"--user-data-dir={profile}", *action, url],
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def dump_dom(page: Path, profile: Path, fragment: str = "") -> str:
    """The DOM after the page's scripts ran."""
    return browse(page.as_uri() + fragment, profile, "--dump-dom")


def with_script(page: Path, script: str, copy: Path) -> Path:
    """A copy of the page that runs ``script`` after its own: a user's clicks and typing."""
    html = page.read_text(encoding="utf-8")
    at = html.rindex("</body>")
    copy.write_text(html[:at] + f"<script>{script}</script>" + html[at:], encoding="utf-8")
    return copy


def screenshot(page: Path, profile: Path, png: Path, size: str = "1280,1600") -> bytes:
    browse(page.as_uri(), profile, f"--screenshot={png}", f"--window-size={size}")
    return png.read_bytes()


def distinct_pixel_bytes(png: bytes) -> int:
    """How many different byte values the image's pixel data holds: 1-2 for a blank page."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    position, data = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(data)))


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("pages")
    out = directory / "clean.jsonl"
    cases = directory / "cases.jsonl"
    body = "The mayor opened the new bridge on Tuesday morning, officials said."
    cases.write_text("".join(json.dumps(case) + "\n" for case in (
        {"id": "perfect", "text": f"Advertisement\n{body}", "gold": body},
        {"id": "half", "text": f"{body}\nThe council will vote on the budget next week, the clerk said.", "gold": body},
        {"id": "wrong", "text": "Completely different words about the weather in the hills today.", "gold": body},
    )))
    runner = CliRunner()
    for args in (["run", str(GOLDEN / "input"), str(GOLDEN / "dedup"), "-o", str(out), "-j", "1", "-q"],
                 ["report", str(out), "-o", str(directory / "report.html")],
                 ["bench", str(cases), "--compare", "trafilatura", "--compare", "unchanged", "-j", "1",
                  "--html", str(directory / "bench.html")]):
        assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    return {"report": directory / "report.html", "bench": directory / "bench.html"}


def test_report_page_renders_documents_rules_charts_and_clusters(pages: dict[str, Path], tmp_path: Path) -> None:
    dom = dump_dom(pages["report"], tmp_path / "profile")
    # Removed lines struck through, labelled with their rule, where they stood.
    assert re.search(r'<li class="removed" data-rule="reading_time"><span class="rule" data-rule="reading_time"[^>]*>reading_time</span>'
                     r"<del>4 min read</del></li>", dom)
    assert dom.count('class="doc"') == 9
    assert dom.count('<li class="removed"') == 14  # 'By The Associated Press' in paper-local is a byline
    # Charts: one bar per rule that removed lines, and the cluster size columns.
    assert len(re.findall(r'<g class="bar" data-key="[a-z_]+"', dom)) == 10
    assert 'aria-label="Cluster size distribution"' in dom and '<rect class="column"' in dom
    # The wire story's cluster, four copies side by side, the trimmed one with its lost lines struck.
    cluster = dom[dom.index('id="cluster-0"'):]
    assert cluster.count('class="column"') == 4
    assert '<p class="del">' in cluster
    assert "[object" not in dom, "a value was rendered as an object, not as text"


def test_report_page_filters_by_rule_and_search_from_the_address(pages: dict[str, Path], tmp_path: Path) -> None:
    dom = dump_dom(pages["report"], tmp_path / "profile", "#rule=caption_repeat&removed-only")
    assert dom.count('class="doc"') == 1 and 'data-id="abcnews-us-strike-iraq"' in dom
    assert '<li class="removed focus" data-rule="caption_repeat">' in dom
    assert '<li class="kept">' not in dom and "kept lines</li>" in dom
    dom = dump_dom(pages["report"], tmp_path / "profile2", "#q=harbor")
    assert dom.count('class="doc"') == 1 and "<mark>Harbor</mark>" in dom


def test_report_page_reacts_to_clicks_and_typing(pages: dict[str, Path], tmp_path: Path) -> None:
    clicked = with_script(pages["report"], """
        document.querySelector('#rule-chart g.bar[data-key="caption_repeat"]').dispatchEvent(new MouseEvent("click"));
        document.body.dataset.afterBar = document.querySelectorAll("article.doc").length;
        const search = document.querySelector('#doc-toolbar input[type=search]');
        search.value = "harbor";
        search.dispatchEvent(new Event("input"));
        document.body.dataset.afterBoth = document.querySelectorAll("article.doc").length;
        document.querySelector('#doc-toolbar select').value = "";
        document.querySelector('#doc-toolbar select').dispatchEvent(new Event("change"));
    """, tmp_path / "clicked.html")
    dom = dump_dom(clicked, tmp_path / "profile")
    assert 'data-after-bar="1"' in dom and 'data-after-both="0"' in dom
    assert '<p class="empty">No document matches.</p>' not in dom and dom.count('class="doc"') == 1 and "<mark>Harbor</mark>" in dom


def test_report_page_screenshot_shows_content(pages: dict[str, Path], tmp_path: Path) -> None:
    png = screenshot(pages["report"], tmp_path / "profile", tmp_path / "report.png")
    assert distinct_pixel_bytes(png) > 100


def test_bench_page_renders_the_table_worst_first_with_diffs(pages: dict[str, Path], tmp_path: Path) -> None:
    dom = dump_dom(pages["bench"], tmp_path / "profile")
    assert re.findall(r'<tr class="doc-row[^"]*" data-id="([^"]+)">', dom) == ["wrong", "half", "perfect"]
    assert '<th class="group" colspan="3">trafilatura</th>' in dom and '<th class="group" colspan="3">unchanged</th>' in dom
    # The worst document is open: each system's output against gold, side by side.
    assert '<tr class="doc-row open" data-id="wrong">' in dom
    detail = dom[dom.index('<td class="detail"'):dom.index('data-id="half"')]
    assert detail.count('class="column"') == 3
    assert '<p class="del">The mayor opened the new bridge on Tuesday morning, officials said.</p>' in detail
    assert '<p class="add">Completely different words about the weather in the hills today.</p>' in detail
    assert 'aria-label="F1 distribution"' in dom and dom.count('<circle class="point"') == 2 * 3
    assert "[object" not in dom
    clicked = with_script(pages["bench"], """
        const headers = [...document.querySelectorAll("#scores thead tr:last-child th")];
        headers[0].click();  // by document id
        document.body.dataset.byId = [...document.querySelectorAll("tr.doc-row")].map((row) => row.dataset.id).join(",");
        headers[3].click(); headers[3].click();  // cleanews F1, then best first
        document.body.dataset.best = [...document.querySelectorAll("tr.doc-row")].map((row) => row.dataset.id).join(",");
        document.querySelector('tr.doc-row[data-id="wrong"]').click();  // close the open one
        document.body.dataset.open = document.querySelectorAll("td.detail").length;
    """, tmp_path / "clicked.html")
    dom = dump_dom(clicked, tmp_path / "profile2")
    assert 'data-by-id="half,perfect,wrong"' in dom and 'data-best="perfect,half,wrong"' in dom and 'data-open="0"' in dom
    png = screenshot(pages["bench"], tmp_path / "profile", tmp_path / "bench.png")
    assert distinct_pixel_bytes(png) > 100
