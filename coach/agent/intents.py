"""What a short text asks for, read without an LLM: pure functions, no I/O.

Every reading is strict: the whole text (after dropping greetings, "please" and "thanks") must be one of the
phrasings below, or it is not understood and the LLM answers. Workout logs are not read here; the log parser
(`coach.training.log_parsing`) does that.

- `rating`: an answer on a 1-10 scale ("7", "8/10", "about a 6"); only meaningful right after the coach
  asked, so it is a separate function rather than an intent.
- `follow_up_day`: "and thursday?", "what about friday": another day's workout, only meaningful right after
  the coach showed one, so it is separate too.
- `classify`: opt-out in words, pausing or resuming the plan, a new daily send time, which workout is on
  a given day or week or comes next, moving one day's workout to another day, skipping it or fitting it
  into less time, or a bare acknowledgement ("ok thanks", "got it", a thumbs-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

Meridiem = Literal["am", "pm"]


@dataclass(frozen=True)
class OptOut:
    """ "please stop texting me", "unsubscribe me": the trainee wants no more texts."""


@dataclass(frozen=True)
class PausePlan:
    """ "pause", "pause my plan"."""


@dataclass(frozen=True)
class ResumePlan:
    """ "resume", "unpause"; `returning` for "I'm back", which only means something to a paused trainee."""

    returning: bool = False


@dataclass(frozen=True)
class SendTime:
    """A new time for the daily text. `hour` is None when the text names no real time ("25:00")."""

    hour: int | None
    minute: int = 0
    meridiem: Meridiem | None = None

    def resolve(self, current: time | None) -> time | None:
        """The time meant; a bare "7" is read as the 12-hour reading nearer the current send time."""
        if self.hour is None:
            return None
        if self.meridiem is not None:
            return time(self.hour % 12 + (12 if self.meridiem == "pm" else 0), self.minute)
        if self.hour == 0 or self.hour > 12:
            return time(self.hour, self.minute)
        morning, evening = time(self.hour % 12, self.minute), time(self.hour % 12 + 12, self.minute)
        if current is None:  # no habit to go by: 5..11 are mornings, 12..4 afternoons
            return morning if 5 <= self.hour <= 11 else evening
        return morning if _distance(morning, current) <= _distance(evening, current) else evening


@dataclass(frozen=True)
class WorkoutDay:
    """ "what's today", "what do I have Friday": `weekday` is ISO (1 = Monday) or None for an offset."""

    days_ahead: int = 0
    weekday: int | None = None
    week_of: date | None = None  # the Monday of the week meant ("and wednesday?" after next week's list)

    def on(self, today: date) -> date:
        """The date meant, seen from the trainee's local `today` (a weekday is today or the next one, or that
        day of `week_of`'s week)."""
        if self.weekday is not None and self.week_of is not None:
            return self.week_of + timedelta(days=self.weekday - 1)
        if self.weekday is not None:
            return today + timedelta(days=(self.weekday - today.isoweekday()) % 7)
        return today + timedelta(days=self.days_ahead)


@dataclass(frozen=True)
class WeekView:
    """ "what's this week", "what does my week look like", "next week's workouts": a week's workouts."""

    weeks_ahead: int = 0


@dataclass(frozen=True)
class NextWorkout:
    """ "what's my next workout", "when do I train next", "what's next": the first workout still to do."""


@dataclass(frozen=True)
class MoveWorkout:
    """ "move today to Friday", "can we push tomorrow's workout to Sat": a named day's workout to another."""

    source: WorkoutDay
    target: WorkoutDay


@dataclass(frozen=True)
class SkipWorkout:
    """ "skip today", "can I skip tomorrow's workout", "I'm skipping Friday": that day's workout, skipped."""

    day: WorkoutDay


@dataclass(frozen=True)
class CantTrain:
    """ "I can't train today", "can't make it tomorrow": the coach asks whether to move that workout or skip
    it (`reschedule_answer` reads the reply)."""

    day: WorkoutDay


@dataclass(frozen=True)
class ShortenWorkout:
    """ "I only have 30 min today", "make tomorrow's workout 40 minutes": fit a day's workout in `minutes`."""

    day: WorkoutDay
    minutes: int


