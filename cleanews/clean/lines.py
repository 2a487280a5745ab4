"""Line-level cleaning: decide for every line of a text whether it is article.

Input is text after encoding repair; output is the kept lines, the title (if
the first line is a headline) and every removed line with the rule that
removed it. Line rules live in ``rules.py``; rules that need the whole
document (repeats, captions shown twice, link lists after a 'Related'
header) live here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from cleanews.clean.comments import thread_start
from cleanews.clean.encoding import normalise_line, normalise_text
from cleanews.clean.features import line_features, words_of_lines
from cleanews.clean.model import LineModel
from cleanews.clean.rules import MODEL_RULE_PREFIX, first_matching_rule, is_caption_shaped, slide_number
from cleanews.document import Removal

WORD = re.compile(r"\w+")
_URL_LIKE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)

# A caption shown twice is at least this long (words): short lines repeat
# by chance ("Reuters"), captions are sentences.
MIN_CAPTION_WORDS = 5
# The credit glued to a repeated caption ("...facilities.Department of
# Defense") is a name or an agency: a few words at most.
MAX_CREDIT_WORDS = 8
# A headline is short and does not end like a sentence.
MAX_TITLE_WORDS = 25
# Where in the body a repeated headline may stand (kept lines from the top).
TITLE_SEARCH_LINES = 3
# Fewer lines than this is a brief, not a scraped page: the classifier,
# trained on pages, does not judge it.
MIN_MODEL_LINES = 6
# How far above the article a scraped page's headline may stand (lines), and
# its fewest words (menus entries are shorter).
HEADLINE_SEARCH_LINES = 4
MIN_PAGE_HEADLINE_WORDS = 4
# One caption-shaped line may be article text (a caption the story keeps);
# this many slides in a row are a gallery.
MIN_GALLERY_SLIDES = 3
# A numbered slide is its counter, caption and credit: the next counter
# comes within this many lines.
MAX_SLIDE_LINES = 4
# A byline stands among the first kept lines and is short: 'By The Associated Press'.
BYLINE_SEARCH_LINES = 4
MAX_BYLINE_WORDS = 8
# A stamp ('May 14, 2024 10:32 AM') has at most this many words, half of them or more numbers.
MAX_STAMP_WORDS = 8
# 'By' in the languages of the shared pages, then a capitalised name.
_BYLINE = re.compile(r"^(?:by|von|por|par|door|av|przez|od)\s+(?=[^\W\d_])(.+?)\.?$", re.IGNORECASE)
# What follows a name in a byline: a dot, bar or dash between spaces, then a date or a role.
_BYLINE_SEPARATOR = re.compile(r"\s+[•·|–—-]\s+")
# A date or time shape, and a field label ('Tags: a, b, c'): neither is a headline.
_DATE_LIKE = re.compile(r"^\W*(?:\d{1,4}\W+)?\w+\W+\d{1,4}(?:\W+\d{1,4})?\W*$|^\d+\s+\w+\s+\w+$")
_YEAR_OR_CLOCK = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{1,2}:\d{2}(?!\d)")
_DATE_CHARACTERS = re.compile(r"^[^\W_]+(?:[\s,./:-]+[^\W_]+)*$")
_FIELD_LIST = re.compile(r"^[^:]{1,30}:.*,.*,")
# After a 'Related' header, lines are link titles until a real sentence.
MIN_SENTENCE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…。]['\"’”»)]*$")
# A short line ending in a full stop is a sentence too (a lede), not a link title.
MIN_STATEMENT_WORDS = 5
_FULL_STOP = re.compile(r"[.。]['\"’”»)]*$")
# A wire story's dateline opens its first paragraph: 'NEW YORK -- ', 'WASHINGTON (AP) — ',
# 'BERLIN (dpa) - ', 'MADRID, 3 jun (EFE).- '. The line it opens is the lede.
_DATELINE = re.compile(r"^[^\W\d_a-zß-ÿ][^\W\da-zß-ÿ.'’ ]*(?:[ .'’][^\W\da-zß-ÿ]+){0,4}(?:,[^—–()\n]{1,30}?)?\s*"
                       r"(?:\([^)]{1,30}\))?\.?\s*(?:--|[—–-])\s*\S")


@dataclass
class Line:
    text: str
    words: list[str]  # casefolded \w+ tokens: punctuation and quote style do not count
    rule: str | None = None  # why it was removed; None while kept

    @functools.cached_property
    def key(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class LineResult:
    lines: tuple[str, ...]
    title: str | None
    url: str | None
    removed: tuple[Removal, ...]
    author: str | None = None


def split_lines(text: str) -> list[Line]:
    """Non-empty, whitespace-normalised lines with their word tokens."""
    texts = [line for line in normalise_text(text).split("\n") if line]
    return [Line(line, words) for line, words in zip(texts, words_of_lines(texts), strict=True)]


def words_of(line: str) -> list[str]:
    """The casefolded ``\\w+`` tokens of a line (ASCII lines, most of a page, lowered at once)."""
    return WORD.findall(line.lower()) if line.isascii() else [word.casefold() for word in WORD.findall(line)]


# A line ends a paragraph when it ends with one of these; otherwise a next
# line that starts in lower case continues it (text hard-wrapped in the source).
_PARAGRAPH_END = re.compile(r"[.!?…:;。！？؟]['\"’”»)\]]*$")


# A text hard-wrapped at a fixed width (a press release, a plain-text mail) breaks most of its
# lines of five words or more within this many characters of one width of at most MAX_WRAP_WIDTH:
# at least MIN_WRAPPED_LINES of them, and this share of them; and at least MIN_LOWER_BREAKS of
# those breaks fall before a word in lower case (mid-sentence), as no list of short titles does.
WRAP_BAND = 12
MAX_WRAP_WIDTH = 100
MIN_WRAPPED_LINES = 4
MIN_WRAPPED_SHARE = 0.5
MIN_LOWER_BREAKS = 2


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The width ``lines`` are hard-wrapped at, or None when they are not.

    There a line that breaks near the width without ending its sentence
    goes on in the next line, whatever its first letter ('...said Jane' /
    'Roe, chief executive').

    >>> text = ("The company said on Tuesday that its revenue rose by\\nfourteen percent in the quarter, said its chief Jane\\n"
    ...         "Roe, who has run the firm since 2019, in a call with\\nanalysts and reporters on a busy Tuesday morning.")
    >>> wrap_width(split_lines(text)), wrap_width(split_lines("Home\\nNews\\nThe council voted on Monday."))
    (52, None)
    >>> [line.text[:20] for line in join_wrapped(split_lines(text))]
    ['The company said on ']
    """
    lengths = np.array([len(line.text) for line in lines if len(line.words) >= 5])
    short = lengths[lengths <= MAX_WRAP_WIDTH]
    if len(short) < MIN_WRAPPED_LINES:
        return None
    width = int(np.percentile(short, 90))
    low, high = width - WRAP_BAND, width + 2  # the band the wrapped lines break in
    in_band = int(((short >= low) & (short <= high)).sum())
    if in_band < MIN_WRAPPED_LINES or in_band < MIN_WRAPPED_SHARE * len(lengths):
        return None  # most pages: the walk over the lines below is not needed
    lower_breaks = sum(low <= len(line.text) <= high and following.text[:1].islower() for line, following in zip(lines, lines[1:], strict=False))
    return width if lower_breaks >= MIN_LOWER_BREAKS else None


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Join hard-wrapped lines back into paragraphs: one paragraph a line.

    >>> [line.text for line in join_wrapped(split_lines("The council voted\\nto close the library.\\nIt opens Monday."))]
    ['The council voted to close the library.', 'It opens Monday.']
    """
    width = wrap_width(lines)
    paragraphs: list[list[Line]] = []
    for line in lines:
        if paragraphs and (line.text[:1].islower() or width) and continues(paragraphs[-1], line, width):  # (most lines start otherwise)
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [merged(paragraph) for paragraph in paragraphs]


def join_across_removed(lines: list[Line]) -> list[Line]:
    """Join a wrapped paragraph that a junk line interrupted ("...the mayor" / Advertisement / "said on Monday.").

    Once the junk line is gone the two parts meet; joining them now gives
    what a second cleaning of the output would give, so cleaning is idempotent.
    """
    width = wrap_width([line for line in lines if line.rule is None])
    parts: list[list[Line]] = []
    last_kept: int | None = None
    for line in lines:
        if line.rule is None and last_kept is not None and continues(parts[last_kept], line, width):
            parts[last_kept].append(line)
            continue
        parts.append([line])
        if line.rule is None:
            last_kept = len(parts) - 1
    return [merged(part) for part in parts]


def continues(paragraph: list[Line], line: Line, width: int | None = None) -> bool:
    """Whether ``line`` goes on with the sentence the lines of ``paragraph`` left open.

    It does when it starts in lower case or, in a text hard-wrapped at
    ``width`` (``wrap_width``), when the paragraph's last line broke near
    the width. Only the paragraph's last line can end it, so the test costs
    the same however long the paragraph has grown (joining stays linear).
    """
    last = paragraph[-1]
    wrapped = width is not None and len(last.text) >= width - WRAP_BAND and bool(line.words)
    return ((line.text[:1].islower() or wrapped) and any(part.words for part in paragraph)
            and not _PARAGRAPH_END.search(last.text))


def merged(paragraph: list[Line]) -> Line:
    """One line of the paragraph's lines, joined once (repeated joining would be quadratic)."""
    if len(paragraph) == 1:
        return paragraph[0]
    return Line(" ".join(line.text for line in paragraph), [word for line in paragraph for word in line.words])


