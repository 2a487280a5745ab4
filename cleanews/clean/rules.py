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

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class JunkRule:
    """A named pattern for one kind of junk line.

    ``pattern`` is searched case-insensitively in the line; ``max_words`` is
    the longest line (in words) the rule may remove. ``needles``, when
    given, are strings one of which every match holds (``needle_fold``ed): a line
    without any is not searched, which spares the unanchored patterns a
    scan of every line (tests/test_rules.py checks them against the table).
    """

    name: str
    pattern: re.Pattern[str]
    max_words: int
    why: str
    needles: tuple[str, ...] = ()
    # The needles as one pattern of literals, searched in the casefolded line.
    needle_finder: re.Pattern[str] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.needles:
            object.__setattr__(self, "needle_finder", re.compile(_trie(sorted(set(map(needle_fold, self.needles))))))

    def matches(self, line: str, n_words: int, folded: str | None = None) -> bool:
        """Whether the rule removes ``line`` (of ``n_words`` words; ``folded`` is ``needle_fold(line)`` if known)."""
        if n_words > self.max_words:
            return False
        finder = self.needle_finder
        if finder is not None and finder.search(needle_fold(line) if folded is None else folded) is None:
            return False
        return self.pattern.search(line) is not None


def needle_fold(line: str) -> str:
    """``line`` casefolded for needles, with what re.IGNORECASE also takes for an 'i' (İ, ı) made one.

    >>> needle_fold("PRİNT ſhare Prınt")
    'print share print'
    """
    folded = line.casefold()
    return folded if folded.isascii() else folded.replace("i\u0307", "i").replace("ı", "i")


def _rule(name: str, pattern: str, max_words: int, why: str, needles: str = "") -> JunkRule:
    """A rule; ``needles`` are separated by '|' (a needle may hold spaces)."""
    return JunkRule(name, re.compile(pattern, re.IGNORECASE), max_words, why, tuple(filter(None, needles.split("|"))))


# A cue line may end with a colon, arrow or dash. Possessive quantifiers
# (*+, ++) never give back what they matched: runs of spaces, digits or
# dashes are read once, so a failing search stays linear in the line length
# (tests/test_rules_linear.py) and matches exactly what the greedy form did.
_END = r"\s*+[:.!|>»›-]*+\s*+$"

def _any_word(words: str) -> str:
    """An alternation of whitespace-separated words (a word may hold a space as '_'; a few are patterns: 'e-?mail').

    Plain words become a trie ('sha(?:re|red)'), so a search tries a
    letter's branch, not hundreds of words in turn; patterns follow them.

    >>> _any_word("share shared save e-?mail")
    's(?:ave|hare(?:d)?)|e-?mail'
    """
    listed = [word.replace("_", " ") for word in words.split()]
    plain = [word for word in listed if re.escape(word) == word.replace(" ", "\\ ")]
    return "|".join([_trie(plain), *(word for word in listed if word not in plain)])


def _trie(words: list[str]) -> str:
    """A pattern matching exactly ``words`` (plain text), branching on one character at a time."""
    if not words:
        return "(?!)"
    branches: dict[str, list[str]] = {}
    for word in words:
        branches.setdefault(word[:1], []).append(word[1:])
    ends_here = "" in branches.pop("", [None])
    alternatives = [re.escape(first) + ("" if rests == [""] else _trie(rests)) for first, rests in sorted(branches.items())]
    if len(alternatives) == 1 and not ends_here:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")" + ("?" if ends_here else "")


