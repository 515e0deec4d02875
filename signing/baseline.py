"""The PAdES baseline levels (ETSI EN 319 142-1 §6): the ones edoc signs at, and the ones
a verification finds a signature reaches."""

import enum


class Level(enum.StrEnum):
    """A PAdES baseline level, or NOT_PADES for a signature that reaches none (a legacy
    SubFilter, or a CMS without what B-B requires)."""

    NOT_PADES = "NOT_PADES"
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


#: The levels edoc signs at; B-LTA (a document timestamp over the validation data) is only
#: ever found by verification.
SIGNED_LEVELS = (Level.B_B, Level.B_T, Level.B_LT)