def clean_lines(
    text: str,
    detect_title: bool = True,
    drop_repeats: bool = True,
    known_title: str | None = None,
    model: LineModel | None = None,
) -> LineResult:
    """Split ``text`` into lines and remove the junk ones.

    ``model`` is a line classifier (``load_model("text")`` for whole
    scraped pages) that decides which lines are article; named rules
    still run and keep their names in the provenance. The title leaves the
    body: ``known_title`` (from page metadata) when it is repeated at the
    top, else a headline just above the article (with ``detect_title``). It
    is recorded as removed by the rule "title".

    >>> result = clean_lines("A Headline\\n\\n4 min read\\n\\nThe body of the story, told in a sentence.")
    >>> result.title, result.lines, [r.rule for r in result.removed]
    ('A Headline', ('The body of the story, told in a sentence.',), ['title', 'reading_time'])
    """
    lines = join_wrapped(split_lines(text))
    matched = {line.text: first_matching_rule(line.text, len(line.words)) for line in lines}
    for line in lines:
        line.rule = matched[line.text] if line.words else "no_text"
    lines = join_across_removed(lines)
    if model is not None:
        mark_by_model(lines, model, matched)
        keep_datelined_ledes(lines)
    mark_date_line(lines)
    return finish(lines, detect_title, drop_repeats, known_title)