# Page actions a button or link names, in the languages of the shared pages
# (en, de, fr, es, it, pt, nl, cs, pl, ru, sv, da, tr). Stems end in \w*.
_PAGE_ACTION_WORDS = """
    share shared sharing tweet retweet print printer e-?mail mail send save bookmark comments? commenting copy
    subscribe follow recommend repost reply replies
    teilen drucken druckversion versenden senden speichern merken kommentar\\w* mitteilen antworten
    partager imprimer envoyer enregistrer sauvegarder commentaires? commenter réagir répondre
    compart\\w+ imprimir envi[aáeé]\\w* guardar coment\\w+ descargar responder
    condividi stampa invia salva commenti commenta rispondi
    imprima envie salvar
    delen deel printen afdrukken mailen versturen bewaren opslaan reageer reageren reacties?
    sdílet tisk tisknout vytisknout poslat uložit komentáře komentovat
    udostępnij drukuj wyślij zapisz komentarze skomentuj
    поделиться распечатать печать отправить сохранить комментарии комментировать
    dela skriv_ut skicka spara kommentera kommentarer
    paylaş yazdır gönder kaydet yorumlar yorum_yap
"""
PAGE_ACTIONS = _any_word(_PAGE_ACTION_WORDS)
# Social networks and messengers a share row names.
NETWORKS = _any_word("""
    facebook\\w* twitter\\w* x linkedin\\w* whatsapp\\w* pinterest reddit flipboard telegram messenger tumblr xing vk vkontakte
    instagram youtube tiktok threads bluesky mastodon sms google\\+? pocket
""")
# What a prompt says around its action: the thing acted on, the channel and
# small words. A line of these and no other word has no content of its own.
PROMPT_WORDS = _any_word("""
    this these the a an it our us your you me my to on in via by with for and or now here link links url page article story post
    friend friends colleague later opens new window click tap options more other site sites blog then
    leave add write post view show see hide like load earlier older newer expand collapse full all cancel parent submit please
    open close
    diesen diese dieses den die das der artikel beitrag seite link per an mit auf jetzt hier freunde freund als schreiben anzeigen
    cet cette ce la le les l article page lien par sur à avec un une ami amis maintenant ici puis laisser écrire voir
    este esta el la los las artículo nota página enlace por en con a un una amigo amigos ahora aquí tu deja dejar escribe ver
    questo questa il lo la l articolo pagina su con un una amico ora qui lascia scrivi
    o artigo matéria por em no na com um uma agora aqui deixe escreva
    dit deze de het pagina op met een vriend nu hier plaats schrijf
    tento tuto článek stránku na přes s e-mailem emailem
    ten ten artykuł stronę na przez z
    эту этой статью статьей страницу в на через по почте
    den denna det artikeln sidan på med
    bu haberi sayfayı ile
""")
# A prompt: only action, network and prompt words (and counts: "12 comments"),
# at least one action among them: a list of networks alone is content (an
# article on social media), and so is "Save $50". Each word is read once: the
# alternation ends at a word boundary and the separators are possessive, so
# a failing search stays linear (tests/test_rules_linear.py).
# 'Follow' in the languages of the actions.
_FOLLOW = "follow|folgen sie|folge|suivez|síguenos|sigue|siga|segui|seguici|volg"
_SEPARATOR = r"[\s,.:!?|•·/()\[\]+–—<>«»\"“”*#~\u2190-\u2bff\ufe0f\U0001f000-\U0001faff-]*+"
# The words are checked first (a line of content fails at its first content
# word), the action among them after.
_PROMPT = (
    rf"^(?=(?:{_SEPARATOR}(?:\d++|(?:{PAGE_ACTIONS}|{NETWORKS}|{PROMPT_WORDS})\b))++{_SEPARATOR}$)"
    rf".*?\b(?:{PAGE_ACTIONS})\b"
    # "Follow <name> on <networks>": whoever is followed, the rest is networks.
    rf"|^{_SEPARATOR}(?:{_FOLLOW})\b[^.!?]{{0,40}}?"
    rf"\b(?:on|auf|sur|en|em|su|op|в|na|på)\s++(?:{NETWORKS})\b(?:{_SEPARATOR}(?:{NETWORKS}|and|und|et|y|e|en|och|ve|i|a|or|и)\b)*+{_SEPARATOR}$"
)


def _literal_core(word: str) -> str:
    r"""The longest plain stretch of a word of ``_any_word`` (a pattern's needle: 'e-?mail' -> 'mail').

    >>> _literal_core("e-?mail"), _literal_core(r"envi[aáeé]\w*"), _literal_core("skriv_ut")
    ('mail', 'envi', 'skriv ut')
    """
    return max(re.split(r".\?|\[[^\]]*\][*+?]?|\\w[*+]?", word.replace("_", " ")), key=len)


