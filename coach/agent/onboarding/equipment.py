"""Where the trainee trains and with what ("full gym", "home with dumbbells", "bodyweight only", "bands").

Values are the movement library's EQUIPMENT names. "bodyweight" means no equipment and stands alone:
it is dropped as soon as anything else is named ("bodyweight and bands" -> bands).
"""

from __future__ import annotations

from coach.agent.onboarding.matching import Found, negated, phrases, scan
from coach.movements.library import EQUIPMENT

BODYWEIGHT = "bodyweight"
FULL_GYM = frozenset(EQUIPMENT - {BODYWEIGHT})
HOME_GYM = frozenset({"barbell", "rack", "bench", "dumbbell", "pullup_bar"})
SMALL_GYM = frozenset({"dumbbell", "bench", "machine", "treadmill", "bike"})
# Somewhere with no equipment named: bodyweight, unless the same text names equipment.
_SOMEWHERE = frozenset({"somewhere"})
_NOTHING = frozenset({BODYWEIGHT})

_KIT = phrases(
    [
        (
            r"(?:(?:full|fully equipped|commercial|big|public|regular|normal|proper|real|local|decent|"
            r"nearby|university|uni|college|school|corporate) )?gyms?|gym membership|"
            r"planet fitness|la fitness|24 ?hour fitness|anytime fitness|equinox|"
            r"gold'?s gym|ymca|the y|crossfit(?: box| gym)?|fitness (?:center|centre|club)|health club|"
            r"leisure cent(?:er|re)|rec cent(?:er|re)",
            FULL_GYM,
        ),
        (r"(?:home|garage|basement|shed) gym|gym at home|gym in (?:my|the) (?:garage|basement)", HOME_GYM),
        (
            r"(?:hotel|apartment|building|condo|office|work) gym|gym (?:in|at) (?:my|the|our) (?:building|"
            r"apartment|complex|condo|office|work|hotel)|gym at work",
            SMALL_GYM,
        ),
        (
            r"no gym|no equipment|no gear|no weights|nothing at home|body ?weight(?: only)?|calisthenics|"
            r"just my body|my own body ?weight|(?:don't|dont|do not) have (?:a gym|any equipment|"
            r"equipment|any weights|weights|anything)|no access to (?:a gym|equipment|weights)|"
            r"zero equipment",
            _NOTHING,
        ),
        (
            r"dumb ?bells?|dbs?|adjustable weights|free weights|(?:have|got|with|own|some|a few|a pair of)"
            r" (?:some |a few |a pair of |a couple of )?(?:hand )?weights|weights at home|hand weights",
            frozenset({"dumbbell"}),
        ),
        (r"kettle ?bells?|kbs?", frozenset({"kettlebell"})),
        (r"bar ?bells?|olympic bar|weight plates|plates", frozenset({"barbell"})),
        (r"(?:squat|power|half) racks?|squat stands?|racks?|cage", frozenset({"rack", "barbell"})),
        (r"(?:weight |flat |adjustable |incline )?bench", frozenset({"bench"})),
        (
            r"(?:resistance |exercise |loop |mini |long |pull ?-?up )?bands?|therabands?|tubes",
            frozenset({"bands"}),
        ),
        (
            r"pull ?-?up bars?|chin ?-?up bars?|door(?:way|frame)? bars?|pull ?-?up station|"
            r"pull ?-?up rig|rig",
            frozenset({"pullup_bar"}),
        ),
        (r"cables?(?: machines?| station| stack| column)?|functional trainer", frozenset({"cable"})),
        (r"machines|weight machines?|smith machine|leg press", frozenset({"machine"})),
        (r"row(?:ing)? machine|rower|concept ?2|erg", frozenset({"rower"})),
        (r"(?:exercise |stationary |spin |assault |air |echo )?bike|peloton|spin bike", frozenset({"bike"})),
        (r"treadmill|tread", frozenset({"treadmill"})),
        (r"jump ?rope|skipping rope|skip rope", frozenset({"jump_rope"})),
        (r"plyo ?box|(?:jump|step) box|box", frozenset({"box"})),
        (r"med(?:icine)? ?balls?|slam ?balls?|wall ?balls?", frozenset({"medicine_ball"})),
        (r"dip (?:station|bars?|stand)|parallel bars|parallettes", frozenset({"dip_station"})),
        (
            r"(?:at )?home|house|apartment|flat|living room|bedroom|garage|backyard|yard|outside|"
            r"outdoors|park|hotel(?: room)?|travel\w*|on the road",
            _SOMEWHERE,
        ),
    ]
)


def find_equipment(folded: str) -> Found[tuple[str, ...]] | None:
    """The equipment the trainee can use, sorted; ("bodyweight",) when they train with none."""
    kit: set[str] = set()
    spans = []
    for hit in scan(_KIT, folded):
        if hit.value is not _NOTHING and hit.value is not _SOMEWHERE and negated(folded, hit.start):
            continue
        kit |= hit.value
        spans.append(hit.span)
    if not spans:
        return None
    kit -= _SOMEWHERE
    named = kit - {BODYWEIGHT}
    return Found(tuple(sorted(named)) if named else (BODYWEIGHT,), tuple(spans))


def normalise_equipment(items: list[str] | tuple[str, ...]) -> tuple[str, ...] | None:
    """Known equipment only, bodyweight alone when nothing else; None when nothing known is left."""
    known = {item for item in items if item in EQUIPMENT}
    if not known:
        return None
    named = known - {BODYWEIGHT}
    return tuple(sorted(named)) if named else (BODYWEIGHT,)