def clean_judged_lines(texts: Sequence[str], verdicts: Sequence[str | None], known_title: str | None = None) -> LineResult:
    """Clean lines a classifier has already judged (an HTML page's blocks).

    ``verdicts`` hold None for a line the classifier kept, else its reason
    for removing it; a named rule that also matches the line gives the
    removal its own name. A kept line that does not end its sentence and a
    kept line after it that goes on in lower case are one hard-wrapped
    paragraph (a press release in <pre>, lines split by <br>) and are
    joined. A line that repeats is the page's own (a recurring question),
    so repeats stay.

    >>> result = clean_judged_lines(["Advertisement", "The mayor spoke on Monday.", "Read our tips"], [None, None, "model:link_density"])
    >>> result.lines, [(r.rule, r.position) for r in result.removed]
    (('The mayor spoke on Monday.',), [('advertisement', 0), ('model:link_density', 2)])
    """
    lines = [Line(line, words_of(line)) for line in map(normalise_line, texts)]
    for line, verdict in zip(lines, verdicts, strict=True):
        line.rule = "no_text" if not line.words else first_matching_rule(line.text, len(line.words)) or verdict
    return finish(join_across_removed(lines), detect_title=False, drop_repeats=False, known_title=known_title)


def finish(lines: list[Line], detect_title: bool, drop_repeats: bool, known_title: str | None) -> LineResult:
    """The whole-document rules, then the result: kept lines, title, URL and removals."""
    mark_caption_repeats(lines)
    mark_galleries(lines)
    if drop_repeats:
        mark_repeated_lines(lines)
    mark_related_link_lists(lines)
    mark_comment_thread(lines)
    url = source_url(lines)
    title = mark_title(lines, known_title, detect_title)
    author = mark_byline(lines)
    return LineResult(
        lines=tuple(line.text for line in lines if line.rule is None),
        title=title,
        url=url,
        author=author,
        removed=tuple(Removal(line.text, line.rule, position) for position, line in enumerate(lines) if line.rule is not None),
    )