@dataclass(frozen=True)
class Acknowledgement:
    """ "ok thanks", "got it", "sounds good", a thumbs-up: nothing asked, nothing to do."""


Intent = (
    OptOut
    | PausePlan
    | ResumePlan
    | SendTime
    | WorkoutDay
    | WeekView
    | NextWorkout
    | MoveWorkout
    | SkipWorkout
    | CantTrain
    | ShortenWorkout
    | Acknowledgement
)


def normalise(text: str) -> str:
    """Lowercase words, numbers, ":" and "/" only; apostrophes dropped ("what's" = "whats"), no greetings."""
    lowered = re.sub(r"['‘’`´]", "", text.lower())
    lowered = re.sub(r"\b([ap])\.m\.?", r"\1m", lowered)
    lowered = re.sub(r"(?<=\d)[.,](?=\d)", ".", lowered)
    lowered = re.sub(r"(?<!\d)\.|\.(?!\d)|[^\w\s:/.]|_", " ", lowered)
    words = " ".join(lowered.split())
    previous = None
    while previous != words:
        previous = words
        words = _LEADING_FILLER.sub("", words)
        words = _TRAILING_FILLER.sub("", words)
    return words


_LEADING_FILLER = re.compile(r"^(?:hey|hi|hello|ok|okay|yo|coach|please|pls|plz|um|so)\b ?")
_TRAILING_FILLER = re.compile(r" ?\b(?:please|pls|plz|thanks|thank you|thx|ty|coach)$")

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_RATING = re.compile(
    r"(?:(?:about|around|maybe|probably|prob|like|roughly|honestly|id say|i would say|i think|say|solid|"
    r"a solid|a|an|its|it was|was|that was|rpe|session rpe|srpe|i give it|give it) )*"
    rf"(?P<value>\d{{1,2}}(?:\.5)?|{'|'.join(_NUMBER_WORDS)})"
    r"(?: ?(?:/|out of) ?10)?(?: (?:i think|maybe|probably|tbh|honestly|lol|haha|rpe))*"
)


def rating(text: str) -> float | None:
    """A 1-10 rating in half steps ("7", "8/10", "about a 6", "7.5"), or None if the text is anything else."""
    match = _RATING.fullmatch(normalise(text))
    if match is None:
        return None
    raw = match.group("value")
    value = float(_NUMBER_WORDS.get(raw, 0) or raw)
    return value if 1 <= value <= 10 else None


_ASK = r"(?:(?:can|could|would) you |can we |i want to |i need to |id like to |i would like to |lets |just )?"
_OPT_OUT = re.compile(
    "|".join(
        (
            _ASK + r"(?:stop|quit|cease)(?: (?:texting|messaging|sending|contacting|txting|sms)(?: me)?"
            r"(?: (?:messages|texts|any ?more messages|any ?more texts|anything))?)?"
            r"(?: (?:any ?more|ever again|again|all|now))?",
            _ASK + r"(?:unsubscribe|opt out)(?: me)?(?: from (?:this|these|your|the|coach)"
            r"(?: list| texts| messages| service)?)?",
            _ASK + r"opt me out",
            _ASK
            + r"(?:take|remove) me (?:off|from) (?:this|the|your) (?:list|service|number|texts|messages)",
            r"(?:dont|do not) (?:text|message|contact) me (?:any ?more|again|ever again)",
            r"i (?:dont|do not|no longer) want (?:any ?more |these |your |any )?(?:texts|messages)"
            r"(?: any ?more)?",
            _ASK + r"cancel (?:my )?(?:subscription|account|membership)",
        )
    )
)
_PLAN_NOUN = r"(?: (?:my|the))?(?: (?:plan|training|workouts?|program|texts|messages))?"
_PAUSE = re.compile(
    _ASK + r"(?:pause" + _PLAN_NOUN + r"|put" + _PLAN_NOUN + r" on (?:hold|pause))"
    r"(?: now| for (?:now|a while|a bit))?"
)
_RESUME = re.compile(_ASK + r"(?:resume|unpause|un pause)" + _PLAN_NOUN + r"(?: now)?")
_RETURNING = re.compile(r"(?:im|i am) back(?: now| again)?|(?:im |i am )?ready to resume")

