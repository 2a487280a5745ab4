"""Named junk-line rules: one table, each rule with the reason it exists.

A rule looks at one whitespace-normalised line and says whether it is page
junk. Every pattern is a single compiled regex without nested quantifiers, so
matching stays linear in the line length, and every rule has a word limit so
that a long article sentence that merely *mentions* a cookie or a newsletter
is never removed.

Rules know some cue words in several languages (English, German, Spanish,
French, Italian, Portuguese). They only ever remove short lines, so text in a
language they do not know is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class JunkRule:
    """A named pattern for one kind of junk line.

    ``pattern`` is searched case-insensitively in the line; ``max_words`` is
    the longest line (in words) the rule may remove.
    """

    name: str
    pattern: re.Pattern[str]
    max_words: int
    why: str

    def matches(self, line: str, n_words: int) -> bool:
        return n_words <= self.max_words and self.pattern.search(line) is not None


def _rule(name: str, pattern: str, max_words: int, why: str) -> JunkRule:
    return JunkRule(name, re.compile(pattern, re.IGNORECASE), max_words, why)


# A cue line may end with a colon, arrow or dash. Possessive quantifiers
# (*+, ++) never give back what they matched: runs of spaces, digits or
# dashes are read once, so a failing search stays linear in the line length
# (tests/test_rules_linear.py) and matches exactly what the greedy form did.
_END = r"\s*+[:.!|>»›-]*+\s*+$"

RULES: tuple[JunkRule, ...] = (
    _rule(
        "reading_time",
        r"^(?:\d++\s*+(?:-|to|–)?\s*+\d*+\s*+(?:min(?:ute)?s?|mins?)\.?\s*+(?:read|reading|de lectura|de lecture|lesezeit|di lettura|de leitura)"
        r"|(?:estimated\s++)?(?:reading|read) time\s*+:?\s*+\d++\s*+\w*+"
        r"|(?:lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura)\s*+:?\s*+\d++\s*+\w*+\.?"
        r"|\d++\s*+min\.?)" + _END,
        8,
        "reading-time badges such as '4 min read' are page furniture",
    ),
    _rule(
        "related",
        r"^(?:you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|related(?: articles?| stories| content| coverage| news| topics| posts| links| reading)?"
        r"|recommended(?: for you| stories| articles| reading| videos?)?|more (?:from|on|stories|news|articles|videos?|like this|to explore)\b.{0,60}"
        r"|(?:read|see|watch) (?:more|next|also)|also read|further reading|most (?:popular|read|viewed|shared)|trending(?: now)?|top stories|latest (?:news|stories)|what to read next|don'?t miss"
        r"|mehr zum thema|lesen sie (?:auch|mehr)|auch interessant|das könnte sie (?:auch )?interessieren|weitere artikel"
        r"|le(?:e|er) (?:más|también)|te puede interesar|noticias relacionadas|relacionad[ao]s|lire (?:aussi|la suite)|à lire aussi|sur le même sujet"
        r"|leggi anche|potrebbe interessarti|leia (?:também|mais)|veja também)" + _END,
        10,
        "'You May Also Like' and related-content headers introduce links to other pages",
    ),
    _rule(
        "read_more_link",
        r"^(?:read more|read next|related|see also|also read|more|recommended|watch|listen|mehr|lesen sie auch|leer más|lire aussi|leggi anche)\s*[:>»›|]\s*\S",
        25,
        "'Read more: <headline>' lines link to another article",
    ),
    _rule(
        "newsletter",
        r"newsletter|^(?:sign up|subscribe|get (?:our|the) \w+ (?:in|to) your inbox|join (?:our|the) mailing list)\b|\bsubscribe (?:now|today|here|to (?:our|the))"
        r"|\b(?:abonnieren|suscríbete|suscribirse|abonnez-vous|iscriviti|inscreva-se)\b",
        16,
        "newsletter and subscription calls to action",
    ),
    _rule(
        "share",
        r"^(?:(?:share|sharing|share this(?: article| story| page| post)?|share on|tweet|e-?mail|print|copy(?: the)? link|save|comments?|\d+\s*comments?"
        r"|facebook|twitter|linkedin|whatsapp|pinterest|reddit|flipboard|telegram|messenger|x|teilen|compartir|partager|condividi|compartilhar"
        r"|follow(?: us)?(?: on)?|click to share(?: on)?|opens in (?:a )?new window)[\s,|•·/()-]*)+$",
        14,
        "share, follow and social-media button labels",
    ),
    _rule(
        "advertisement",
        r"^(?:advertisement|advertising|ad|ads|sponsored(?: content| links?)?|paid (?:content|post)|promoted(?: content)?|story continues below(?: advertisement)?"
        r"|continue reading(?: the main story| below)?|article continues (?:below|after advertisement)|anzeige|werbung|publicidad|publicité|pubblicità|publicidade|реклама)"
        + _END,
        6,
        "advertisement labels and 'story continues below' markers",
    ),
    _rule(
        "cookie",
        r"\bcookies?\b.{0,200}\b(?:accept|consent|agree|polic(?:y|ies)|settings|preferences|browser|experience|enable|we use|to use)"
        r"|\b(?:we use|this (?:site|website) uses|by using)\b.{0,100}\bcookies?\b",
        45,
        "cookie and consent notices",
    ),
    _rule(
        "copyright",
        r"^\s*(?:©|\(c\)\s*\d{4}|copyright\b)|all rights reserved|todos los derechos reservados|alle rechte vorbehalten|tous droits réservés|tutti i diritti riservati",
        30,
        "copyright and rights-reserved notices",
    ),
    _rule(
        "source_line",
        r"^(?:source|sources|quelle|fuente|fonte|via)\s*:\s*\S",
        15,
        "'source:' lines name where a page came from (kept as url metadata when they hold one)",
    ),
    _rule(
        "caption",
        r"^(?:photo|photos|video|image|picture|file photo|gallery|slideshow|watch|listen|caption|graphic|foto|fotos|imagen|bild|vídeo)\s*(?:\d+\s*(?:of|/)\s*\d+)?\s*:",
        80,
        "photo and video captions ('PHOTO: ...')",
    ),
    _rule(
        "photo_credit",
        r"^\(?(?:(?:photo|image|picture|photograph|foto|bild|imagen|credit|video)s?(?:\s+(?:by|credit|courtesy(?: of)?))?\s*[:/]"
        r"|(?:photo|image|picture|foto) (?:by|credit|courtesy)\b)"
        r"|\b(?:getty images|ap photo|afp via getty|shutterstock|istockphoto|reuters/|epa-efe|imago images|picture alliance|\bdpa\b)",
        14,
        "photo credit lines ('Photo by X/Getty Images')",
    ),
)

RULES_BY_NAME: dict[str, JunkRule] = {rule.name: rule for rule in RULES}

# Removals by the line classifier (model.py) are named MODEL_RULE_PREFIX plus
# the feature that argued most against the line (features.FEATURES), or plus
# "context" when the line was removed for its neighbours.
MODEL_RULE_PREFIX = "model:"

# Rules that work on the document as a whole, not on one line (lines.py).
STRUCTURAL_RULES: dict[str, str] = {
    "repeated_line": "a line that repeats an earlier line of the same document",
    "caption_repeat": "a caption repeated with its credit glued on, or repeated without its 'PHOTO:' label",
    "no_text": "lines with no letters or digits",
    "title": "the headline, moved from the body to the title field",
    "related_links": "link titles listed under a 'Related' or 'You May Also Like' header",
}


def first_matching_rule(line: str, n_words: int) -> str | None:
    """Name of the first rule that calls ``line`` junk, or None.

    >>> first_matching_rule("4 min read", 3)
    'reading_time'
    >>> first_matching_rule("You May Also Like", 4) is None
    False
    >>> first_matching_rule("We use cookies to improve your experience.", 7)
    'cookie'
    >>> first_matching_rule("The minister said the cookie tax would fall.", 8) is None
    True
    >>> first_matching_rule("Officials said on Monday that talks would go on.", 9) is None
    True
    """
    for rule in RULES:
        if rule.matches(line, n_words):
            return rule.name
    return None
