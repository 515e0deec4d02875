"""Each agency's inbox keeps its session in a cookie of its own name, ``edoc-<organ id>``.

Browsers keep cookies per host, not per port: inboxes of several agencies on one host (the
demo, a test bed, a shared reverse proxy) all receive each other's cookies. With one name
for all, logging in to one agency's inbox would overwrite, and so end, the session of the
other; with a name per agency each keeps its own, and an inbox can tell that the browser is
at work in another agency's inbox.
"""

import re
from collections.abc import Iterable

PREFIX = "edoc-"


def session_cookie_name(organ_id: str) -> str:
    """The name of the session cookie of agency ``organ_id``'s inbox (what a cookie name
    cannot hold replaced by ``_``)."""
    return PREFIX + re.sub(r"[^A-Za-z0-9._-]", "_", organ_id)


def other_agencies(cookie_names: Iterable[str], own: str) -> list[str]:
    """The agencies (their ids, as in the cookies' names) whose inbox sessions the browser
    sent with this request, besides the inbox's own cookie ``own``."""
    return sorted(
        name.removeprefix(PREFIX)
        for name in cookie_names
        if name.startswith(PREFIX) and name != own
    )
