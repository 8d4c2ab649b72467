"""Injuries and conditions to plan around ("bad knee", "lower back issues", "none"), with their own words.

A body part counts as a limitation when its clause says something is wrong with it ("sore", "surgery",
"bad") or when we had just asked about injuries; conditions (pregnancy, high blood pressure) always count.
"""

from __future__ import annotations

import re

from coach.agent.onboarding.items import LimitationAnswer, Span
from coach.agent.onboarding.matching import Found, negated, phrases, scan
from coach.messaging.text import normalize
from coach.training.limitations import Limitation

MAX_NOTES = 300
_L = Limitation
_AREAS = phrases(
    [
        (r"knees?|acl|mcl|meniscus|patell\w*|jumper's knee|runner's knee", _L.KNEE),
        (
            r"(?:lower|low|upper|mid|bad|sore|weak|dodgy|hurt|injured|tweaked|my|the) back|"
            r"back (?:pain|issues?|problems?|injur\w*|surgery|spasms?|hurts|is)|spine|spinal|discs?|disks?|"
            r"herniat\w*|sciatica|lumbar|slipped disc|bulging disc",
            _L.LOWER_BACK,
        ),
        (r"shoulders?|rotator cuff|labrum|ac joint|frozen shoulder|impingement", _L.SHOULDER),
        (r"wrists?|carpal tunnel", _L.WRIST),
        (r"elbows?|tennis elbow|golfer's elbow", _L.ELBOW),
        (r"hips?|hip flexors?|labral|hip replacement", _L.HIP),
        (r"ankles?|achilles|plantar\w*|feet|foot", _L.ANKLE),
        (r"neck|cervical|whiplash", _L.NECK),
    ]
)
_CONDITIONS = phrases(
    [
        (r"pregnan\w*|expecting a baby|\d+ weeks along", _L.PREGNANCY),
        (r"post-?partum|post partum|had a baby|gave birth|new mom|new mum|c-?section", _L.POSTPARTUM),
        (r"high blood pressure|hypertension|high bp", _L.HYPERTENSION),
    ]
)
_CUES = re.compile(
    r"(?<![\w'])(?:bad|sore|hurts?|hurting|hurt|injur\w*|pain\w*|ache?s?|achy|aching|tweak\w*|problems?|"
    r"issues?|surgery|surgeries|operat\w*|torn|tear|broke|broken|fracture\w*|sprain\w*|strain\w*|weak|"
    r"dodgy|trick|replace\w*|arthritis|tendin\w*|tendon\w*|bursitis|recovering|rehab|niggl\w*|twinge|"
    r"condition|stiff|limited|careful|asthma|diabetes|diabetic|heart|gout|osteo\w*|scoliosis|cranky|grumpy|"
    r"wonky|iffy|tender|swollen|swelling|unstable|acting up|playing up|bothers|bothering|bothered|"
    r"bugging me|flar\w*|banged up|beat up|messed up|busted|dislocat\w*|"
    r"(?:not|isn'?t|aren'?t) (?:great|right|good)(?=\W*(?:lately|at the moment|right now|these days)?\W*$))"
    r"(?![\w'])"
)
# "my back is fine": a body part named as being all right.
_FINE = re.compile(
    r"(?<![\w'])(?:fine|ok|okay|good|great|healthy|strong|no (?:issues|problems)|all good)(?![\w'])"
)
_NONE_STRONG = phrases(
    [
        (
            r"no (?:injur\w*|issues|problems|limitations|pain|aches|restrictions|concerns|health (?:issues|"
            r"problems|conditions)|medical (?:issues|conditions))|injury[- ]free|no,? nothing|nothing to "
            r"(?:report|worry about|declare)|(?:i'm|im|i am) (?:healthy|injury free)|all healthy",
            None,
        )
    ]
)
# A clause that is only "no"/"none"/"all good": an answer to our question, not "no idea what you mean".
_NONE_WEAK = re.compile(
    r"^\W*(?:(?:none|nothing|nope|nah|no|all good|n/?a|i'?m (?:good|fine)|not really|all clear|thanks|"
    r"thank you|really|at all|so far|zero|none at all)\W*)+$"
)
_CLAUSE_CUT = re.compile(r"[\n.;!?]|,|\bbut\b")


def find_limitations(text: str, folded: str, *, asked: bool) -> Found[LimitationAnswer] | None:
    """What to plan around, or an answer of "nothing" (a plain "none"/"no" only counts when `asked`)."""
    found: list[Limitation] = []
    notes: list[str] = []
    spans: list[Span] = []
    for start, end in _clauses(folded):
        clause = folded[start:end]
        hits = scan(_CONDITIONS, clause)
        has_cue = _CUES.search(clause) is not None
        if has_cue or (asked and not _FINE.search(clause)):
            hits += [hit for hit in scan(_AREAS, clause) if not negated(clause, hit.start)]
        for hit in hits:
            spans.append((start + hit.start, start + hit.end))
            if hit.value not in found:
                found.append(hit.value)
        if hits or (asked and has_cue and not _is_none(clause, asked)):
            notes.append(text[start:end].strip())
            spans.append((start, end))
    if found or notes:
        return Found(LimitationAnswer(tuple(found), _notes(notes)), tuple(spans))
    none = [hit.span for hit in scan(_NONE_STRONG, folded)]
    if asked:
        none += [(start, end) for start, end in _clauses(folded) if _NONE_WEAK.match(folded[start:end])]
    return Found(LimitationAnswer(()), tuple(none)) if none else None


def _is_none(clause: str, asked: bool) -> bool:
    if scan(_NONE_STRONG, clause):
        return True
    return asked and _NONE_WEAK.match(clause) is not None


def _clauses(folded: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for match in _CLAUSE_CUT.finditer(folded):
        if folded[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if folded[start:].strip():
        spans.append((start, len(folded)))
    return spans


def _notes(parts: list[str]) -> str | None:
    text = "; ".join(" ".join(normalize(part).split()).strip(" ,") for part in parts if part.strip(" ,"))
    return text[:MAX_NOTES] or None