def mark_by_model(lines: list[Line], classifier: LineModel, matched: dict[str, str | None]) -> None:
    """Remove what the line classifier calls boilerplate.

    The reason recorded is ``model:<feature>``, the feature that argued most
    against the line, or ``model:context`` for a line that looks like text on
    its own but sits among boilerplate (the smoothing removed it). A text
    of a few lines is no page: a brief is left to the named rules.
    ``matched`` holds the named rule (or None) of lines already checked.
    """
    if len(lines) < MIN_MODEL_LINES:
        return
    cues = [(matched[line.text] if line.text in matched else first_matching_rule(line.text, len(line.words))) is not None
            for line in lines]
    matrix = line_features([line.text for line in lines], [line.words for line in lines], cues)
    log_odds = classifier.log_odds(matrix)
    keep = classifier.decode(log_odds, np.array([len(line.words) for line in lines], dtype=float))
    reasons = classifier.strongest_against(matrix)
    for line, reason, score, kept in zip(lines, reasons, log_odds, keep, strict=True):
        if not kept and line.rule is None:
            line.rule = MODEL_RULE_PREFIX + (reason if score < 0 else "context")


def caption_body(line: Line) -> list[str]:
    """The words of a caption without its label ('PHOTO: x' -> x)."""
    if line.rule == "caption" and ":" in line.text:
        return [word.casefold() for word in WORD.findall(line.text.split(":", 1)[1])]
    return line.words


def mark_caption_repeats(lines: list[Line]) -> None:
    """Remove captions that appear twice: once labelled or bare, once with a credit.

    A news paragraph never repeats itself with a few words glued on; a caption
    does, when the page shows it under the photo and again in the gallery.
    Both copies go.
    """
    bodies = [caption_body(line) for line in lines]
    first_seen: dict[str, int] = {}
    # A twin opens with the same MIN_CAPTION_WORDS words: a line no other
    # first-seen line opens like needs no lookups.
    openings: dict[tuple[str, ...], list[int]] = {}
    for index, body in enumerate(bodies):
        if len(body) >= MIN_CAPTION_WORDS and first_seen.setdefault(" ".join(body), index) == index:
            openings.setdefault(tuple(body[:MIN_CAPTION_WORDS]), []).append(index)
    for index, (line, body) in enumerate(zip(lines, bodies, strict=True)):
        if openings.get(tuple(body[:MIN_CAPTION_WORDS]), [index]) == [index]:
            continue
        # The same caption with 0..MAX_CREDIT_WORDS words of credit after it.
        for cut in range(len(body), max(MIN_CAPTION_WORDS, len(body) - MAX_CREDIT_WORDS) - 1, -1):
            other = first_seen.get(" ".join(body[:cut]))
            if other is not None and other != index:
                is_labelled_twin = cut == len(body) and "caption" in (line.rule, lines[other].rule)
                if cut < len(body) or is_labelled_twin:
                    for twin in (lines[other], line):
                        if twin.rule is None:
                            twin.rule = "caption_repeat"
                break


