"""The mission's junk kinds, counted in a system's output where the gold text lacks them.

    python benchmarks/junk_kinds.py                          # text mode on the three shared sets
    python benchmarks/junk_kinds.py --modes text html --sets scrapinghub --limit 100

prints, per set and mode, each system's P/R/F1 (``cleanews.bench``) and its
junk lines per 1,000 documents by kind: cleanews beside ``page_text``
unchanged (text mode) or trafilatura alone (html mode). It is the quick,
per-mode form of what ``clean_quality.py`` prints after its F1 tables.

A line counts when it is short enough to be furniture, carries a cue of one
kind anywhere in it, and its words are not a run of the page's gold text.
The cue table is the measure's own: written apart from the cleaner's rules
(``cleanews/clean/rules.py`` is never imported), matched anywhere in the line
rather than anchored, and checked against the gold text itself
(``gold_flag_rate``: lines of the gold it would call junk), so the cleaner
cannot pass by matching the measure's strings.

>>> junk_kind("Print this article")
'prompt'
>>> junk_kind("The council voted to print more ballots for the election next month.") is None
True
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

WORD = re.compile(r"\w+")

# kind -> (cue, most words a line of that kind has). Cues are in the languages
# of the shared sets (en, de, fr, es, it, pt, nl, cs, pl, ru, sv, tr, ...).
# What follows a page action in a prompt ("Print this article", "Share on
# Facebook", "Kommentare (3)"): a pointer to the page, a channel or nothing.
_PROMPT_OBJECT = (
    r"(?:\W*+$|\W+(?:this|the|it|on|via|to|with|a|our|us|article|story|post|page|link|friend|\d+"
    r"|diesen|dieser|den|artikel|beitrag|auf|per|jetzt|cet|cette|l|sur|par|este|esta|el|en|por|artículo|nota"
    r"|questo|su|articolo|no|na|artigo|matéria|dit|op|článek|статью|в|artykuł)\b)"
)
# kind -> (cue, most words a line of that kind has). Cues are in the languages
# of the shared sets (en, de, fr, es, it, pt, nl, cs, pl, ru, sv, tr, ...).
KINDS: dict[str, tuple[str, int]] = {
    "reading_time": (
        r"\bmin(?:ute)?s?\.? (?:read|reading|lesen|de lectura|de lecture|di lettura|de leitura|leestijd)\b"
        r"|\b(?:reading time|read time|lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura|leestijd)\b",
        10,
    ),
    "related": (
        r"\b(?:you (?:may|might|will) (?:also )?(?:like|love|enjoy)|related (?:articles?|stories|posts?|content|news|reading|reads|videos?)"
        r"|most (?:popular|read|viewed|shared|commented)|more (?:stories|articles|news|videos|posts) (?:from|on|like)"
        r"|mehr zum thema|lesen sie auch|das könnte sie|weitere artikel|lire aussi|à lire aussi|sur le même sujet|dans la même rubrique"
        r"|te puede interesar|noticias relacionadas|art[ií]culos relacionados|leggi anche|articoli correlati|potrebbe interessarti"
        r"|veja também|leia também|notícias relacionadas|gerelateerd|čtěte také|читайте также|похожие (?:статьи|новости))"
        r"|^\W*(?:related|recommended(?: for you| stories| articles| reading| videos| posts)?|trending(?: now| news| stories)?|top stories"
        r"|(?:read|see) (?:more|also)|also read|don'?t miss|popular (?:posts|stories|articles)|meistgelesen|lee también|leer más"
        r"|lees ook|související|czytaj (?:też|także)|relaterat|ilgili haberler)"
        r"(?:\W*+$|\s*+[:»›|]|\s+(?:news|stories|articles|posts|on|from|at|like|in)\b)",
        10,
    ),
    "prompt": (
        # A page action among the first words, followed by what it acts on
        # ("Print this article", "Jetzt teilen"), a newsletter pitch, or a row of networks.
        r"^(?:\W*\w+){0,3}?\W*(?:share|sharing|tweet|print|e-?mail|send to a friend|bookmark|save (?:this|for later)|leave a (?:comment|reply)|comments?|post a comment|add a comment"
        r"|follow us|follow \w+ on|like us|click to|teilen|drucken|versenden|kommentare?|kommentieren|partager|imprimer|envoyer|commentaires?"
        r"|compartir|compartilhar|imprimir|enviar|comentarios?|comentários|condividi|stampa|invia|commenti|delen|afdrukken|reageer|reacties"
        r"|sdílet|tisk|komentáře|поделиться|печать|комментари\w*|udostępnij|drukuj|komentarze|dela|kommentarer|paylaş|yazdır|yorumlar)"
        + _PROMPT_OBJECT
        + r"|\b(?:newsletter|subscribe|sign up|abonnieren|abonnez|suscr[ií]b\w*|iscriviti|inscreva)\b"
        r"|\b(?:facebook|twitter|whatsapp|linkedin|pinterest|reddit|telegram|email)\W+(?:facebook|twitter|whatsapp|linkedin|pinterest|reddit|telegram|email|print)\b",
        12,
    ),
    "ad_label": (
        r"^\W*(?:advertisements?|advertising|ads?|sponsored|sponsored content|paid (?:post|content)|promoted|anzeige|werbung|publicité|publicidad"
        r"|pubblicità|publicidade|advertentie|reklama|реклама|annons|reklam)(?:\s*+[-:|–]|\W*+$)"
        r"|^\W*sponsored by\b|\b(?:story continues below|article continues below|continue reading below)",
        8,
    ),
    "caption_credit": (
        # A credit label or an agency in credit position, or a gallery counter.
        r"(?:^|[(|.,]\s*+|\s)(?:photo|photograph|image|picture|foto|bild|imagen)s?\s*+(?:credit\s*+)?:|\bcredits?\s*+(?::|\.\.\.)"
        r"|(?:^|[(|]\s*+)(?:photo|image|picture|foto)s?\s+(?:by|courtesy)\b|\b(?:photo|image|picture) ?credit|\bimage copyright\b"
        r"|(?:^|[(/|.]\s*+)(?:getty images|ap photo|afp|reuters|shutterstock|istock|picture alliance|imago|epa|dpa|keystone|alamy)\b"
        r"|^\W*(?:(?:image|photo|slide|foto|bild)\s*+)?\d+\s*+(?:of|/|von|de|di|z)\s*+\d+\W*+$|^\d{1,3}/\d{2,3}\s+[A-Z]",
        60,
    ),
    "copyright": (
        r"©|\(c\) ?(?:19|20)\d\d|\bcopyright\s*+(?:©|\(c\)|(?:19|20)\d\d)|all rights reserved|alle rechte vorbehalten|tous droits réservés"
        r"|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden"
        r"|všechna práva vyhrazena|все права защищены",
        30,
    ),
}
CUES = {kind: re.compile(cue, re.IGNORECASE) for kind, (cue, _) in KINDS.items()}
# Program code (documentation pages) prints and emails without being a prompt.
CODE = re.compile(r"[{};=`]|>>>|\w\(|\"\w+\":")


def junk_kind(line: str) -> str | None:
    """The first kind whose cue the line carries within that kind's word limit."""
    words = len(WORD.findall(line))
    if CODE.search(line):
        return None
    for kind, (_, max_words) in KINDS.items():
        if words and words <= max_words and CUES[kind].search(line.strip()):
            return kind
    return None


