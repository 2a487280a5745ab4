"""Reader comments under an article: a thread is not article text.

A scraped page (and sometimes an extractor's output) goes on after the
story with its comments: a header ("12 Comments", "Leave a Reply",
"Kommentare"), then comment after comment, each with the furniture of a
thread around it: who wrote it ("Jane says:"), when ("March 3, 2012 at
4:15 pm", "3 years ago", "vor 2 Tagen"), and its actions ("Reply",
"Antworten", "Répondre"). Comments are prose, so the line classifier keeps
them; the thread's shape gives them away. A header followed by at least
``MIN_MARKERS`` such lines, after some of the article, starts a thread, and
everything from it on goes as ``comments``.

A header alone is not enough (a "Comments (12)" link stands under many
headlines), nor are timestamps alone (a live blog is a column of times and
prose), so a thread needs both its header and markers other than times.

>>> lines = ["The council voted on Monday to close the old bridge for repairs next year.",
...          "Work starts in March and should take two years, the city engineer said at the meeting.",
...          "3 Comments", "Jane Doe says:", "March 3, 2012 at 4:15 pm", "Great news for the town.", "Reply",
...          "Tom says:", "It took them long enough.", "Reply"]
>>> thread_start(lines)
2
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A thread's header: a count of comments, or an invitation to write one.
# Several languages; the header is a short line of its own.
_COMMENT_WORD = (r"(?:comments?|responses?|kommentare?|leserkommentare|commentaires?|"
                 r"comentarios?|comentários?|commenti|reacties|komentáře|komentarze|комментари\w*|kommentarer|yorumlar|"
                 r"評論|评论|コメント)")
_HEADER = re.compile(
    # A sidebar's list of the site's latest comments is no thread under this story.
    rf"^\W*(?:\d[\d.,]*\s*)?(?!(?:latest|recent|new|newer|older|popular|most)\s)(?:reader\s+|user\s+|\w+\s+)?{_COMMENT_WORD}\W*(?:\(?\d[\d.,]*\)?)?\W*$"
    # A count in a short phrase ('There are 13 comments', 'Showing 40 comments'): is_thread decides.
    rf"|^\W*(?:\w+\s+){{1,3}}\d[\d.,]*\s+{_COMMENT_WORD}\W*$"
    # 'N responses to "Headline"', 'N thoughts on "Headline"' (WordPress): the count names the story in quotes
    # (the first comment's author may be glued on); unquoted, it is a sentence ('300 responses to the survey were positive.').
    rf"|^\W*\d[\d.,]*\s*(?:{_COMMENT_WORD}|thoughts?|replies)\s+(?:to|on|zu|für|à|sur|a|para|en|su|op|na|k)\s+[\"“„«‘'].{{0,300}}$"
    r"|^\W*(?:leave|post|add|write|join)\s+(?:a|the|your)\s+(?:reply|comment|discussion|response)\b.{0,40}$"
    r"|^\W*(?:kommentar\s+(?:schreiben|verfassen|hinzufügen)|laisser\s+un\s+commentaire|deja\s+(?:un|tu)\s+comentario|"
    r"lascia\s+un\s+commento|deixe\s+(?:um|seu)\s+comentário|napsat\s+komentář|dodaj\s+komentarz)\b.{0,40}$",
    re.IGNORECASE,
)
# A comment's action links, alone on a line ("Reply", "Antworten ↓", "Like · Reply").
_ACTIONS = (r"reply|report|like|flag|antworten|melden|répondre|signaler|responder|denunciar|rispondi|segnala|"
            r"beantwoorden|reageer|odpovědět|odpowiedz|ответить|svara|yanıtla|返信|回复")
_ACTION_LINE = re.compile(rf"^\W*(?:(?:{_ACTIONS})\W*(?:\d+\W*)?)+$", re.IGNORECASE)
# Who wrote it: a short name, then 'says:' ('Jane Doe says:', 'Hans sagt:', 'Marie dit :').
_SAYS = re.compile(r"^\S.{0,60}?\s(?:says|said|wrote|sagt|schreibt|schrieb|dit|écrit|dice|escribió|scrive|disse|schreef)\s?:?$",
                   re.IGNORECASE)
# When: a short date-and-time line, or an age ('3 years ago', 'vor 2 Tagen', 'il y a 5 jours', 'hace 3 años').
_WHEN = re.compile(r"^\W*(?:\S+\s+){0,5}\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?)?\W*$"
                   r"|^\W*(?:\d+|an?|one)\s+\w+\s+ago\W*$|^\W*vor\s+\d+\s+\w+\W*$|^\W*il\s+y\s+a\s+\d+\s+\w+\W*$"
                   r"|^\W*hace\s+\d+\s+\w+\W*$|^\W*há\s+\d+\s+\w+\W*$", re.IGNORECASE)
# Lines of a thread's furniture after its header before it counts as one.
MIN_MARKERS = 3
# How far after the header the markers are looked for (lines).
MARKER_WINDOW = 40
# Article before the header (words): a thread follows a story.
MIN_ARTICLE_WORDS = 30
WORD = re.compile(r"\w+")


def marker_kind(line: str) -> str | None:
    """'action', 'author' or 'time' for a line of a thread's furniture, else None.

    >>> [marker_kind(text) for text in ("Reply", "Antworten", "Jane Doe says:", "vor 3 Tagen", "The vote passed.")]
    ['action', 'action', 'author', 'time', None]
    """
    if len(line) > 80:
        return None
    if _ACTION_LINE.match(line):
        return "action"
    if _SAYS.match(line):
        return "author"
    if _WHEN.match(line):
        return "time"
    return None


def thread_start(lines: Sequence[str], kept: Sequence[bool] | None = None) -> int | None:
    """The index of the header that starts a comment thread among ``lines``, or None.

    All lines count as furniture (a cleaner may have removed the 'Reply'
    lines already); only ``kept`` ones count as the article before it.
    """
    words_before = 0
    # A header under every post ('Add a comment') heads the posts' comments, not a thread after the page's
    # content; a count repeated from under the headline ('33 Comments') heads the thread at its last place.
    last = {line: index for index, line in enumerate(lines)}
    for index, line in enumerate(lines):
        if (words_before >= MIN_ARTICLE_WORDS and last[line] == index and _HEADER.match(line)
                and is_thread(lines[index + 1 : index + 1 + MARKER_WINDOW])):
            return index
        if words_before < MIN_ARTICLE_WORDS and (kept is None or kept[index]):  # past that, the count no longer matters
            words_before += len(WORD.findall(line))
    return None


def is_thread(lines: Sequence[str]) -> bool:
    """Enough furniture of a thread, not all of it times (a live blog)."""
    kinds = [kind for kind in marker_kinds(lines) if kind]
    return len(kinds) >= MIN_MARKERS and sum(kind != "time" for kind in kinds) >= 2


# A name alone on its line: one to four words, no digits, no sentence's end ('Nick A', 'fmcshan', 'Jess Jones').
_NAME = re.compile(r"^[^\W\d](?:[^\W\d]|[ .'’-])*$")
MAX_NAME_WORDS = 4


def marker_kinds(lines: Sequence[str]) -> list[str | None]:
    """``marker_kind`` of each line; a name alone on its line right above a time is who wrote the comment ('author').

    Many threads sign a comment with no 'says:', only the name over its time.

    >>> marker_kinds(["Nick A", "2 days ago at 07:47 am", "I think we'll see updates.", "Reply", "MK", "1 year ago"])
    ['author', 'time', None, 'action', 'author', 'time']
    """
    kinds = [marker_kind(line) for line in lines]
    for index in range(len(lines) - 1):
        if kinds[index] is None and kinds[index + 1] == "time" and is_name(lines[index]):
            kinds[index] = "author"
    return kinds


def is_name(line: str) -> bool:
    return len(line.split()) <= MAX_NAME_WORDS and _NAME.match(line.strip()) is not None and not line.rstrip().endswith(".")
