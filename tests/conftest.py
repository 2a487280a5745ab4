from pathlib import Path

import pytest
from hypothesis import settings

# A long property run, on demand: pytest --hypothesis-profile=deep
settings.register_profile("deep", max_examples=5000)

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"


@pytest.fixture
def golden() -> Path:
    return GOLDEN


def make_wire_corpus(stories: int, seed: int) -> list[dict]:
    """A small labelled corpus of republished stories, built here so tests need no data files.

    Each story has 8-14 paragraphs of random words (from a syllable
    vocabulary, so unrelated stories share almost nothing); copies trim the
    bottom, change quote style and case, add a byline or a local paragraph;
    some stories get a follow-up: a new top, then half of the story's
    background paragraphs. Records: id, text, cluster, kind, parent.
    """
    import random

    rand = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "to", "vas", "sun", "del", "fra", "nor", "pe", "qui", "zor", "bal", "tek"]
    vocabulary = sorted({"".join(rand.choices(syllables, k=rand.randint(1, 3))) for _ in range(3000)})

    def paragraph() -> str:
        words = rand.choices(vocabulary, k=rand.randint(25, 45))
        return " ".join(words).capitalize() + ", “" + " ".join(rand.choices(vocabulary, k=6)) + "” officials said."

    def copy(paragraphs: list[str]) -> str:
        kept = paragraphs[: max(3, int(len(paragraphs) * rand.uniform(0.5, 1.0)))]
        if rand.random() < 0.5:
            kept = [p.replace("“", '"').replace("”", '"').upper() if rand.random() < 0.2 else p.replace("“", '"').replace("”", '"') for p in kept]
        if rand.random() < 0.4:
            kept = ["By " + " ".join(rand.choices(vocabulary, k=2)).title() + ", Wire Service"] + kept
        if rand.random() < 0.3:
            kept.insert(rand.randint(2, len(kept)), "Local news: " + paragraph())
        return "\n\n".join(kept)

    records: list[dict] = []
    for story in range(stories):
        paragraphs = [paragraph() for _ in range(rand.randint(8, 14))]
        records.append({"text": "\n\n".join(paragraphs), "cluster": f"s{story}", "kind": "original", "parent": story})
        for _ in range(rand.choice([0, 0, 1, 2, 4])):
            records.append({"text": copy(paragraphs), "cluster": f"s{story}", "kind": "copy", "parent": story})
        if rand.random() < 0.3:
            follow = [paragraph() for _ in range(rand.randint(4, 6))] + rand.sample(paragraphs[1:], len(paragraphs) // 2)
            records.append({"text": "\n\n".join(follow), "cluster": f"f{story}", "kind": "followup", "parent": story})
            for _ in range(rand.choice([0, 1])):
                records.append({"text": copy(follow), "cluster": f"f{story}", "kind": "followup_copy", "parent": story})
    rand.shuffle(records)
    for number, record in enumerate(records):
        record["id"] = f"doc{number:04d}"
    return records


@pytest.fixture(scope="session")
def wire_corpus() -> list[dict]:
    return make_wire_corpus(stories=40, seed=5)


@pytest.fixture(scope="session")
def scheduler():
    """A 2-worker Dask LocalCluster shared by every test that needs one (the dask extra)."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # Workers that may start processes: the per-document time limit needs them.
    with dask.config.set({"distributed.worker.daemon": False}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:
        yield cluster.scheduler_address
