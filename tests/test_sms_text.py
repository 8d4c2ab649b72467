from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.messaging.text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MAX_BODY_CHARS,
    SmsText,
    describe,
    encoding_of,
    normalize,
    segment_count,
    split,
    utf16_length,
)
from coach.models.enums import Encoding

GSM7_BASIC_IN_CODE_ORDER = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def fits(part: str, max_segments: int) -> bool:
    return segment_count(part) <= max_segments and utf16_length(part) <= MAX_BODY_CHARS


def content(text: str) -> str:
    """The text with all whitespace removed: what a split must keep, in order."""
    return "".join(text.split())


# -- encoding ------------------------------------------------------------------------------------------


def test_gsm7_tables_have_the_128_basic_and_10_extension_characters_of_gsm_03_38():
    assert len(GSM7_BASIC_IN_CODE_ORDER) == 128
    assert frozenset(GSM7_BASIC_IN_CODE_ORDER) == GSM7_BASIC
    assert frozenset("\x0c^{}\\[~]|€") == GSM7_EXTENSION


def test_plain_english_and_every_gsm_character_are_gsm7():
    assert encoding_of("Squats 3x5 @ 100kg; rest 2-3 min!") is Encoding.GSM7
    assert encoding_of(GSM7_BASIC_IN_CODE_ORDER + "".join(GSM7_EXTENSION)) is Encoding.GSM7


@pytest.mark.parametrize(
    "text",
    [
        "Great job 💪",
        "Café crème is fine, but ç is not: ç",
        "“quoted”",
        "Ğ",
        "漢字",
        "tab\there",
        "`backtick`",
    ],
)
def test_any_character_outside_gsm_03_38_makes_the_text_ucs2(text):
    assert encoding_of(text) is Encoding.UCS2


@pytest.mark.parametrize("text", ["مرحبا، كيف حالك؟", "שלום, מה שלומך?"])
def test_right_to_left_text_is_ucs2_and_counted_in_utf16_units(text):
    described = describe(text)
    assert described.encoding is Encoding.UCS2
    assert described.segments == 1
    assert segment_count(text * 5) == 2


# -- segment counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)])
def test_gsm7_text_fits_160_septets_in_one_segment_and_153_per_part_after_that(length, segments):
    assert segment_count("a" * length) == segments


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_text_fits_70_units_in_one_segment_and_67_per_part_after_that(length, segments):
    assert segment_count("ж" * length) == segments


def test_empty_text_counts_as_one_segment_like_twilio_bills_it():
    assert segment_count("") == 1


def test_gsm_extension_characters_cost_two_septets():
    assert segment_count("€" * 80) == 1
    assert segment_count("€" * 80 + "a") == 2
    assert segment_count("[" * 153) == 3  # 306 septets, but a pair cannot straddle parts: 76 + 76 + 1


def test_an_escape_pair_is_never_split_across_segments():
    # 152 + 2 + 152 = 306 septets would be two parts of 153, but the euro sign cannot straddle them.
    assert segment_count("a" * 152 + "€" + "a" * 152) == 3
    assert segment_count("a" * 153 + "€" + "a" * 151) == 2


def test_an_emoji_is_two_utf16_units_and_its_surrogate_pair_is_never_split():
    assert segment_count("💪" * 35) == 1
    assert segment_count("💪" * 35 + "a") == 2
    # 66 + 2 + 66 = 134 units would be two parts of 67, but the emoji cannot straddle them.
    assert segment_count("a" * 66 + "💪" + "a" * 66) == 3


def test_a_1600_character_body_is_eleven_gsm7_segments_or_twenty_four_ucs2_segments():
    assert segment_count("a" * 1600) == 11
    assert segment_count("a" * 1599 + "💪") == 24


def test_describe_reports_body_encoding_and_segments():
    assert describe("Hi 💪") == SmsText(body="Hi 💪", encoding=Encoding.UCS2, segments=1)
    assert describe("a" * 161) == SmsText(body="a" * 161, encoding=Encoding.GSM7, segments=2)


# -- normalisation -------------------------------------------------------------------------------------


def test_smart_quotes_become_gsm_and_keep_one_segment():
    text = "“Don’t skip leg day,” she said. ‘Really’ ‚low‛ „high‟ 5′10″"
    normalized = normalize(text)
    assert normalized == "\"Don't skip leg day,\" she said. 'Really' 'low' \"high\" 5'10\""
    assert describe(normalized) == SmsText(normalized, Encoding.GSM7, 1)


def test_dashes_minus_ellipsis_bullets_and_unicode_spaces_become_gsm():
    text = "3–5 reps — rest − 1 min…\n• squat\n•\u00a0bench\u2009press\u202fnow\u3000ok"
    assert normalize(text) == "3-5 reps - rest - 1 min...\n- squat\n- bench press now ok"
    assert encoding_of(normalize(text)) is Encoding.GSM7


