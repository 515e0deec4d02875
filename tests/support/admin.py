"""The admin pages over Flask's test client: an inbox with an admin, forms posted with
their CSRF token."""

import pytest
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.storage.models import User, UserRole
from fixtures.agencies import VPCP
from tests.support.nodes import PASSWORD
from tests.support.web import csrf_of
from web.app import create_node_app


@pytest.fixture
def admin_app(office):
    """The Government Office's inbox with an admin (quantri) beside its clerk (vanthu)."""
    add_user(office.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản Trị")
    return create_node_app(office, "hub-token", "secret-for-tests"), office


def submit(client, action: str, **form):
    """Post ``form`` (fields and files) to ``action`` with the session's CSRF token; the page
    it leads to."""
    token = csrf_of(client.get("/").get_data(as_text=True))
    return client.post(
        action, data={"csrf_token": token, **form}, content_type="multipart/form-data",
        follow_redirects=True,
    )  # fmt: skip


def page_text(answer) -> str:
    """The text of an answer's page."""
    return answer.get_data(as_text=True)


def user_named(node, username: str) -> User:
    """The node's user ``username``, as stored."""
    with node.sessions() as session:
        return session.scalar(select(User).where(User.username == username))
