"""Corpus-aware cleaning: lines that recur across the documents of one site."""

import pytest

from cleanews.clean.site import (
    SITE_RULE,
    SiteCounts,
    count_sites,
    host_of,
    site_boilerplate_step,
    site_keys,
)
from cleanews.config import SiteConfig
from cleanews.document import Cleaning, Document, Reject, Removal

DISCLAIMER = "The views expressed here are the author's own and not those of the Lakeside Ledger."
BOX = "Lakeside Ledger journalists answer readers' questions every Friday at noon."
STORIES = [
    ["The council voted 7-2 on Tuesday to close the old library on Main Street next spring.", "Supporters said they would collect signatures."],
    ["Ferry fares will rise by ten percent in July, the harbour authority said on Monday.", "Commuters called the rise unfair."],
    ["A storm knocked out power to 2,000 homes overnight, the utility said.", "Crews expected to restore power by noon."],
    ["The city will plant 500 trees along the river this autumn, the mayor announced.", "Residents can suggest locations online."],
]


def page(index: int, host: str = "lakesideledger.example", extra: tuple[str, ...] = (DISCLAIMER, BOX)) -> Document:
    lines = STORIES[index % len(STORIES)] + list(extra)
    return Document(id=f"{host}-{index}", text="\n".join(lines), url=f"https://www.{host}/news/{index}",
                    cleaning=Cleaning(removed=(Removal("Share", "share"),), source="text"))


def two_passes(items: list, config: SiteConfig = SiteConfig()) -> list:
    templates = count_sites(item for item in items if isinstance(item, Document)).templates(config)
    return list(site_boilerplate_step(items, templates))


def test_lines_on_every_page_of_a_site_go_and_are_recorded() -> None:
    out = two_passes([page(i) for i in range(4)])
    for index, doc in enumerate(out):
        assert doc.text.split("\n") == STORIES[index]
        assert [(r.rule, r.line) for r in doc.cleaning.removed] == [("share", "Share"), (SITE_RULE, DISCLAIMER), (SITE_RULE, BOX)]


def test_the_result_does_not_depend_on_order_or_partitioning() -> None:
    pages = [page(i) for i in range(3)] + [page(i, host="other.example") for i in range(4)]
    whole = count_sites(pages).templates(SiteConfig())
    halves = count_sites(pages[::2]).merge(count_sites(pages[1::2])).templates(SiteConfig())
    assert whole == halves
    assert DISCLAIMER not in two_passes(pages)[0].text
    assert [d.text for d in two_passes(pages[::-1])][::-1] == [d.text for d in two_passes(pages)]


def test_two_pages_are_not_enough_and_other_sites_do_not_count() -> None:
    items = [page(0), page(1), page(2, host="other.example"), page(3, host="third.example")]
    assert [doc.text for doc in two_passes(items)] == [doc.text for doc in items]


def test_documents_without_url_and_rejects_pass_through() -> None:
    bare = [Document(id=str(i), text=f"{DISCLAIMER}\nStory {i} happened today.") for i in range(5)]
    reject = Reject("x.jsonl:3", "invalid JSON")
    out = two_passes([*bare, reject])
    assert out[:5] == bare and out[5] is reject


def test_a_story_the_site_ran_several_times_keeps_its_long_lines() -> None:
    long_line = " ".join(["The harbour authority said the new ferry timetable would add three crossings a day"] * 2) + "."
    docs = [Document(id=str(i), text=f"{long_line}\nShort note {i}.", url="https://ledger.example/a") for i in range(4)]
    assert all(long_line in doc.text for doc in two_passes(docs))


def test_counts_compact_to_one_entry_per_distinct_line(monkeypatch) -> None:
    monkeypatch.setattr("cleanews.clean.site.COMPACT_EVERY", 64)
    counts = SiteCounts()
    for index in range(200):
        counts.add(*site_keys(Document(id=str(index), text=f"unique line {index}\nSubscribe to the Big Example", url="https://big.example/x")))
    templates = counts.templates(SiteConfig())
    assert len(counts.keys) == 201 and counts.documents["big.example"] == 200
    assert templates.is_template("big.example", "Subscribe to the Big Example")
    assert not templates.is_template("big.example", "unique line 99")
    assert len(templates.line_documents) == 1


@pytest.mark.parametrize("url, host", [("https://www.example.com/a", "example.com"), ("example.com/a", "example.com"), ("", None)])
def test_host_of(url: str, host: str | None) -> None:
    assert host_of(Document(id="1", text="", url=url or None)) == host


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="min_documents"):
        SiteConfig(min_documents=1)
    with pytest.raises(ValueError, match="min_share"):
        SiteConfig(min_share=0)


def test_cli_removes_site_template_unless_told_not_to(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from cleanews.cli import main

    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps({"id": doc.id, "text": doc.text, "url": doc.url}) + "\n" for doc in map(page, range(4))))
    for flag, expect_disclaimer in (("--site-boilerplate", False), ("--no-site-boilerplate", True)):
        result = CliRunner().invoke(main, ["clean", str(source), "--mode", "text", "-j", "1", "-q", flag])
        assert result.exit_code == 0, result.output
        texts = [json.loads(line)["text"] for line in result.stdout.splitlines()]
        assert any(DISCLAIMER in text for text in texts) is expect_disclaimer
