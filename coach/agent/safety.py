"""Safety triage: red flags in a trainee's text that stop the coaching and get a fixed, careful reply.

`triage` is pure and fast (regular expressions, no I/O) and runs on every turn before anything else. It is
tuned to catch symptoms and crises (chest pain, fainting, unusual breathlessness, sharp or worsening pain,
signs of injury, self-harm, disordered eating) without flagging ordinary gym talk: soreness, "chest day",
"killer workout", "I'm dying lol", "out of breath after sprints", "suicide sprints".

Rules:
- A match counts unless a negation ("no", "not", "without", "didn't", ...) is among the three words before it
  in the same clause: "no chest pain, just tired" is not a flag. Self-harm ignores negation: anyone who
  raises it gets the crisis resources.
- Breathlessness counts only when the text says it is unusual (at rest, for hours, won't go away, ...);
  being out of breath after hard work is normal.
- When several categories match, the most urgent wins (the order of `_CATEGORIES`).

`safety_reply` pauses the plan where the category asks for it (every category does today) and returns the
fixed reply. The caller owns the transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from coach.agent.fast_log import remember_question
from coach.agent.turn import AgentReply, Turn
from coach.models.enums import AgentOutcome
from coach.training.changes import PlanNotFound, pause_plan


@dataclass(frozen=True)
class SafetyFlag:
    """A red flag: its category (e.g. "chest_pain"), why it was raised, and whether the plan pauses."""

    category: str
    reason: str
    pause_plan: bool


@dataclass(frozen=True)
class _Category:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    reply: str
    paused_line: str
    negatable: bool = True
    # Phrases that count only when the sentence says the symptom is unusual (see `_UNUSUAL`).
    qualified: tuple[re.Pattern[str], ...] = ()


def _compile(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


_SOME = r"(?:(?:really|very|so|super|kinda|kind of|a bit|a little|pretty|quite) )?"
_LIMB = r"(?:arms?|legs?|hands?|feet|foot|fingers?|toes?|thighs?|shins?|calf|calves)"
_BODY_PART = (
    r"(?:knees?|shoulders?|elbows?|wrists?|ankles?|hips?|back|lower back|neck|hamstrings?|hammy|calf|"
    r"achilles|groin|quads?|biceps?|triceps?|pecs?|feet|foot|toes?|fingers?|hands?|arms?|legs?|ribs?|"
    r"collarbone|nose|acl|mcl|pcl|meniscus|rotator cuff|labrum|tendon|ligament|muscle|something)"
)

_CHEST = _Category(
    name="chest_pain",
    patterns=_compile(
        r"\bchest (?:pains?|pressure|tightness|discomfort)\b",
        r"\b(?:pains?|pressure|tightness|discomfort|squeezing|heaviness|aching)"
        r" (?:in|on|across|around|through) (?:my |the )?chest\b",
        r"\bchest (?:hurts|hurt|hurting|aches|aching|ached)\b",
        r"\bchest (?:is|was|feels|felt|feeling|gets|got|getting|went|goes|has been|been|keeps|started|starts)"
        rf" (?:getting |going )?{_SOME}(?:tight|painful|tightening|hurting|aching)\b",
        r"\btight(?:ness)? (?:in )?(?:my |the )?chest\b",
        r"\b(?:heart )?palpitations\b",
        r"\birregular heart ?beat\b",
        r"\b(?:having|had|have) a heart attack\b",
    ),
    reply=(
        "Please stop training now. Chest pain, pressure or tightness can be an emergency: if it is happening"
        " now, call 911 (or your local emergency number). Please see a doctor before you train again."
    ),
    paused_line="I've paused your plan. Text RESUME once a doctor has cleared you.",
)
_FAINTING = _Category(
    name="fainting",
    patterns=_compile(
        r"\bfaint(?:ed|ing)\b",
        r"\b(?:felt|feel|feeling|feels|went|got|getting)"
        r" (?:really |very |a bit |a little |kinda |so )?faint\b",
        r"\b(?:passed|passing) out\b(?! (?:on|in) (?:the |my )?(?:couch|sofa|bed))",
        r"\bmade me (?:pass|black) out\b",
        r"\bblack(?:ed|ing) out\b",
        r"\b(?:lost|lose|losing) consciousness\b",
        r"\bi collapsed\b",
        r"\b(?:vision|everything) went (?:black|dark)\b",
    ),
    reply=(
        "Please stop training now and sit or lie down. Fainting or blacking out needs checking: if you are"
        " hurt, confused, or it happens again, call 911 (or your local emergency number). Please see a"
        " doctor before you train again."
    ),
    paused_line="I've paused your plan. Text RESUME once a doctor has cleared you.",
)
_BREATHING = _Category(
    name="breathing",
    patterns=_compile(
        r"\bshortness of breath\b",
        r"\b(?:trouble|difficulty|hard time|struggling|struggle|problems?) (?:breathing|to breathe)\b",
    ),
    qualified=_compile(
        r"\b(?:cant|cannot|couldnt|could not) (?:breathe|catch my breath|get my breath)\b",
        r"\b(?:short|out) of breath\b",
        r"\b(?:gasping|wheezing)\b",
    ),
    reply=(
        "Please stop and rest. Breathlessness that is not normal for you should be checked: if it is severe,"
        " comes with chest pain, or does not settle with rest, call 911 (or your local emergency number)."
        " Otherwise please see a doctor before you train again."
    ),
    paused_line="I've paused your plan. Text RESUME once you're cleared.",
)
_SELF_HARM = _Category(
    name="self_harm",
    patterns=_compile(
        r"\bkill(?:ing)? myself\b",
        r"\bsuicidal\b",
        r"\bsuicide\b(?! (?:sprints?|runs?|drills?|shuttles?|lines|squats?|burpees?|push ?ups?))",
        r"\b(?:end|ending|take|taking) (?:my own|my) life\b",
        r"\bend it all\b",
        r"\b(?:want|wanna|wanted|wanting) to die\b",
        r"\bwish i (?:was|were) dead\b",
        r"\bbetter off dead\b",
        r"\b(?:dont|do not|no longer) want to (?:live|be alive|exist)\b",
        r"\b(?:dont|do not|no longer) want to be here any ?more\b",
        r"\b(?:no reason|nothing) to live for\b",
        r"\bno reason to live\b",
        r"\bself ?harm(?:ing)?\b",
        r"\bcutting myself\b(?! (?:on|shaving|while))",
        r"\b(?:want|wanna|wanting|going|gonna|thinking|thought|think|urges?|plan|planning|tempted|feel like|"
        r"keep|been)\b(?: \w+){0,3} (?:hurt|hurting|harm|harming|cut|cutting) myself\b",
        r"\boverdos(?:e|ed|ing)\b",
    ),
    reply=(
        "I'm really glad you told me, and I'm sorry you're going through this. If you're in danger call 911."
        " In the US you can call or text 988 (Suicide & Crisis Lifeline), any time. You don't have to go"
        " through this alone."
    ),
    paused_line="I've paused your workouts, no pressure at all.",
    negatable=False,
)
_EATING = _Category(
    name="disordered_eating",
    patterns=_compile(
        r"\bstarv(?:e|ing|ed) myself\b",
        r"\bpurg(?:e|es|ing|ed)\b",
        r"\b(?:make|making|made) myself (?:throw up|puke|vomit|sick)\b",
        r"\b(?:throw|throwing|threw) up (?:after|my) (?:eating|meals?|food|i eat)\b",
        r"\blaxatives?\b",
        r"\bdiet pills\b",
        r"\b(?:havent|have not|hasnt|not|didnt|did not) (?:eaten|eat|eating) (?:anything )?(?:in|for)"
        r" (?:days|a week|weeks|\d+ days|two days|three days|several days|a few days)\b",
        r"\bnot eating for days\b",
        r"\b(?:stopped|quit) eating\b",
        r"\b(?:eating|eat|ate|having) (?:only |just |like |about |under |less than )*[1-7]?\d{2} "
        r"(?:calories|cals|kcal)\b",
    ),
    reply=(
        "Thank you for telling me. Your health matters more than any training goal. Please talk to a doctor"
        " about this. In the US the ANAD helpline (1-888-375-7767) offers free support, and if you ever feel"
        " unsafe you can call or text 988."
    ),
    paused_line="I've paused your workouts for now.",
)
_INJURY = _Category(
    name="injury",
    patterns=_compile(
        r"\b(?:heard|felt) (?:a |something |some )?(?:pop|popping|snap|snapping|tear|rip)\b",
        r"\bsomething (?:popped|snapped|tore|ripped)\b",
        r"\b(?:swollen|swelling|swelled)\b",
        r"\b(?:cant|cannot|couldnt|could not|unable to) (?:put|bear|take) (?:any |much )?weight on\b",
        r"\b(?:cant|cannot|couldnt|unable to) bear weight\b",
        r"\b(?:cant|cannot|couldnt) (?:walk|stand) on (?:it|my)\b",
        rf"\b(?:numb|numbness|tingling|tingly|pins and needles)\b[^.!?;\n]{{0,40}}\b{_LIMB}\b",
        rf"\b{_LIMB}\b[^.!?;\n]{{0,30}}\b(?:numb|numbness|tingling|tingly|pins and needles)\b",
        r"\bdislocat\w*",
        r"\bpopped out of (?:place|socket|joint)\b",
        rf"\b(?:tore|torn|ruptured|rupture|tear) (?:my |a |the )?(?:left |right )?{_BODY_PART}\b",
        r"\b(?:broke|broken|fractured?|sprained|sprain) (?:my |a |the |an )?(?:left |right )?(?:wrists?|"
        r"ankles?|foot|toes?|fingers?|hands?|arms?|legs?|ribs?|collarbone|knees?|elbows?|shoulders?|nose)\b",
        r"\b(?:rolled|twisted) (?:my )?(?:left |right )?ankle\b",
        r"\b(?:knees?|ankles?|back|legs?|hips?) (?:gave out|gave way|buckled|locked up)\b",
    ),
    reply=(
        "That sounds like it could be an injury, so please stop training that area. Rest it, keep weight off"
        " it, and see a doctor or physio to get it checked (urgent care if it is severe)."
    ),
    paused_line="I've paused your plan. Text RESUME once you're cleared to train.",
)
_JOINT_PAIN = _Category(
    name="joint_pain",
    patterns=_compile(
        r"\b(?:sharp|stabbing|shooting|searing|piercing|electric|severe|excruciating) (?:pains?|aches?|"
        r"twinges?|sensation)\b",
        r"\bpain (?:is |has been |keeps )?(?:getting|gets|got|gotten) worse\b",
        r"\bworsening pain\b",
        r"\bpain (?:that )?(?:wont|will not|doesnt|does not|isnt) (?:go|going) away\b",
        rf"\b{_BODY_PART} (?:pain )?(?:is |has been |keeps )?(?:getting|gets|got|gotten) worse\b",
    ),
    reply=(
        "Please stop the exercise that hurts. Sharp or worsening pain is a sign to rest, not to push through."
        " If it does not settle in a day or two, or gets worse, please see a doctor or physio."
    ),
    paused_line="I've paused your plan. Text RESUME when it feels right again.",
)

# Most urgent first: when a text raises several flags, the first category that matches answers.
_CATEGORIES = (_SELF_HARM, _CHEST, _FAINTING, _BREATHING, _EATING, _INJURY, _JOINT_PAIN)

_UNUSUAL = re.compile(
    r"\b(?:at rest|resting|while sitting|sitting down|even sitting|lying down|laying down|in bed|"
    r"for (?:hours|an hour|a while|days)|hours later|an hour later|all day|at night|"
    r"(?:wont|will not|doesnt|does not|didnt|hasnt|isnt) (?:go away|stop|settle|get better|going away)|"
    r"not normal|unusual|abnormal|never (?:had|been|felt)|worse than (?:usual|normal)|walking|stairs|"
    r"scary|scared|still (?:cant|short|out)|even when)\b"
)
_NEGATIONS = frozenset(
    {"no", "not", "never", "without", "zero", "nothing", "none", "nor", "dont", "doesnt", "didnt", "isnt"}
    | {"wasnt", "arent", "havent", "hasnt"}
)
# Hedges that read like negations but are not: "not sure if I tore something".
_HEDGES = re.compile(
    r"\b(?:not sure|dont know|do not know|not certain|no idea|not gonna lie|not going to lie)\b"
)
_CLAUSE_BREAK = re.compile(r"[.!?;,\n]|\b(?:but|though|although|however)\b")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")


def triage(text: str) -> SafetyFlag | None:
    """The most urgent red flag in a trainee's text, or None for ordinary gym talk. Pure, no I/O."""
    normalised = _normalise(text)
    if not normalised:
        return None
    for category in _CATEGORIES:
        phrase = _first_match(category, normalised)
        if phrase is not None:
            return SafetyFlag(category.name, f"{category.name}: '{phrase[:60]}'", pause_plan=True)
    return None


