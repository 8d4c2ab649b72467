"""The deterministic parser for workout logs texted by a trainee.

`parse_log` turns a text such as "did it, squats 100kg 5x5 @8" into numbers the coach can compute with. It
never guesses: whatever it does not fully understand is returned verbatim (trimmed) in `unparsed`, so the
agent (or a human) can deal with it, and it never raises on any input.

Rules, applied the same way everywhere:

Clauses
  The text is split into clauses on newlines, semicolons, commas (except a comma between two digits, which
  is a decimal comma: "rpe 7,5") and sentence ends (. ! ? followed by a space). Each clause is understood
  as a whole or goes to `unparsed` as a whole. Clauses longer than 200 characters are never parsed.
  Apostrophes are dropped ("didn't" = "didnt"); emoji and other pictographs are decoration and ignored,
  but a clause with nothing else in it is unparsed.

Kinds of clause (first match wins)
  completion   only completion words plus filler: "did it", "done", "all done", "finished", "workout
               complete" -> done; "skipped today", "missed it", "didn't go" -> skipped.
  session RPE  "session rpe 7", "overall rpe 8/10", "srpe 6".
  soreness     has "sore", "soreness" or "doms"; body parts from a fixed list plus a level 1-5 written
               "3/5", "4 out of 5" or "3": "legs sore 3/5", "quads are sore 4 out of 5". No body part means
               "overall". Other scales ("3/10") are unparsed rather than rescaled.
  set          exactly one movement from the MovementIndex plus set grammar (below).
  note         a general remark made only of feel words: "felt great", "tough session".

Movements
  Matched exactly on normalised tokens: lowercase, punctuation and hyphens ignored, plurals folded
  ("squats" = "squat"), spaces between tokens ignored ("pull-ups" = "pullups"), and the abbreviations
  bb/db/kb/ohp/rdl/sldl/dl expanded. The longest library name or alias wins. A word in front of it is
  accepted only if that movement's own name or aliases use the word, or it names the movement's implement
  (barbell, dumbbell, kettlebell, cable, machine, band): "high bar back squat" -> the back squat, but
  "front squat" never becomes the back squat and "db pullups" is not a pull-up. A phrase that normalises
  to two different movements, or two movements in one clause, makes the clause unparsed.

Set grammar (numbers in the movement's clause, in any order)
  W kg / W lb        an explicit weight (kg, kgs, kilo(s), lb, lbs, pound(s)).
  @ N / at N         RPE when N <= 10 and has no unit ("@8", "@ 7.5"), otherwise a weight ("@ 60kg", "@60").
  rpe N, N rpe, @ rpe N, rir N, N rir.
  N reps, N sets, N sets of M, for N (reps).
  A x B x C          weight x reps x sets ("185x5x3"); only the first number may carry a unit.
  A x B              weight x reps when A carries a unit ("100kg x 5") or is a decimal ("12.5x10");
                     sets x reps when a weight is given elsewhere ("3x8 @ 60kg", "100kg 5x5") or the set is
                     marked bodyweight ("bw"); otherwise sets x reps when A <= 10 ("pullups 3x8", no weight),
                     weight x reps when A >= 20 ("squat 100x5"), and unparsed for 11-19 (either is plausible).
  a lone number      the weight when reps are known ("deadlift 140 5 reps"), the reps when a weight is
                     known ("squat 100kg 5"); otherwise unparsed.
  feel               "felt easy", "felt very heavy", or a bare feel word ("easy", "grindy").
  Weights without a unit are in the trainee's units. Sets default to 1; reps are required. Limits (else
  unparsed): reps 1-100 whole, sets 1-20 whole, weight above 0 and at most 1000 kg-equivalent, RPE 1-10 in
  half steps, RIR 0-10 whole. Any word the grammar does not know makes the clause unparsed.

Modules: `tokens` (a clause as tokens), `movements` (MovementIndex), `clauses` (splitting and the clauses
that are not sets), `sets` (the set grammar and its limits), `volume` (what a set's numbers mean),
`results` (what is returned) and `parser` (`parse_log`, which ties them together).
"""

from coach.training.log_parsing.movements import KnownMovement, MovementIndex, MovementMatch
from coach.training.log_parsing.parser import MAX_CLAUSE_CHARS, MAX_TEXT_CHARS, parse_log
from coach.training.log_parsing.results import Completion, ParsedLog, SetEntry, SorenessEntry
from coach.training.log_parsing.sets import MAX_LOGGED_REPS, MAX_SETS

__all__ = [
    "MAX_CLAUSE_CHARS",
    "MAX_LOGGED_REPS",
    "MAX_SETS",
    "MAX_TEXT_CHARS",
    "Completion",
    "KnownMovement",
    "MovementIndex",
    "MovementMatch",
    "ParsedLog",
    "SetEntry",
    "SorenessEntry",
    "parse_log",
]
