"""Each agency's inbox keeps its session in a cookie of its own name, ``edoc-<organ id>``.

Browsers keep cookies per host, not per port: inboxes of several agencies on one host (the
demo, a test bed, a shared reverse proxy) all receive each other's cookies. With one name
for all, logging in to one agency's inbox would overwrite, and so end, the session of the
other; with a name per agency each keeps its own. A session cookie alone does not say that
someone is logged in (the login page's form token is kept in it too), so a login also sets
``edoc-in-<organ id>``, which logging out removes: by it an inbox can tell that the browser
is at work in another agency's inbox.
"""

import re
from collections.abc import Iterable

PREFIX = "edoc-"
LOGGED_IN = "edoc-in-"


def _safe(organ_id: str) -> str:
    """``organ_id`` with what a cookie name cannot hold replaced by ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", organ_id)


def session_cookie_name(organ_id: str) -> str:
    """The name of the session cookie of agency ``organ_id``'s inbox."""
    return PREFIX + _safe(organ_id)


def logged_in_cookie_name(organ_id: str) -> str:
    """The name of the cookie saying that someone is logged in to ``organ_id``'s inbox."""
    return LOGGED_IN + _safe(organ_id)


def other_agencies(cookie_names: Iterable[str], own_organ_id: str) -> list[str]:
    """The agencies (their ids, as in the cookies' names) whose inboxes the browser is
    logged in to, as the cookies sent with this request say, besides ``own_organ_id``'s."""
    own = logged_in_cookie_name(own_organ_id)
    return sorted(
        name.removeprefix(LOGGED_IN)
        for name in cookie_names
        if name.startswith(LOGGED_IN) and name != own
    )
