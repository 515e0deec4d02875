"""Who may use which route of a node's inbox for which agency's things: the matrix of
:mod:`tests.security_web.matrix`, every role (and nobody) against every route."""

import pytest

from edoc.storage.models import (
    UserRole,
)
from tests.security_web.matrix import (
    PUBLIC,
    ROUTES,
    THINGS,
    TOKEN,
    USERNAMES,
    Route,
    post_form,
)
from tests.support.nodes import PASSWORD
from tests.support.web import logged_in


def _agencies(route: Route) -> tuple[str, ...]:
    return ("own", "other") if any(f"{{{t}}}" in route.path for t in THINGS) else ("own",)


def _case(who: UserRole | None, key: tuple[str, str], agency: str):
    name = who.value if who else "anonymous"
    return pytest.param(who, key, agency, id=f"{name}-{key[1]} {ROUTES[key].path}-{agency}")


CASES = [
    _case(who, key, agency)
    for key, route in ROUTES.items()
    for who in (None, *UserRole)
    for agency in _agencies(route)
]


def _expected(route: Route, who: UserRole | None, agency: str) -> int | str:
    """What ``who`` gets: the login page, 401, 403 for a role the route is not for, 404 for
    another agency's thing (whether it exists or not), else the route's answer."""
    if route.who == TOKEN:
        return 401
    if route.who != PUBLIC and who is None:
        return "login"
    if route.who != PUBLIC and who not in route.who:
        return 403
    return 404 if agency == "other" else route.status


def test_the_matrix_names_every_route_of_the_app(world):
    served = {
        (rule.endpoint, method)
        for rule in world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == set(ROUTES)


@pytest.mark.parametrize(("who", "key", "agency"), CASES)
def test_who_may_use_which_route_for_which_agency(world, who, key, agency):
    route = ROUTES[key]
    endpoint, method = key
    path = route.path.format(**(world.own if agency == "own" else world.other))
    client = world.client(who)
    form = route.form
    if endpoint == "auth.logout" and who is not None:
        client = logged_in(world.app, USERNAMES[who])[0]  # its session ends: not the module's
    if endpoint == "auth.login":
        form = {"username": USERNAMES.get(who, "vanthu"), "password": PASSWORD}
    answer = client.get(path) if method == "GET" else post_form(client, path, form)
    expected = _expected(route, who, agency)
    if expected == "login":
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    else:
        assert answer.status_code == expected, answer.get_data(as_text=True)[:500]