# A prompt holds a page action, or starts with 'Follow': the share rule's needles.
_PROMPT_NEEDLES = "|".join([*map(_literal_core, _PAGE_ACTION_WORDS.split()), _FOLLOW])

# News and photo agencies: a line that names one alone ("EPA", "AFP/Getty
# Images", "Reuters") is the credit under a photo.
_AGENCY_NAMES = """
    reuters afp ap aap epa efe epa-efe dpa ansa anp apa pa pa_media pa_wire press_association getty getty_images shutterstock
    alamy imago imago_images keystone xinhua tass ria_novosti anadolu anadolu_agency kyodo yonhap belga sipa abaca
    picture_alliance zuma zuma_press istock istockphoto nurphoto europa_press agencia_efe lusa čtk ctk pap bloomberg
    afp_photo ap_photo reuters_pictures the_associated_press
"""
_AGENCIES = _any_word(_AGENCY_NAMES)
_AGENCY_NEEDLES = "|".join(name.replace("_", " ") for name in _AGENCY_NAMES.split())

# Related-content headers: what they list ("Most read stories", "More
# related posts", "Read more news like this on example.com"). Some cues are a
# header alone ("Trending", "Mehr zum Thema"); others ("Top", "More",
# "Popular") only with what they list, or "Top officials resign" would be one.
_LISTED = r"(?:articles?|stories|story|posts?|news|videos?|reads|reading|content|coverage|links|topics|headlines|galleries)"
_HEADER_ALONE = (
    r"(?:you (?:may|might|will) (?:also )?(?:like|enjoy|love|be interested in)|related|recommended|trending(?: now)?"
    r"|most (?:popular|read|viewed|shared|commented|watched|emailed)|(?:read|see|watch) (?:more|next|also)|also read|further reading"
    r"|what to read next|don'?t miss|more (?:from|on|like this|to explore)"
    r"|mehr zum thema|lesen sie (?:auch|mehr)|auch interessant|das könnte sie (?:auch )?interessieren|meistgelesen\w*|weitere artikel"
    r"|le(?:e|er) (?:más|también)|lo más (?:leído|visto)|más (?:leíd|vist)[ao]s|(?:también )?te pueden? interesar|noticias relacionadas|relacionad[ao]s"
    r"|lire (?:aussi|également|la suite)|à lire (?:aussi|également)|sur le même sujet|les plus (?:lus|populaires)|dans la même rubrique|articles similaires"
    r"|vous (?:aimerez|pourriez aimer)(?: peut-être)?(?: aussi| également)?"
    r"|leggi anche|(?:ti )?potrebbe(?:ro)? (?:anche )?interessarti(?: anche)?|ti potrebbe(?:ro)? (?:anche )?interessare|i più letti|articoli correlati"
    r"|leia (?:também|mais)|veja também|mais lidas|notícias relacionadas|(?:você )?(?:também )?pode (?:também )?(?:gostar|se interessar)"
    r"|lees ook|meest gelezen|gerelateerd\w*|související(?: články)?|čtěte (?:také|též)|nejčtenější|czytaj (?:też|także)|najczęściej czytane"
    r"|читайте также|похожие (?:статьи|новости|материалы)|самое читаемое|läs också|mest lästa|relaterat|ilgili haberler|en çok okunanlar)"
)
_HEADER_WITH_LIST = r"(?:top|latest|popular|similar|more|other|(?:more|other) (?:related|recent|popular)|(?:want|check out|discover|explore) more)"
# What may follow: whom or where from ("in world news", "by Joe Kindness").
_HEADER_TAIL = r"(?: (?:in|on|from|at|by|for you|like this|that|to read|these posts|near you)(?: \S++){0,5}?| about)?"
_HEADER_END = r"\s*+[:.!?|>»›…-]*+\s*+$"
_RELATED_HEADER = (
    rf"^[\W_]*+(?:{_HEADER_ALONE}(?:(?: [\w'’-]++){{0,2}}? {_LISTED})?|{_HEADER_WITH_LIST}(?: [\w'’-]++){{0,2}}? {_LISTED})"
    rf"{_HEADER_TAIL}{_HEADER_END}|^.{{0,60}}\byou (?:may|might) (?:also )?(?:like|enjoy){_HEADER_END}"
)