def mark_galleries(lines: list[Line]) -> None:
    """Remove a photo gallery's captions: numbered slides, or a run of caption-shaped lines.

    Slides count up among all lines, removed ones too: a counter another
    rule or the classifier took out is still a slide of the gallery. A run
    of captions is one of kept lines: lines already removed (credits) do
    not break it.
    """
    kept = [line for line in lines if line.rule is None]
    for start, end in numbered_slide_runs(lines):
        for line in lines[start:end]:
            line.rule = line.rule or "gallery"
    for start, end in caption_runs(kept):
        for line in kept[start:end]:
            line.rule = "gallery"


def numbered_slide_runs(lines: list[Line]) -> Iterator[tuple[int, int]]:
    """Spans of lines that are a gallery's numbered slides.

    At least MIN_GALLERY_SLIDES counters count up one by one to the same
    total, a few lines apart. A counter that heads its caption ("3/12 Crowds
    gather ...") makes the slides a gallery's captions: the span runs from the
    first counter to the end of the last slide (as long as the one before
    it). Bare counters ("3/12") go alone: the text between them may be a
    carousel of the page's own.
    """
    counters = [(index, number) for index, line in enumerate(lines) if (number := slide_number(line.text)) is not None]
    run: list[int] = []
    for position, (index, number) in enumerate(counters):
        run.append(index)
        following = counters[position + 1] if position + 1 < len(counters) else None
        if following is not None and following[1] == (number[0] + 1, number[1]) and following[0] - index <= MAX_SLIDE_LINES:
            continue
        if len(run) >= MIN_GALLERY_SLIDES:
            if all(len(lines[counter].words) > 2 for counter in run):
                yield run[0], min(index + run[-1] - run[-2], len(lines))
            else:
                yield from ((counter, counter + 1) for counter in run)
        run = []


def caption_runs(kept: list[Line]) -> Iterator[tuple[int, int]]:
    """Spans of at least MIN_GALLERY_SLIDES caption-shaped kept lines in a row."""
    start = 0
    for index in range(len(kept) + 1):
        if index < len(kept) and is_caption_shaped(kept[index].text):
            continue
        if index - start >= MIN_GALLERY_SLIDES:
            yield start, index
        start = index + 1


def mark_repeated_lines(lines: list[Line]) -> None:
    """Remove later copies of a kept line; the first kept copy stays.

    A copy already removed does not count: a scraped page often shows a
    story's lede as a teaser among its menus, and the story's own lede
    after it is the one to keep.
    """
    seen: set[str] = set()
    for line in lines:
        if not line.words or line.rule is not None:
            continue
        if line.key in seen:
            line.rule = "repeated_line"
        seen.add(line.key)


def mark_related_link_lists(lines: list[Line]) -> None:
    """After a 'Related' / 'You May Also Like' header, drop the link titles under it.

    The list ends at the first real sentence: a long line ending in sentence
    punctuation, which is where the article resumes. A sentence with a date
    line right under it is a teaser's summary (title, summary, date), and
    the list goes on.
    """
    in_list = False
    for index, line in enumerate(lines):
        if line.rule == "related":
            in_list = True
        elif in_list and line.rule is None:
            dated = index + 1 < len(lines) and is_date_line(lines[index + 1])
            if (is_sentence(line) or is_lede(line)) and not dated:
                in_list = False
            else:
                line.rule = "related_links"


def is_date_line(line: Line) -> bool:
    """A line that is a date alone ('March 17, 2016', '5 days ago')."""
    return any(char.isdigit() for char in line.text) and _DATE_CHARACTERS.match(line.text) is not None and date_like(line.text, line.words)


def mark_comment_thread(lines: list[Line]) -> None:
    """Remove reader comments: every kept line from a thread's header on (``comments.py``)."""
    start = thread_start([line.text for line in lines], [line.rule is None for line in lines])
    for line in lines[start or len(lines) :]:
        if line.rule is None:
            line.rule = "comments"


def is_sentence(line: Line) -> bool:
    return len(line.words) >= MIN_SENTENCE_WORDS and _SENTENCE_END.search(line.text) is not None


