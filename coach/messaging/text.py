"""How a text looks on the wire: GSM-7 or UCS-2, how many segments it costs, and where to split it.

Pure functions, no I/O. Segment rules follow GSM 03.38 / 03.40 as carriers (and Twilio) apply them:
a single GSM-7 SMS holds 160 septets, a concatenated part 153; a single UCS-2 SMS holds 70 UTF-16 code
units, a concatenated part 67 (the rest of each part is the concatenation header).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from coach.models.enums import Encoding

# GSM 03.38 basic character set, in code order 0x00-0x7F (0x1B is the escape to the extension table).
GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: each character is sent as ESC + code, so it costs two septets.
GSM7_EXTENSION: Final = frozenset("\x0c^{}\\[~]|€")

GSM7_SINGLE_SEPTETS: Final = 160
GSM7_PART_SEPTETS: Final = 153
UCS2_SINGLE_UNITS: Final = 70
UCS2_PART_UNITS: Final = 67
# Twilio rejects a body longer than this (error 21617), whatever the segment count.
MAX_BODY_CHARS: Final = 1600

_TRANSLATIONS: Final = str.maketrans(
    {
        # Smart quotes, primes and their relatives would force the whole text into UCS-2.
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        # Hyphens, dashes and the minus sign.
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "…": "...",
        # Bullets an LLM likes to produce.
        "•": "-",
        "‣": "-",
        "◦": "-",
        "⁃": "-",
        # A tab is a space to a phone; dropping it as a control character would glue words together.
        "\t": " ",
        # Unicode line/paragraph separators are line breaks to a reader.
        "\u2028": "\n",
        "\u2029": "\n\n",
        # Invisible characters that carry no content but would force UCS-2.
        "\u00ad": None,
        "\u200b": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
# Every Unicode space separator (no-break, thin, ideographic, ...) becomes a plain space.
_SPACES: Final = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# C0 and C1 controls and DEL, except the line break.
_CONTROLS: Final = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_TRAILING_SPACES: Final = re.compile(r" +$", re.MULTILINE)
# A sentence end: terminal punctuation, optionally closed by a quote or bracket, then whitespace.
_SENTENCE_END: Final = re.compile(r"[.!?]+[\"')\]]*(?=\s)")
_WHITESPACE: Final = re.compile(r"\s")


@dataclass(frozen=True)
class SmsText:
    body: str
    encoding: Encoding
    segments: int


def normalize(text: str) -> str:
    """Rewrite typographic characters to GSM-7 equivalents and drop control characters.

    Line endings become ``\\n`` (a lone ``\\r`` too), trailing spaces on each line go. Emoji and other
    characters without a GSM-7 equivalent are kept: they only make the text UCS-2.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text.translate(_TRANSLATIONS))
    text = _CONTROLS.sub("", text)
    return _TRAILING_SPACES.sub("", text)


def encoding_of(text: str) -> Encoding:
    """GSM7 when every character is in the GSM 03.38 basic set or extension table, else UCS2."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return Encoding.GSM7
    return Encoding.UCS2


def segment_count(text: str) -> int:
    """How many SMS segments the text is billed as.

    An empty text counts as one segment, as Twilio bills it (we never send one).
    """
    counter = _SegmentCounter()
    for char in text:
        counter.add(char)
    return counter.segments


class _SegmentCounter:
    """Counts segments character by character, so a prefix can be grown until it no longer fits.

    Both encodings are tracked at once because one late emoji turns the whole text into UCS-2.
    """

    def __init__(self) -> None:
        self.gsm7 = _PartPacker(GSM7_SINGLE_SEPTETS, GSM7_PART_SEPTETS)
        self.ucs2 = _PartPacker(UCS2_SINGLE_UNITS, UCS2_PART_UNITS)
        self.is_gsm7 = True
        self.utf16_units = 0

    def add(self, char: str) -> None:
        units = 2 if ord(char) > 0xFFFF else 1
        self.utf16_units += units
        self.ucs2.add(units)
        if self.is_gsm7 and char in GSM7_EXTENSION:
            self.gsm7.add(2)
        elif self.is_gsm7 and char in GSM7_BASIC:
            self.gsm7.add(1)
        else:
            self.is_gsm7 = False

    @property
    def segments(self) -> int:
        return (self.gsm7 if self.is_gsm7 else self.ucs2).segments


class _PartPacker:
    """Packs characters of a given cost (septets or UTF-16 units) into concatenated parts.

    A character's units never straddle two parts: an escape pair or a surrogate pair that does not fit
    starts the next part, as handsets need whole characters in each part.
    """

    def __init__(self, single_limit: int, part_limit: int) -> None:
        self.single_limit = single_limit
        self.part_limit = part_limit
        self.total = 0
        self.parts = 1
        self.used = 0

    def add(self, cost: int) -> None:
        self.total += cost
        if self.used + cost > self.part_limit:
            self.parts, self.used = self.parts + 1, 0
        self.used += cost

    @property
    def segments(self) -> int:
        return 1 if self.total <= self.single_limit else self.parts


def describe(text: str) -> SmsText:
    """The text as it would be sent, with its encoding and segment count (the text is not normalised)."""
    return SmsText(body=text, encoding=encoding_of(text), segments=segment_count(text))


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: an emoji outside the BMP counts as two."""
    return len(text.encode("utf-16-le")) // 2