def _key(text: str) -> str:
    return " " + " ".join(word.casefold() for word in WORD.findall(text)) + " "


def junk_not_in_gold(output: str, gold: str) -> Counter[str]:
    """Lines of each kind in ``output`` whose words are not a run of the gold text."""
    gold_key = _key(gold)
    found: Counter[str] = Counter()
    for line in output.split("\n"):
        kind = junk_kind(line)
        if kind is not None and _key(line) not in gold_key:
            found[kind] += 1
    return found


def per_thousand(outputs: Iterable[str], golds: Iterable[str]) -> tuple[dict[str, float], int]:
    """Junk lines not in the gold per 1,000 documents, per kind and in total, and the document count."""
    total: Counter[str] = Counter()
    documents = 0
    for output, gold in zip(outputs, golds, strict=True):
        total += junk_not_in_gold(output, gold)
        documents += 1
    scale = 1000 / max(documents, 1)
    rates = {kind: total[kind] * scale for kind in KINDS}
    rates["all"] = sum(total.values()) * scale
    return rates, documents


def gold_flag_rate(golds: Iterable[str]) -> float:
    """Lines of the gold texts themselves the measure calls junk, per 1,000 documents (its false alarms)."""
    golds = list(golds)
    flagged = sum(junk_kind(line) is not None for gold in golds for line in gold.split("\n"))
    return flagged * 1000 / max(len(golds), 1)


DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clean"
SETS = ("scrapinghub", "readability", "wcxb-dev")
# The systems each mode is compared with: what the user would have without cleanews.
BASELINES = {"text": "unchanged", "html": "trafilatura"}


def report(path: Path, mode: str, limit: int | None) -> None:
    """One set in one mode: F1 and junk per kind, the baseline beside cleanews."""
    from cleanews.bench import load_cases, score_text, summarise, system_outputs  # here: the doctests need none of it
    from cleanews.config import CleanConfig, Fields

    cases = load_cases(str(path), Fields(text="page_text"))[:limit]
    if mode == "text":
        cases = [dataclasses.replace(case, doc=case.doc.replace(html=None)) for case in cases]
    golds = [case.gold for case in cases]
    rates = {}
    print(f"{path.name.split('.')[0]}, {mode} mode ({len(cases)} pages)")
    for system in (BASELINES[mode], "cleanews"):
        texts = list(system_outputs(system, cases, CleanConfig(mode=mode), jobs=1))
        summary = summarise([score_text(text, gold) for text, gold in zip(texts, golds, strict=True)])
        rates[system], _ = per_thousand(texts, golds)
        print(f"  {system:<12} P {summary.precision:.4f}  R {summary.recall:.4f}  F1 {summary.f1:.4f}  doc F1 {summary.mean_doc_f1:.4f}")
    print(f"  junk lines per 1,000 docs  {'kind':<14}" + "".join(f"{system:>13}" for system in rates))
    for kind in (*KINDS, "all"):
        print(f"  {'':<27}{kind:<14}" + "".join(f"{by_kind[kind]:13.0f}" for by_kind in rates.values()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="directory with the shared NAME.jsonl.gz sets")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--modes", nargs="+", choices=tuple(BASELINES), default=["text"])
    parser.add_argument("--limit", type=int, default=None, help="the first N pages of each set only")
    args = parser.parse_args(argv)
    missing = [name for name in args.sets if not (args.data / f"{name}.jsonl.gz").exists()]
    if missing:
        print(f"error: no {', '.join(missing)} in {args.data} (give --data DIR)", file=sys.stderr)
        return 1
    for name in args.sets:
        for mode in args.modes:
            report(args.data / f"{name}.jsonl.gz", mode, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