def is_lede(line: Line) -> bool:
    """A story's opening: after a dateline, or a short statement ('It is HBO to go.'), never a link title.

    >>> [is_lede(Line(text, WORD.findall(text))) for text in ("NEW YORK -- It is HBO to go.", "BERLIN (dpa) - Die Bahn streikt",
    ...                                                       "Fed holds rates steady", "Is this the end of the euro?")]
    [True, True, False, False]
    """
    return bool(_DATELINE.match(line.text)) or (len(line.words) >= MIN_STATEMENT_WORDS and _FULL_STOP.search(line.text) is not None)


def furniture(line: Line) -> bool:
    """A line removed as a story's furniture: by a named rule ('Advertisement'), or a byline the classifier removed."""
    return line.rule is not None and (not line.rule.startswith(MODEL_RULE_PREFIX) or byline_name(line.text, len(line.words)) is not None)


def keep_datelined_ledes(lines: list[Line]) -> None:
    """Give back a dateline's lede the classifier removed just before the story it opens.

    Furniture in between (a byline, 'Advertisement') does not part the lede
    from its story.
    """
    judged = [line for line in lines if not furniture(line)]
    for line, after in zip(judged, judged[1:], strict=False):
        if line.rule is not None and after.rule is None and _DATELINE.match(line.text):
            line.rule = None


def mark_title(lines: list[Line], known_title: str | None, detect: bool) -> str | None:
    """Take the title out of the body; return it.

    Without a known title, the headline is the first kept line when it looks
    like one, or else the nearest headline-like line that the classifier
    removed just above the article (a scraped page's headline sits there,
    between the menus and the story).
    """
    kept = [line for line in lines if line.rule is None]
    if known_title is not None:
        title_key = " ".join(word.casefold() for word in WORD.findall(known_title))
        # The headline may stand among the first kept lines, or just above
        # them where the classifier took it out: either way it is the title.
        top = lines[: lines.index(kept[TITLE_SEARCH_LINES - 1]) + 1] if len(kept) >= TITLE_SEARCH_LINES else lines
        for line in top:
            if line.key == title_key and (line.rule is None or line.rule.startswith(MODEL_RULE_PREFIX)):
                line.rule = "title"
        return known_title
    if not detect or not kept:
        return None
    if len(kept) > 1 and looks_like_headline(kept[0]):
        kept[0].rule = "title"
        return kept[0].text
    for line in removed_just_above(lines, kept[0]):
        if looks_like_page_headline(line):
            line.rule = "title"
            return line.text
    return None


def removed_just_above(lines: list[Line], first_kept: Line) -> list[Line]:
    """The lines the classifier removed just above the first kept one, nearest first: where a scraped page's headline and byline sit."""
    start = lines.index(first_kept)
    above = reversed(lines[max(start - HEADLINE_SEARCH_LINES, 0) : start])
    return [line for line in above if line.rule is not None and line.rule.startswith(MODEL_RULE_PREFIX)]


def looks_like_page_headline(line: Line) -> bool:
    """A headline among page furniture: a few words more, and not a date line."""
    digits = sum(char.isdigit() for char in line.text)
    return looks_like_headline(line) and len(line.words) >= MIN_PAGE_HEADLINE_WORDS and digits <= 0.1 * len(line.text)


def looks_like_headline(line: Line) -> bool:
    """Short, not a sentence, not a label: 'Video Shows Aftermath of US Strike' is one."""
    text = line.text
    return 2 <= len(line.words) <= MAX_TITLE_WORDS and not re.search(r"[.,;:]$", text) and plausible_title(text)


def plausible_title(text: str) -> bool:
    """Whether ``text`` can be a page's headline: not a share or other junk label, a date, a field list or a byline.

    >>> [plausible_title(t) for t in ("Share this:", "20 July 2012", "May 14, 2024 10:32 AM", "Tags: archives, photo, photography",
    ...                               "By The Associated Press")]
    [False, False, False, False, False]
    >>> plausible_title("Harbor Bridge reopens after two years of repairs")
    True
    """
    words = WORD.findall(text)
    if not any(char.isalpha() for char in text) or text.rstrip().endswith(":"):
        return False
    return (first_matching_rule(text, len(words)) is None and not date_like(text, words) and not _FIELD_LIST.match(text)
            and byline_name(text, len(words)) is None)