_TIME = (
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))? ?(?P<meridiem>am|pm|a|p)?(?: o ?clock)?"
    r"(?: (?:in the )?(?P<part>morning|afternoon|evening|night))?|(?P<noon>noon|midday))"
)
_WHEN = r"(?: (?:instead|from now on|going forward|each day|every day|every morning|daily|each morning))?"
_TEXTS = r"(?: daily)?(?: workout)? (?:texts?|messages?|workouts?)"
_SEND_TIME = tuple(
    re.compile(pattern)
    for pattern in (
        _ASK + r"(?:change|switch|set|update|make)(?: my| the)?(?: (?:send|text|workout|message|delivery))?"
        r"(?: (?:time|texts?|messages?))(?: time)? to " + _TIME + _WHEN,
        _ASK + r"(?:text|message|send) me(?: my| the)?(?:" + _TEXTS + r")? (?:at|around) " + _TIME + _WHEN,
        _ASK + r"send(?: me)?(?: my| the)?" + _TEXTS + r"(?: to me)? (?:at|around) " + _TIME + _WHEN,
        r"(?:i want|id like|i would like|i prefer)(?: to get)?(?: my| the)?"
        + _TEXTS
        + r" (?:at|around) "
        + _TIME
        + _WHEN,
    )
)

_DAY_NAMES = {
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "tomorow": 1,
    "tommorow": 1,
    "tommorrow": 1,
}
_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 1),
    **dict.fromkeys(("tuesday", "tues", "tue"), 2),
    **dict.fromkeys(("wednesday", "wed", "weds"), 3),
    **dict.fromkeys(("thursday", "thurs", "thur", "thu"), 4),
    **dict.fromkeys(("friday", "fri"), 5),
    **dict.fromkeys(("saturday", "sat"), 6),
    **dict.fromkeys(("sunday", "sun"), 7),
}
DAY_WORDS = "|".join(sorted([*_DAY_NAMES, *_WEEKDAYS], key=len, reverse=True))
_DAY = f"(?P<day>{DAY_WORDS})"
_SESSION = r"(?:workout|session|training|plan|program|lift)"
_WORKOUT_DAY = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?:whats|what is)(?: my| the)?(?: "
        + _SESSION
        + r")?(?: for| on)? "
        + _DAY
        + r"s?(?: "
        + _SESSION
        + ")?",
        r"(?:whats )?(?:my )?" + _DAY + r"s? " + _SESSION,
        r"what (?:do i have|have i got|am i doing|should i do|do i do|are we doing|is on|s on)(?: on| for)? "
        + _DAY,
        r"(?:(?:do|have) i (?:got |have )?(?:a |any )?)?(?:workout|training|session|anything)(?: on| for)? "
        + _DAY,
        r"(?:do|am) i (?:train|training|work out|lift|lifting|have to train)(?: on)? " + _DAY,
        r"(?:whats|what is) (?:my|the) (?:workout|session)(?P<day>)",
        r"(?:whats|what is) on (?:the|my) (?:plan|schedule)(?: for)? " + _DAY,
        r"is it (?:a )?rest day " + _DAY,  # not a bare "rest day tomorrow": often "I'm resting tomorrow"
        r"is " + _DAY + r" a rest day",
    )
)

# "whats this week", "whats my week look like", "what do i have next week", "next weeks workouts".
_PLAN_WORDS = r"(?:plan|workouts?|training|schedule|program|sessions)"
_WEEK = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?:whats|what is|what are)(?: my| the)?(?: " + _PLAN_WORDS + r")?(?: for| on)? "
        r"(?P<which>this|next) weeks?(?: " + _PLAN_WORDS + r")?",
        r"(?:what does|how does|whats|hows)(?: my| the)?(?: (?P<which>this|next))? week(?:s "
        + _PLAN_WORDS
        + r")? look(?:ing)?(?: like)?",
        r"(?:what do i have|what have i got|what am i doing|what are we doing|whats on|whats coming up|"
        r"what (?:workouts|sessions) do i have)(?: for| on)? (?P<which>this|next) week",
        r"(?P<which>this|next) weeks? " + _PLAN_WORDS,
        r"(?:(?:can|could) i see|show me|(?:can|could) you (?:send|show) me|send me)(?: my| the)?(?: "
        + _PLAN_WORDS
        + r")?(?: for)? (?P<which>this|next) weeks?(?: "
        + _PLAN_WORDS
        + r")?",
    )
)