# The longest line a notice rule removes (a line is a paragraph: this is no real limit).
MAX_NOTICE_WORDS = 400
RULES: tuple[JunkRule, ...] = (
    _rule(
        "reading_time",
        r"^(?:\d++\s*+(?:-|to|–)?\s*+\d*+\s*+(?:min(?:ute)?s?|mins?)\.?\s*+(?:read|reading|de lectura|de lecture|lesezeit|di lettura|de leitura)"
        r"|(?:estimated\s++)?(?:reading|read) time\s*+:?\s*+\d++\s*+\w*+"
        r"|(?:lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura)\s*+:?\s*+\d++\s*+\w*+\.?"
        r"|\d++\s*+min\.?|(?:reading|read) time|lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura"
        r"|.{0,80}?[\s/|•·—–-]\d++\s*+(?:min(?:ute)?s?|mins?)\.?\s*+(?:read|de lectura|de lecture|lesezeit|di lettura|de leitura))" + _END,
        12,
        "reading-time badges such as '4 min read' are page furniture",
        # Every branch holds 'min', 'read' or a language's own word: the needles spare the unanchored
        # last branch (.{0,80}? before the count) a scan of every short line.
        "min|read|lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura",
    ),
    _rule(
        "related",
        _RELATED_HEADER,
        10,
        "'You May Also Like', 'Most read' and other related-content headers introduce links to other pages",
    ),
    _rule(
        "read_more_link",
        r"^[\W_]*+(?:(?:read more|read next|related|see also|also read|more|recommended|watch|listen|mehr|lesen sie auch|leer más|lire aussi|leggi anche"
        r"|you (?:may|might) (?:also )?like)(?: (?:reading|reads|posts?|articles?|stories|story|coverage|content|links?|news))?\s*+[:>»›|]"
        r"|read more (?:on|at|from)\b)\s*+\S",
        25,
        "'Read more: <headline>' lines link to another article",
    ),
    _rule(
        "newsletter",
        r"newsletter|^(?:sign up|subscribe|get (?:our|the) \w+ (?:in|to) your inbox|join (?:our|the) mailing list)\b|\bsubscribe (?:now|today|here|to (?:our|the))"
        r"|\b(?:abonnieren|suscríbete|suscribirse|abonnez-vous|iscriviti|inscreva-se)\b",
        16,
        "newsletter and subscription calls to action",
        "newsletter|sign up|subscribe|inbox|mailing list|abonnieren|suscríbete|suscribirse|abonnez-vous|iscriviti|inscreva-se",
    ),
    _rule(
        "share",
        _PROMPT,
        14,
        "a line made of page actions (print, email, share, save, comment, follow) and the words around them, no content",
        _PROMPT_NEEDLES,
    ),
    _rule(
        "advertisement",
        r"^(?:advertisements?|advertising|ad|ads|sponsored(?: content| links?)?|paid (?:content|post)|promoted(?: content)?|story continues below(?: advertisement)?"
        r"|continue reading(?: the main story| below)?|article continues (?:below|after advertisement)|anzeige|werbung|publicidad|publicité|pubblicità|publicidade|реклама)"
        + _END
        + r"|^(?:advertisement|anzeige|werbung|publicidad|publicité|pubblicità|publicidade|реклама)\s*+[-–—:|]|^sponsored by\b",
        8,
        "advertisement labels ('Advertisement - page continues below', 'Sponsored by X') and 'story continues below' markers",
    ),
    _rule(
        "cookie",
        r"\bcookies?\b.{0,200}\b(?:accept|consent|agree|polic(?:y|ies)|settings|preferences|browser|experience|enable|we use|to use)"
        r"|\b(?:we use|this (?:site|website) uses|by using)\b.{0,100}\bcookies?\b",
        45,
        "cookie and consent notices",
        "cookie",
    ),
    _rule(
        "copyright",
        r"^\s*(?:©|\(c\)\s*\d{4}|copyright\b)|all rights reserved|todos los derechos reservados|alle rechte vorbehalten|tous droits réservés|tutti i diritti riservati",
        30,
        "copyright and rights-reserved notices",
        "©|(c)|copyright|all rights reserved|todos los derechos reservados|alle rechte vorbehalten|tous droits réservés"
        "|tutti i diritti riservati",
    ),
    # A notice that opens its line is one whatever its length: consent banners and legal footers run to a
    # hundred words, and no article sentence opens with '©' or 'We use cookies'.
    _rule(
        "cookie_notice",
        r"^\W*+(?:we (?:and our partners )?use cookies|this (?:site|website) uses cookies|by (?:using|continuing to use) (?:this|our) (?:site|website)"
        r"|wir verwenden cookies|diese (?:web)?seite verwendet cookies|nous utilisons des cookies|ce site utilise des cookies"
        r"|(?:utilizamos|usamos) cookies|est[ea] (?:sitio|site|página)(?: web)? (?:utiliza|usa) cookies|utilizziamo (?:i )?cookie"
        r"|questo sito utilizza (?:i )?cookie)",
        MAX_NOTICE_WORDS,
        "a consent banner opening its line ('We use cookies and similar technologies to ...'), however long",
    ),
    _rule(
        "legal_notice",
        r"^\W*+(?:©|\(c\)\s*+\d{4}|copyright\b|\d{4}(?:\s*+[-–]\s*+\d{4})?\s.{0,60}?\ball rights reserved)",
        MAX_NOTICE_WORDS,
        "a site's legal footer opening with its copyright ('© 2019 Condé Nast. All rights reserved. Use of this site ...'), however long",
    ),
    _rule(
        "source_line",
        r"^(?:source|sources|quelle|fuente|fonte|via)\s*:\s*\S",
        15,
        "'source:' lines name where a page came from (kept as url metadata when they hold one)",
    ),
    _rule(
        "caption",
        r"^(?:photos?|videos?|images?|pictures?|file photo|gallery|slideshow|watch|listen|caption|graphic|fotos?|imagen|bild|vídeo)\s*(?:\d+\s*(?:of|/)\s*\d+)?\s*:"
        r"|^(?:(?:photo|image|picture|slide|foto|bild|imagen)\s++)?\d{1,3}\s*+(?:of|von|de|di|sur|z|из)\s*+\d{1,3}$"
        r"|^(?:photo|image|picture|slide|foto|bild|imagen)\s*+\d{1,3}\s*+/\s*+\d{1,3}$",
        80,
        "photo and video captions ('PHOTO: ...') and a gallery's counter ('3 of 12')",
    ),
    _rule(
        "photo_credit",
        r"^\(?(?:(?:photo|image|picture|photograph|foto|bild|imagen|credit|video)s?(?:\s+(?:by|credit|courtesy(?: of)?))?\s*(?:[:/]|\.\.\.|…)"
        r"|(?:photo|image|picture|foto) (?:by|credit|courtesy)\b)"
        r"|\b(?:getty images|ap photo|afp via getty|shutterstock|istockphoto|reuters/|epa-efe|imago images|picture alliance|\bdpa\b)"
        rf"|^[\W_]*+(?:{_AGENCIES})(?:\s*+[/,|&]\s*+(?:{_AGENCIES})|\s++(?:via|for)\s++(?:{_AGENCIES}))*+[\W_]*+$"
        r"|^(?:image|photo|picture|media|video)\s++(?:copyright|caption|source|credit)s?(?:\s*+[:,]|\s*+$|\s++(?-i:[A-Z@]))"
        r"|^(?:bildquelle|bildrechte|bildunterschrift|fotoquelle|crédits? photo|pie de foto|fuente de la imagen|derechos de imagen"
        r"|copyright de la imagen|légende|didascalia|legenda da foto)\b",
        14,
        "photo credit lines ('Photo by X/Getty Images', 'Image copyright', an agency alone: 'EPA', 'AFP/Getty Images')",
        "photo|image|picture|foto|bild|credit|crédit|video|media|pie de|fuente|derechos|légende|didascalia|legenda|" + _AGENCY_NEEDLES,
    ),
    _rule(
        "credited_caption",
        # "... Credit: Jane Doe" / "... (Photo by Jane Doe/Getty Images)" / "... Jane Doe/Reuters",
        # or a credit glued to the caption where two page elements met ("...treatmentCredit: EPA").
        r"(?:[.!?”’)]\s*+|\s)(?:photo|photograph|image|picture|foto|bild)s?(?: credit| by)?\s*+:\s*+[^.:]{1,60}$"
        # After a separator ('... | Photo by Jane Doe', '... – Photo Credit: Jane Doe (example.com)') the credit may hold dots.
        r"|[.!?”’)|–—•]\s*+(?:photo|photograph|image|picture|foto|bild)s?(?: credits?)?(?: by\s++(?-i:[A-Z@])|\s*+:)[^:]{0,60}$"
        r"|(?:[.!?”’]\s*+|\s)credit\s*+(?::|\.\.\.|…)\s*+[^.:]{1,60}$|(?-i:[a-z.](?:Photo|Photograph|Image|Credit|Picture|Foto)s?(?::|\.\.\.|…))"
        r"|\((?:(?:photo|image|picture|foto)s?(?: credit| by| courtesy(?: of)?)?\s*+:?|(?:photo |image |picture )?credit\s*+:|(?:ap|afp|epa|reuters) photo/)[^()]{1,80}\)$"
        r"|\w\s*+/\s*+(?:getty images|reuters|afp|ap|epa|dpa)(?: file| via getty images)?(?: hide caption)?$"
        r"|(?-i:[a-z][.!?](?:Reuters|AFP|AP|EPA|Getty Images))$"
        # A work or a place, then whose picture it is: '..., CA | © 2017 Jane Doe'.
        r"|\S\s*+©\s*+[^:]{1,80}$",
        80,
        "a photo caption that ends with its credit: a figure's text, not the story's",
        "photo|image|picture|foto|bild|credit|/|reuters|afp|epa|getty|.ap|!ap|?ap|©",
    ),
)

