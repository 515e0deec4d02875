"""The PAdES baseline levels (ETSI EN 319 142-1 §6): the ones edoc signs at, and the ones
a verification finds a signature reaches."""

import enum


class Level(enum.StrEnum):
    """PAdES baseline levels edoc signs at."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