def _normalise(text: str) -> str:
    """Lowercase, apostrophes dropped ("can't" = "cant"), hyphens as spaces, whitespace collapsed."""
    lowered = re.sub(r"['‘’`´]", "", text.lower()).replace("-", " ")
    lowered = _HEDGES.sub("unsure", lowered)
    return re.sub(r"[^\S\n]+", " ", lowered).strip()


def _first_match(category: _Category, text: str) -> str | None:
    patterns = [(p, False) for p in category.patterns] + [(p, True) for p in category.qualified]
    for pattern, qualified in patterns:
        for match in pattern.finditer(text):
            if category.negatable and _negated(text, match.start()):
                continue
            if qualified and not _unusual(text, match):
                continue
            return match.group(0)
    return None


def _negated(text: str, start: int) -> bool:
    """True when one of the three words before `start` in its clause is a negation ("no chest pain")."""
    clause = _CLAUSE_BREAK.split(text[:start])[-1]
    return any(word in _NEGATIONS for word in clause.split()[-3:])


def _unusual(text: str, match: re.Match[str]) -> bool:
    """True when the sentence around a breathlessness phrase says it is not the normal kind."""
    before = _SENTENCE_BREAK.split(text[: match.start()])[-1]
    after = _SENTENCE_BREAK.split(text[match.end() :])[0]
    return _UNUSUAL.search(f"{before} {match.group(0)} {after}") is not None


def safety_reply(session: Session, turn: Turn, flag: SafetyFlag) -> AgentReply:
    """Pause the trainee's plan when the flag asks for it and return the category's fixed reply.

    A trainee without a current plan (still onboarding) gets the same reply without the line about pausing.
    Any question the coach was waiting on is dropped. The caller commits.
    """
    category = next((c for c in _CATEGORIES if c.name == flag.category), None)
    if category is None:
        raise ValueError(f"unknown safety category {flag.category!r}")
    body = category.reply
    if flag.pause_plan:
        try:
            pause_plan(session, turn.trainee.id)
        except PlanNotFound:
            pass
        else:
            body = f"{body} {category.paused_line}"
    remember_question(turn.conversation, None)
    return AgentReply(
        body=body,
        outcome=AgentOutcome.SAFETY,
        path=f"safety:{flag.category}",
        flagged=True,
        flag_reason=flag.reason,
    )