# Gallery captions. A caption names its subject, then says in the present
# tense what the photo shows ("Jamaica's Usain Bolt gestures before the
# 100m heat in London"): news prose reports in the past. One such line may be
# article; a run of them is a gallery (lines.py, rule "gallery"). Verbs that
# are also common plural nouns ("tours", "returns", "views") are left out.
CAPTION_VERBS = frozenset("""
    gestures reacts celebrates competes poses arrives speaks smiles attends delivers addresses greets shakes embraces
    watches jumps dives dribbles carries lifts raises sits prays mourns chants performs sings dances wipes pauses salutes
    inspects visits listens gestikuliert jubelt feiert reagiert posiert spricht winkt lacht steht sitzt hält läuft
    célèbre réagit salue parle arrive court tient regarde celebra reacciona gesticula posa saluda habla llega corre sostiene
    festeggia esulta reagisce saluta parla arriva comemora reage acena chega viert juicht reageert poseert slaví reaguje
""".split())
# "is seen", "are pictured": a photo's passive.
CAPTION_PASSIVES = frozenset(("seen", "pictured", "shown"))
# A caption is a sentence, its subject a name of two words or more
# ("Usain Bolt"), and the verb follows within this many words.
MIN_CAPTION_WORDS = 8
MAX_SUBJECT_WORDS = 8
# "3/12" or "3 of 12" before a gallery slide's caption.
SLIDE_COUNTER = re.compile(r"^\s*+(\d{1,3})\s*+(?:/|of|von|de|di|sur|z|из)\s*+(\d{1,3})\b", re.IGNORECASE)
def is_caption_shaped(line: str) -> bool:
    """Whether a line reads like a photo caption (a gallery is a run of them).

    >>> is_caption_shaped("Jamaica's Usain Bolt gestures before competing in a men's 100-meter heat in London.")
    True
    >>> is_caption_shaped("Bolt said he would compete again next year in London.")
    False
    """
    words = line.split()
    if len(words) < MIN_CAPTION_WORDS:
        return False
    for position in range(2, min(len(words), MAX_SUBJECT_WORDS + 1)):
        verb, before = words[position].casefold(), words[position - 1]
        if verb in CAPTION_VERBS and before[:1].isupper():
            return True
        if verb in CAPTION_PASSIVES and before.casefold() in ("is", "are"):
            return True
    return False