# Not "plan" (the next plan is another question) nor "lift" (mid-session, "next lift" is the next exercise).
_NEXT_NOUN = r"(?:workout|session|training(?: session)?)"
_NEXT = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?:(?:whats|what is|whens|when is|when s)(?: my| the)? )?next " + _NEXT_NOUN,
        r"whats next(?: for me| on the plan)?",
        r"when (?:do|will|can|should) i (?:train|work out|workout|lift|go) (?:again|next)",
        r"when (?:do|will|can|should) i next (?:train|work out|workout|lift)",
    )
)

# Both days named: "move today to friday", "push my thursday session to sat", "can i do todays workout on
# sunday instead". Without a day to move from ("move my workout to friday") the LLM asks which.
_FROM = f"(?P<source>{DAY_WORDS})s?(?: {_SESSION})?"
_TO = f"(?:on )?(?P<target>{DAY_WORDS})(?: instead)?"
_MOVE_VERB = r"(?:move|push|shift|switch|reschedule|bump|change)"
_MOVE = tuple(
    re.compile(pattern)
    for pattern in (
        _ASK + _MOVE_VERB + r"(?: my| the)? " + _FROM + r" (?:to|till|until|til) " + _TO,
        _ASK + _MOVE_VERB + r"(?: my| the)? " + _SESSION + r" (?:on |for |from )?(?P<source>"
        f"{DAY_WORDS}) (?:to|till|until|til) " + _TO,
        r"(?:(?:can|could) i |i will |ill |id rather |i would rather |i want to |let me )?do(?: my)? "
        + _FROM
        + " "
        + _TO,
    )
)

# A day named right after the verb: "skip today", "can i skip tomorrows workout", "im skipping fri", "skip
# the session on friday". Not "skip lunges today" (an exercise: the LLM), nor a reason after it, nor "cancel
# the plan" (more than a day). A bare "skipping today" is a report, the log parser's: it logs the skip.
_WORKOUT_WORD = r"(?:workout|session|training|lift)"
_SKIP_VERB = (
    r"(?:(?:(?:can|could|may) i |ill |i will |i have to |i need to |i gotta |gotta |im gonna |"
    r"im going to |i want to |id like to |i would like to |lets |just |gonna )?(?:skip|miss|cancel)"
    r"|(?:im|i am|ill be|i will be) (?:skipping|missing))(?: my| the)? "
)
_SKIP = tuple(
    re.compile(pattern)
    for pattern in (
        _SKIP_VERB + f"(?P<source>{DAY_WORDS})s?(?: {_WORKOUT_WORD})?",
        _SKIP_VERB + _WORKOUT_WORD + f" (?:on |for )?(?P<source>{DAY_WORDS})",
    )
)
# "i cant train today", "cant make it tomorrow", "i wont be able to work out friday", "no time to train
# today", "not gonna make it to the gym today". A reason after it ("... im sick") is the LLM's.
_CANT = r"(?:i )?(?:cant|can not|cannot|wont be able to|will not be able to|wont|will not|am not able to)"
_GO = (
    r"(?:make it|train|work out|workout|lift|go|get to the gym|make the gym|make it to the gym|go to the gym"
    r"|do it|do (?:the |my )?" + _WORKOUT_WORD + r")"
)
_CANT_TRAIN = tuple(
    re.compile(pattern)
    for pattern in (
        _CANT + " " + _GO + f" (?P<source>{DAY_WORDS})",
        # "cant do today", "cant make tomorrows session"; not "cant do mondays" (a standing limit)
        _CANT + f" (?:do|make) (?P<source>{DAY_WORDS})(?:s? {_WORKOUT_WORD})?",
        r"(?:im |i am |i m )?not (?:going to|gonna) " + _GO + f" (?P<source>{DAY_WORDS})",
        r"(?:i have |ive got |i got )?no time(?: to train| to work out| for (?:the |my )?"
        + r"(?:gym|workout|training))? "
        + f"(?P<source>{DAY_WORDS})",
        f"(?:i )?(?:cant|cannot|can not) (?P<source>{DAY_WORDS})",
    )
)
# The reply to "move it or skip it?": "skip it", "just skip", or a day ("thursday", "move it to sat", "do it
# tomorrow instead").
_SKIP_ANSWER = re.compile(
    r"(?:yes |yeah |sure |fine )?(?:just )?skip(?: it| that| this one| the workout)?(?: then)?"
)
_MOVE_ANSWER = re.compile(
    r"(?:yes |yeah |sure )?(?:(?:move|push|shift|do) (?:it|that|the workout) )?(?:to |on )?"
    + f"(?P<target>{DAY_WORDS})(?: then| instead)?"
)
SKIP = "skip"