def split(text: str, max_segments: int) -> list[str]:
    """Normalise the text and cut it into ordered parts that each fit ``max_segments`` and 1600 characters.

    Cuts prefer, in order, a blank line, a line break, a sentence end and a word boundary; only a word too
    long for one part is cut inside. Nothing is dropped: the parts hold all the non-whitespace content in
    order, each stripped of surrounding whitespace. A text with no content gives no parts.
    """
    if max_segments < 1:
        raise ValueError(f"max_segments must be at least 1, got {max_segments}")
    parts: list[str] = []
    rest = normalize(text).strip()
    while rest:
        limit = _longest_fitting_prefix(rest, max_segments)
        cut = len(rest) if limit == len(rest) else _best_cut(rest, limit, max_segments)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts


def _longest_fitting_prefix(text: str, max_segments: int) -> int:
    """The largest n such that text[:n] fits in max_segments and MAX_BODY_CHARS (at least 1).

    A longer prefix never costs fewer segments, so the first character that overflows ends the prefix.
    """
    counter = _SegmentCounter()
    for index, char in enumerate(text):
        counter.add(char)
        if counter.utf16_units > MAX_BODY_CHARS or counter.segments > max_segments:
            return max(index, 1)
    return len(text)


def _best_cut(text: str, limit: int, max_segments: int) -> int:
    """Where to end the next part, given that text[:limit] is the most that fits.

    A blank line, a line break or a sentence end wins when taking it costs no extra message compared with
    filling every part up to its last word; otherwise the last word boundary, and only then a hard cut.
    """
    budget = _count_parts(text, max_segments)
    for cut in (
        _last_blank_line(text, limit),
        _last_line_break(text, limit),
        _last_sentence_end(text, limit),
    ):
        if cut is not None and 1 + _count_parts(text[cut:].lstrip(), max_segments) <= budget:
            return cut
    return _fill_cut(text, limit)


def _count_parts(text: str, max_segments: int) -> int:
    """How many parts filling each one up to its last word boundary takes (the yardstick for a nicer cut)."""
    count = 0
    while text:
        limit = _longest_fitting_prefix(text, max_segments)
        cut = len(text) if limit == len(text) else _fill_cut(text, limit)
        text = text[cut:].lstrip()
        count += 1
    return count


def _fill_cut(text: str, limit: int) -> int:
    return _last_word_boundary(text, limit) or _safe_hard_cut(text, limit)


def _last_blank_line(text: str, limit: int) -> int | None:
    position = text.rfind("\n\n", 1, limit + 2)
    return position if position > 0 else None


def _last_line_break(text: str, limit: int) -> int | None:
    position = text.rfind("\n", 1, limit + 1)
    return position if position > 0 else None


def _last_sentence_end(text: str, limit: int) -> int | None:
    ends = [match.end() for match in _SENTENCE_END.finditer(text, 0, limit + 1) if match.end() <= limit]
    return ends[-1] if ends else None


def _last_word_boundary(text: str, limit: int) -> int | None:
    positions = [match.start() for match in _WHITESPACE.finditer(text, 1, limit + 1)]
    return positions[-1] if positions else None


def _safe_hard_cut(text: str, limit: int) -> int:
    """Cut at ``limit``, stepping back so a visible character is not torn apart (emoji with a modifier,
    ZWJ sequences, flags, combining accents). Python strings never split a surrogate or an escape pair."""
    cut = limit
    while cut > 1 and _inside_cluster(text, cut):
        cut -= 1
    # A window that is one giant cluster has no better place: cut where the room ends.
    return limit if _inside_cluster(text, cut) else cut


def _inside_cluster(text: str, index: int) -> bool:
    """True when text[index] belongs to the same visible character as text[index - 1]."""
    char, previous = text[index], text[index - 1]
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or "\u200d" in (char, previous)
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or (_is_regional_indicator(char) and _is_regional_indicator(previous))
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