def slide_number(line: str) -> tuple[int, int] | None:
    """The (slide, slides) counter a gallery slide starts with, if any.

    >>> slide_number("3/12 Crowds gather outside parliament"), slide_number("1/2 cup of sugar")
    ((3, 12), None)
    """
    match = SLIDE_COUNTER.search(line)
    if match is None:
        return None
    slide, slides = int(match.group(1)), int(match.group(2))
    return (slide, slides) if 1 <= slide <= slides and slides >= MIN_SLIDES else None


# A gallery of fewer slides is rare, and "1/2 cup" is no slide.
MIN_SLIDES = 3


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
    "byline": "a byline at the top ('By The Associated Press'), moved from the body to the author field",
    "date": "a date line above the story's first sentence in scraped text ('20 July 2012', '5 days ago'): the page's stamp",
    "related_links": "link titles listed under a 'Related' or 'You May Also Like' header",
    "gallery": "a run of caption-shaped lines or numbered slides: a photo gallery's captions",
    "comments": "reader comments: a thread's header and all after it, when a thread's furniture (who, when, Reply) follows",
}


class RuleGate(NamedTuple):
    """A test that every match of some rules passes: the rules anchored at the line's start in one
    pattern (a search tries one position), and the others' needles in one trie. (A rule without
    needles is anchored: tests/test_rules.py checks.)"""

    anchored: re.Pattern[str] | None
    needles: re.Pattern[str] | None

    def passes(self, line: str, folded: str) -> tuple[bool, bool]:
        """Whether the anchored rules may match ``line``, and whether the rules with needles may (``folded``: its ``needle_fold``)."""
        return (self.anchored is not None and self.anchored.search(line) is not None,
                self.needles is not None and self.needles.search(folded) is not None)


