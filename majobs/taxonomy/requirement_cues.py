"""The English of requirements: cue phrases and section headings, as data.

A cue says how strongly a posting asks for a certification: REQUIRED ("must",
"required", "within 30 days of hire"), PREFERRED ("preferred", "a plus", "nice to
have") or NEITHER ("not required", "we pay for your exam", "tuition assistance").
A heading ("Preferred Qualifications:", "Benefits") sets the default for the lines
below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["required", "preferred", "neither"]
REQUIRED: Kind = "required"
PREFERRED: Kind = "preferred"
NEITHER: Kind = "neither"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Cue:
    kind: Kind
    pattern: str
    far: bool = True  # binds a certification anywhere later in the clause (else only adjacent)


# Longer cues win over the shorter ones they contain ("not required" over "required").
CUES: tuple[Cue, ...] = (
    Cue(PREFERRED, r"preferred,?\s+(?:but|though)\s+not\s+(?:required|necessary|mandatory)"
                   r"|not\s+(?:required|necessary|mandatory),?\s+(?:but|though)\s+"
                   r"(?:is\s+)?(?:strongly\s+|highly\s+)?(?:preferred|desired|a\s+plus)"
                   r"|preferred,?\s+not\s+required"),
    Cue(NEITHER, r"not\s+(?:required|necessary|needed|mandatory|a\s+requirement)"
                 r"|no\s+(?:\w+\s+){0,2}(?:required|necessary|needed)|optional"),
    Cue(NEITHER, r"(?:we\s+)?(?:will\s+)?(?:pay|paid|pays)\s+for|reimburs\w*|tuition|exam\s+fees?"
                 r"|sponsor\w*|assistance|help\s+you\s+(?:get|obtain|earn|become)"
                 r"|we\s+(?:offer|provide|cover)|cover(?:s|ed)?\s+(?:the\s+)?(?:cost|fee)"
                 r"|free\s+(?:\w+\s+)?(?:training|class|course|exam)|prepar\w+\s+(?:you\s+)?for"
                 r"|opportunit(?:y|ies)\s+to\s+(?:earn|obtain|get|become)|path(?:way)?\s+to"
                 r"|career\s+ladder|differential|incentive|bonus\s+for|additional\s+pay"
                 r"|earn\s+your|upon\s+(?:passing|completion)|classes|course\s+work"),
    Cue(PREFERRED, r"(?:strongly\s+|highly\s+)?prefer(?:red|ably|ence)?"
                   r"|(?:is\s+|would\s+be\s+)?an?\s+(?:big\s+|huge\s+|definite\s+|strong\s+)?plus"
                   r"|\(\s*plus\s*\)|(?:highly\s+)?desir(?:ed|able)|nice[\s-]to[\s-]have"
                   r"|ideal(?:ly)?"),
    Cue(PREFERRED, r"(?:an?\s+)?(?:advantage|advantageous|asset)|bonus"
                   r"|(?:are\s+|is\s+)?(?:welcome[ds]?|encouraged)", far=False),
    Cue(REQUIRED, r"required|requires?|requirements?|mandatory|must(?:\s+have)?|a\s+must"
                  r"|needs?\s+to|needed|necessary|essential|minimum|at\s+least"
                  r"|should\s+(?:have|possess|hold)|will\s+need|expected\s+to"
                  r"|obtain(?:ed)?\s+(?:within|by|prior|before|upon)"
                  r"|within\s+(?:\d+|one|two|three|six|thirty|sixty|ninety)\s+"
                  r"(?:days?|weeks?|months?|years?)|(?:upon|prior\s+to|before|at\s+(?:the\s+)?time\s+of)"
                  r"\s+(?:hire|start|employment)"),
    Cue(REQUIRED, r"current(?:ly)?|valid|active|maintain(?:s|ed)?|hold(?:s)?|possess(?:es)?",
        far=False),
)

# Words that may stand between a certification and a cue that follows it ("CMA or
# RMA certification through AAMA/AMT required") without breaking the link.
FILLER = _wordset("""
or and either both as well is are be must also very strongly highly a an the one of from
through by with in at for e g i eg ie such including certification certifications certified
certificate certificates certify credential credentials credentialing credentialed license
licenses licensure licensed card registration registered registry status program
accredited national nationally recognized approved equivalent eligible
eligibility american heart association red cross aha arc nha aama amt ncct amca jcahpo
healthcare provider providers level medical assistant assistants ma mas state wa
""")

_HEADING_NEUTRAL_STRONG = (
    r"benefit|perk|we\s+offer|compensation|salary|wage|\bpay\b|sign[\s-]?on|incentive"
    r"|responsib|duties|\bduty\b|essential\s+(?:job\s+)?functions|what\s+you(?:'ll|\s+will)\s+do"
    r"|day\s+in\s+the\s+life|about\s+(?:us|the|our)|equal\s+(?:employment\s+)?opportunit|\beeo"
    r"|physical|work(?:ing)?\s+(?:environment|conditions)|schedule|\bshifts?\b|\bhours\b"
    r"|why\s+(?:join|work)|who\s+we\s+are|our\s+(?:team|company|mission|culture|values)"
)
_HEADING_PREFERRED = (
    r"prefer|nice[\s-]to[\s-]haves?|desir|bonus|pluses|\ba\s+plus\b|ideal|advantage"
    r"|not\s+required|optional|extra\s+credit"
)
_HEADING_REQUIRED = (
    r"require|qualif|\bmust\b|minimum|certif|licens|credential|education|experience|skills"
    r"|what\s+you(?:'ll|\s+will)?\s+(?:need|bring|have)|who\s+you\s+are|looking\s+for"
    r"|eligib|competenc|knowledge|abilities|you\s+have"
)
_HEADING_NEUTRAL_WEAK = (
    r"\bjob\b|position|description|summary|overview|\bthe\s+role\b|location|\bapply\b"
    r"|contact|department|company|\bteam\b|training"
)

HEADINGS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(_HEADING_NEUTRAL_STRONG, re.I), NEITHER),
    (re.compile(_HEADING_PREFERRED, re.I), PREFERRED),
    (re.compile(_HEADING_REQUIRED, re.I), REQUIRED),
    (re.compile(_HEADING_NEUTRAL_WEAK, re.I), NEITHER),
)


def heading_kind(label: str) -> Kind | None:
    """What a heading or an inline label ("Preferred Qualifications") announces."""
    for pattern, kind in HEADINGS:
        if pattern.search(label):
            return kind
    return None


def compile_cues() -> re.Pattern[str]:
    """One regex; group i+1 is CUES[i]. Alternation order makes longer cues win."""
    parts = [f"({cue.pattern})" for cue in CUES]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


# A line made only of these words is a heading even without a colon ("Required
# Qualifications", "Licenses/Certifications", "What you'll bring"); a content line such
# as "Excellent communication skills" has other words and is not.
HEADING_WORDS = _wordset("""
required requirements requirement preferred preference preferences minimum basic additional
desired desirable optional job position role qualifications qualification skills skill
education experience certification certifications certificate certificates license licenses
licensure licensing credentials credential registration benefits benefit responsibilities
responsibility duties duty essential functions function knowledge abilities ability
competencies eligibility and or of the our your you we what who will ll bring need needs have
has nice to haves bonus points plus pluses must offer perks compensation pay salary schedule
physical demands work working environment conditions summary overview description about us is
are looking for key core do special other training ideal candidate
""")