def reschedule_answer(text: str) -> WorkoutDay | str | None:
    """The reply to "move it or skip it?": the day to move it to, `SKIP`, or None for anything else (a
    question back, "thursday?", is no decision)."""
    if "?" in text:
        return None
    words = normalise(text)
    if _SKIP_ANSWER.fullmatch(words):
        return SKIP
    match = _MOVE_ANSWER.fullmatch(words)
    return workout_day(match.group("target")) if match else None


# Time for one day's workout: "i only have 30 min today", "ive only got 45 minutes", "i have 40 minutes
# tomorrow", "only 40 mins today", "make todays workout 30 min", "cut tomorrow to 40 minutes". Never what
# reads as a report ("30 min today", "i got 30 min today") or as time taken off ("cut 10 min"); a bare
# "only 30 min" needs its day (it may answer "how long did you train?"). No day means today.
_MINUTES = r"(?P<minutes>\d{1,3}) ?(?:min|mins|minutes|minute)"
_ON_DAY = f" (?:for |on )?(?P<day>{DAY_WORDS})"
_SHORTEN = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?:i )?(?:only|just) have (?:got )?" + _MINUTES + f"(?:{_ON_DAY})?",
        r"(?:i have|ive|i ve) (?:only|just) got " + _MINUTES + f"(?:{_ON_DAY})?",
        r"(?:i have|ive got|i have got) (?:only |just )?" + _MINUTES + _ON_DAY,
        r"(?:only|just) " + _MINUTES + _ON_DAY,
        r"(?:(?:can|could) you |can we |lets |please )?(?:make|keep)(?: my| the)? "
        f"(?:(?P<day>{DAY_WORDS})s? )?(?:{_WORKOUT_WORD} )?(?:to |under |at )?" + _MINUTES + r"(?: long)?",
        r"(?:(?:can|could) you |can we |lets |please )?(?:cut|shorten|trim)(?: my| the)? "
        f"(?:(?P<day>{DAY_WORDS})s? )?(?:{_WORKOUT_WORD} )?(?:to|down to|under) " + _MINUTES,
    )
)

_ACK_WORDS = frozenset(
    {
        "ok",
        "okay",
        "k",
        "kk",
        "okk",
        "thanks",
        "thank",
        "you",
        "thx",
        "ty",
        "tysm",
        "thankyou",
        "cheers",
        "cool",
        "great",
        "got",
        "it",
        "gotcha",
        "sounds",
        "good",
        "perfect",
        "will",
        "do",
        "nice",
        "awesome",
        "amazing",
        "sweet",
        "yep",
        "yup",
        "yes",
        "yeah",
        "sure",
        "alright",
        "roger",
        "noted",
        "love",
        "appreciate",
        "appreciated",
        "so",
        "much",
        "very",
        "lol",
        "haha",
    }
)
# Not ✅, 💪 or 🔥: after a workout text they usually mean "done", which the LLM can log.
_ACK_EMOJI = frozenset("👍👌🙏👏🙌😊🙂😀😁")