def _gate(rules: Sequence[JunkRule]) -> RuleGate:
    anchored = [rule.pattern.pattern for rule in rules if not rule.needles]
    needles = sorted({needle_fold(needle) for rule in rules for needle in rule.needles})
    return RuleGate(re.compile("|".join(f"(?:{pattern})" for pattern in anchored), re.IGNORECASE) if anchored else None,
                    re.compile(_trie(needles)) if needles else None)


# The rules a line of n words may meet are those whose word limit is n or
# more; a line is tested against their gate first, and the table is walked
# only when it passes (most lines of a page match no rule).
_WORD_LIMITS = sorted({rule.max_words for rule in RULES})


@functools.cache
def rule_gates() -> tuple[RuleGate, ...]:
    """The gate of each word limit in ``_WORD_LIMITS`` (of the rules that go up to it), compiled once per process."""
    return tuple(_gate([rule for rule in RULES if rule.max_words >= limit]) for limit in _WORD_LIMITS)


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
    tier = bisect.bisect_left(_WORD_LIMITS, n_words)
    return None if tier == len(_WORD_LIMITS) else _gated_rule(line, n_words, tier)


# The same line comes back often: an HTML page's block is judged by its
# features and again by the line rules once kept, a page repeats its menu
# items, and a site's pages repeat its furniture. A line no rule can take
# (too long) never reaches the cache.
RULE_CACHE_LINES = 4096


@functools.lru_cache(maxsize=RULE_CACHE_LINES)
def _gated_rule(line: str, n_words: int, tier: int) -> str | None:
    """``first_matching_rule`` of a line that some rules' word limits allow (``tier``: the first limit they go up to)."""
    folded = needle_fold(line)
    anchored, needled = rule_gates()[tier].passes(line, folded)
    if not (anchored or needled):
        return None
    # A rule whose half of the gate failed cannot match: its pattern is not searched.
    for rule in RULES:
        if (needled if rule.needles else anchored) and rule.matches(line, n_words, folded):
            return rule.name
    return None