def date_like(text: str, words: Sequence[str]) -> bool:
    """A date or time shape: '20 July 2012', '5 days ago', or a stamp with a year or a clock time whose words are half numbers.

    >>> [date_like(t, WORD.findall(t)) for t in ("5 days ago", "May 14, 2024 10:32 AM", "Free 24/7 Chat", "Storm knocks out power to 2,000 homes")]
    [True, True, False, False]
    """
    if _DATE_LIKE.match(text):
        return True
    numbers = sum(word.isdigit() for word in words)
    return len(words) <= MAX_STAMP_WORDS and 2 * numbers >= len(words) and _YEAR_OR_CLOCK.search(text) is not None


def mark_byline(lines: list[Line]) -> str | None:
    """Take a byline ('By The Associated Press') out of the top of the body; return the author it names.

    The byline is among the first kept lines (or between them, where the
    classifier took it out of the story), or just above them where it took
    it out with the page furniture: either way it names the author.
    """
    kept = [line for line in lines if line.rule is None]
    if not kept:
        return None
    top = lines[lines.index(kept[0]) : lines.index(kept[:BYLINE_SEARCH_LINES][-1]) + 1]
    among = [line for line in top if line.rule is None or line.rule.startswith(MODEL_RULE_PREFIX)]
    for line in among + removed_just_above(lines, kept[0]):
        name = byline_name(line.text, len(line.words))
        if name is not None:
            line.rule = "byline"
            return name
    return None


def mark_date_line(lines: list[Line]) -> None:
    """Take date lines ('20 July 2012', '5 days ago') above the story's first sentence out of scraped text: the page's stamp.

    Only letters, digits and a date's separators: a price ('$59.00') is none.
    (Not in HTML mode, where trafilatura leaves the stamp out and most short
    lines with a number at the top are a product's or a listing's.)

    >>> lines = [Line(text, WORD.findall(text)) for text in ("5 days ago", "The mayor opened the new bridge over the river on Monday morning.")]
    >>> mark_date_line(lines); [line.rule for line in lines]
    ['date', None]
    """
    kept = [line for line in lines if line.rule is None]
    story = next((index for index, line in enumerate(kept) if len(line.words) >= MIN_SENTENCE_WORDS), None)
    # Every one above the story's first sentence, so that a second cleaning finds none left.
    for line in kept[:story] if story is not None else ():
        if is_date_line(line):
            line.rule = "date"


def byline_name(text: str, n_words: int) -> str | None:
    """The name a byline gives ('By Jane Smith', 'Por Ana Gómez'), or None when ``text`` is no byline.

    A date or a role after a separator is not the name.

    >>> byline_name("By The Associated Press", 4), byline_name("By the end of the week, prices fell", 8)
    ('The Associated Press', None)
    >>> byline_name("By Haley Hoekstra • March 12, 2025", 6), byline_name("Von Eva Braun,", 3)
    ('Haley Hoekstra', 'Eva Braun')
    """
    match = _BYLINE.match(text)
    if match and n_words <= MAX_BYLINE_WORDS and names_only(match.group(1)):
        return _BYLINE_SEPARATOR.split(match.group(1))[0].strip(" ,;")
    return None


def names_only(text: str) -> bool:
    """Most words capitalised and no sentence inside: a name or an agency, not a clause."""
    words = [word for word in text.split() if any(char.isalpha() for char in word)]
    capitalised = sum(word[0].isupper() for word in words)
    return bool(words) and capitalised >= max(1, 0.6 * len(words)) and not re.search(r"[.!?]\s", text)


def source_url(lines: list[Line]) -> str | None:
    """The URL of the last 'source: <url>' line, if one names a URL."""
    for line in reversed(lines):
        if line.rule == "source_line":
            value = line.text.split(":", 1)[1].strip()
            if _URL_LIKE.match(value):
                return value
    return None
