"""Pages that look alike only through template text or too little text stay apart; real copies still merge."""

import random

from cleanews import DedupConfig, Document, dedup_step
from cleanews.clean.site import count_sites, site_boilerplate_step
from cleanews.config import SiteConfig

RAND = random.Random(13)
SYLLABLES = ["ka", "lo", "mi", "ren", "to", "vas", "sun", "del", "fra", "nor", "pe", "qui", "zor", "bal", "tek"]
VOCABULARY = sorted({"".join(RAND.choices(SYLLABLES, k=RAND.randint(1, 3))) for _ in range(3000)})


def words(count: int) -> str:
    return " ".join(RAND.choices(VOCABULARY, k=count)).capitalize() + "."


def story(paragraphs: int) -> list[str]:
    return [words(RAND.randint(30, 45)) for _ in range(paragraphs)]


BIO = ("I live. I learn. I teach. " + words(60))  # an author box, one long line
PAGER = "Newer Post Older Post Home"


def clusters(docs: list[Document], with_templates: bool = True) -> dict[str, str]:
    """Clusters after the site-boilerplate step (as in ``cleanews run``), or without it (``cleanews dedup``)."""
    if with_templates:
        docs = list(site_boilerplate_step(docs, count_sites(docs).templates(SiteConfig())))
    return {doc.id: doc.dedup.cluster_id for doc in dedup_step(docs, DedupConfig())}


def page(doc_id: str, lines: list[str], host: str = "blog.example.com") -> Document:
    return Document(id=doc_id, text="\n".join(lines), url=f"https://{host}/{doc_id}")


def test_pages_left_with_only_the_author_box_stay_apart() -> None:
    # The cleaner lost the article of four pages and kept the author box, the blog's template.
    docs = [page(f"lost{n}", [BIO]) for n in range(4)] + [page(f"post{n}", [*story(4), BIO]) for n in range(3)]
    assert len(set(clusters(docs).values())) == len(docs)
    # Without knowing the template, the four identical boxes are exact duplicates (and may merge as such).
    assert len(set(clusters(docs, with_templates=False).values())) == len(docs) - 3


def test_posts_sharing_a_bio_stay_apart_and_a_rerun_post_still_merges() -> None:
    posts = [story(2) for _ in range(4)]
    docs = [page(f"post{n}", [*paragraphs, BIO]) for n, paragraphs in enumerate(posts)]
    docs.append(page("post0-again", [*posts[0], BIO]))
    assigned = clusters(docs)
    assert assigned["post0-again"] == assigned["post0"]
    assert len({assigned[f"post{n}"] for n in range(4)}) == 4


def test_a_part_pages_share_at_their_end_is_not_enough() -> None:
    # Short stories of one site with its sidebar below, in a run that knows no template (no site step):
    # each is shorter than a 150-token head, but the first half of each is its own.
    sidebar = [words(30), words(30)]
    docs = [page(f"story{n}", [words(40), words(40), *sidebar], "sport.example.org") for n in range(6)]
    assert len(set(clusters(docs, with_templates=False).values())) == len(docs)


def test_wire_copies_with_other_furniture_still_merge() -> None:
    wire = story(8)
    docs = [
        page("wire", wire, "wire.example.net"),
        page("paper-a", ["By Staff and wire reports", *wire[:5], "Copyright 2026 Paper A. All rights reserved."], "a.example.com"),
        page("paper-b", ["Breaking", *wire[:3], words(40), "Follow us on social media for more local news."], "b.example.com"),
    ]
    assert set(clusters(docs).values()) == {"wire"}


def test_short_pages_merge_only_as_exact_copies() -> None:
    box = words(24)
    almost = box.replace(box.split()[5], "different", 1)
    docs = [page("pager1", [PAGER], "one.blogspot.com"), page("pager2", [PAGER, "Subscribe to: Post Comments (Atom)"], "two.blogspot.com"),
            page("box1", [box], "three.blogspot.com"), page("box2", [almost], "four.blogspot.com"),
            page("box3", [box], "five.blogspot.com")]
    assigned = clusters(docs)
    assert assigned["pager1"] != assigned["pager2"]
    assert assigned["box1"] != assigned["box2"]
    assert assigned["box3"] == assigned["box1"]  # the same text: an exact duplicate