def test_nul_and_control_characters_are_removed_but_line_breaks_are_kept():
    assert normalize("a\x00b\x07c\x1bd\x7fe\x85f\x9fg\nh") == "abcdefg\nh"


def test_windows_line_endings_and_trailing_spaces_are_cleaned():
    assert normalize("one  \r\ntwo\t\r\nthree\rfour ") == "one\ntwo\nthree\nfour"


def test_emoji_and_non_latin_text_survive_normalisation():
    text = "Nice work 💪🏽 👨‍👩‍👧 — שלום"
    assert normalize(text) == "Nice work 💪🏽 👨‍👩‍👧 - שלום"


def test_normalising_twice_changes_nothing():
    text = "“Hi”…\u00a0\r\n• x  \t\x00"
    assert normalize(normalize(text)) == normalize(text)


# -- splitting -----------------------------------------------------------------------------------------


def test_text_that_fits_comes_back_as_one_normalised_part():
    assert split("  Don’t forget water.  ", 1) == ["Don't forget water."]


def test_empty_or_blank_text_gives_no_parts():
    assert split("", 1) == []
    assert split(" \n\x00 ", 3) == []


def test_fewer_than_one_segment_is_rejected():
    with pytest.raises(ValueError, match="max_segments"):
        split("hello", 0)


def test_split_prefers_a_blank_line_between_paragraphs():
    first = "Today: upper body. Warm up 5 min on the rower, then band pull-aparts and push-ups."
    second = "Bench 4x6 @ RPE 8. Row 4x8. Then curls and push-downs, 3 sets each, 60s rest between."
    assert split(f"{first}\n\n{second}", 1) == [first, second]


def test_split_prefers_a_line_break_over_a_sentence_end():
    lines = [f"{n}. Squat 3x5. Rest 2 min. Keep your chest up." for n in range(1, 6)]
    parts = split("\n".join(lines), 1)
    assert parts == ["\n".join(lines[:3]), "\n".join(lines[3:])]


def test_split_prefers_a_sentence_end_over_a_word_boundary():
    sentences = [f"Sentence number {n} is about training hard and resting well." for n in range(6)]
    parts = split(" ".join(sentences), 1)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == " ".join(sentences)


def test_split_cuts_between_words_when_there_is_no_sentence_end():
    parts = split("word " * 100, 1)
    assert len(parts) == 4
    assert all(part.startswith("word") and part.endswith("word") for part in parts)


def test_split_hard_cuts_a_word_too_long_for_one_part_without_losing_any_of_it():
    parts = split("x" * 400, 1)
    assert [len(part) for part in parts] == [160, 160, 80]


def test_a_hard_cut_never_splits_an_extension_character_or_an_emoji():
    assert split("€" * 100, 1) == ["€" * 80, "€" * 20]
    assert split("💪" * 40, 1) == ["💪" * 35, "💪" * 5]


def test_split_keeps_every_part_within_1600_characters_even_with_room_for_more_segments():
    parts = split("rep " * 1000, 30)
    assert len(parts) == 3
    assert all(utf16_length(part) <= MAX_BODY_CHARS for part in parts)


def test_a_1600_character_body_is_sent_whole_when_segments_allow():
    body = ("Push hard today. " * 100)[:1600].strip()
    assert split(body, 11) == [body]


def test_split_does_not_spend_an_extra_message_for_a_nicer_break():
    # The blank line comes early; cutting there would need three messages instead of two.
    text = "Hi!\n\n" + "Bench press " * 25
    parts = split(text, 1)
    assert len(parts) == 2


_ALPHABET = st.one_of(
    st.sampled_from(list("abcdefghij ABC.!?,'\"\n\n  ")),
    st.sampled_from(list("€[]{}|^~\\")),
    st.sampled_from(["💪", "🏽", "👨‍👩‍👧", "🇺🇸", "é", "ж", "ש", "م", "\u200d", "\u0301"]),
    st.sampled_from(list("“”‘’–—…•\u00a0\u2009\t\r\x00\x1b\x85")),
    st.characters(codec="utf-8"),
)


def _texts(min_size: int = 0, max_size: int = 600) -> st.SearchStrategy[str]:
    """Random text built from pieces, some of them several code points long (ZWJ families, flags)."""
    return st.lists(_ALPHABET, min_size=min_size, max_size=max_size).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_texts(max_size=600), max_segments=st.integers(min_value=1, max_value=4))
def test_split_never_drops_or_reorders_content_and_every_part_fits(text, max_segments):
    parts = split(text, max_segments)
    assert content("".join(parts)) == content(normalize(text))
    for part in parts:
        assert part
        assert part == part.strip()
        assert fits(part, max_segments)


@settings(max_examples=50, deadline=None)
@given(chunk=_texts(min_size=100, max_size=300), copies=st.integers(min_value=6, max_value=20))
def test_split_of_long_text_with_many_segments_respects_the_1600_character_limit(chunk, copies):
    text = chunk * copies
    parts = split(text, 30)
    assert content("".join(parts)) == content(normalize(text))
    assert all(fits(part, 30) for part in parts)