def acknowledgement(text: str) -> bool:
    """Only thanks and okays ("ok thanks!", "got it", "sounds good 👍"), or only a friendly emoji; never a
    question ("ok?")."""
    if "?" in text:
        return False
    words = re.findall(r"[a-z]+", re.sub(r"['‘’`´]", "", text.lower()))
    if words:
        return all(word in _ACK_WORDS for word in words) and not re.search(r"\d", text)
    symbols = {char for char in text if not char.isspace() and char not in "!.\ufe0f\u200d"}
    return bool(symbols) and symbols <= _ACK_EMOJI | {chr(0x1F3FB + n) for n in range(5)}  # skin tones


def classify(text: str) -> Intent | None:
    """The one thing a text asks for (see the module docstring), or None when it is anything else."""
    if acknowledgement(text):
        return Acknowledgement()
    words = normalise(text)
    if not words:
        return None
    if _OPT_OUT.fullmatch(words):
        return OptOut()
    if _PAUSE.fullmatch(words):
        return PausePlan()
    if _RESUME.fullmatch(words):
        return ResumePlan()
    if _RETURNING.fullmatch(words):
        return ResumePlan(returning=True)
    send_time = _first_fullmatch(_SEND_TIME, words)
    if send_time:
        return _send_time(send_time)
    asked_day = _first_fullmatch(_WORKOUT_DAY, words)
    if asked_day:
        return workout_day(asked_day.group("day"))
    week = _first_fullmatch(_WEEK, words)
    if week:
        return WeekView(1 if week.group("which") == "next" else 0)
    if _first_fullmatch(_NEXT, words):
        return NextWorkout()
    move = _first_fullmatch(_MOVE, words)
    if move:
        return MoveWorkout(workout_day(move.group("source")), workout_day(move.group("target")))
    skip = _first_fullmatch(_SKIP, words)
    if skip:
        return SkipWorkout(workout_day(skip.group("source")))
    cant = _first_fullmatch(_CANT_TRAIN, words)
    if cant:
        return CantTrain(workout_day(cant.group("source")))
    shorten = _first_fullmatch(_SHORTEN, words)
    if shorten:
        return ShortenWorkout(workout_day(shorten.group("day") or ""), int(shorten.group("minutes")))
    return None


def _first_fullmatch(patterns: tuple[re.Pattern[str], ...], words: str) -> re.Match[str] | None:
    return next((match for pattern in patterns if (match := pattern.fullmatch(words))), None)


def _send_time(match: re.Match[str]) -> SendTime:
    if match.group("noon"):
        return SendTime(12, 0, "pm")
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    meridiem: Meridiem | None = None
    if match.group("meridiem"):
        meridiem = "am" if match.group("meridiem").startswith("a") else "pm"
    elif match.group("part"):
        meridiem = "am" if match.group("part") == "morning" else "pm"
    valid_hour = 1 <= hour <= 12 if meridiem else 0 <= hour <= 23
    if not valid_hour or minute > 59:
        return SendTime(None)
    return SendTime(hour, minute, meridiem)


def workout_day(day: str) -> WorkoutDay:
    """The day a day word names ("today", "tmrw", "fri"); no word means today ("what's my workout")."""
    if not day:  # "what's my workout": today's
        return WorkoutDay(0)
    if day in _WEEKDAYS:
        return WorkoutDay(weekday=_WEEKDAYS[day])
    return WorkoutDay(_DAY_NAMES[day])


# "and thursday", "what about fri"; a bare day word only with a question mark. Not "how about friday": right
# after a workout is shown, that more often asks to do it on Friday instead.
_FOLLOW_UP_DAY = re.compile(
    r"(?P<lead>(?:and|and what about|what about|and on|and for)(?: on| for)? )?" + _DAY + "s?"
)


def follow_up_day(text: str) -> WorkoutDay | None:
    """Another day asked about right after the coach showed one ("and thursday?"). A bare "friday" counts
    only as a question ("friday?"): without the question mark it may answer something else."""
    match = _FOLLOW_UP_DAY.fullmatch(normalise(text))
    if match is None or not (match.group("lead") or "?" in text):
        return None
    return workout_day(match.group("day"))


def _distance(a: time, b: time) -> int:
    """Minutes between two times of day, around the clock."""
    minutes = abs((a.hour * 60 + a.minute) - (b.hour * 60 + b.minute))
    return min(minutes, 24 * 60 - minutes)
