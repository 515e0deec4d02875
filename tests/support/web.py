"""The inbox over Flask's test client: logging in, the CSRF token of a form, and a
copy of a document kept for another agency."""

import re

from edoc.storage.models import Direction, Document
from fixtures.agencies import HA_NOI, VPCP
from tests.support.nodes import PASSWORD


def csrf_of(html: str) -> str:
    """The CSRF token of the form on ``html``."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def logged_in(app, username: str = "vanthu", password: str = PASSWORD):
    """A test client of ``app`` after the login form, and the login's answer."""
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return client, answer


def copy_of(node, document_pk: int, **fields) -> tuple[int, int]:
    """A copy of a stored document with its main file, by default kept for another agency
    (Hà Nội) in the same database; ``fields`` of the copy changed: (document, attachment)."""
    from edoc.storage.models import Attachment

    with node.sessions() as session:
        mine = session.get(Document, document_pk)
        main = mine.attachments[0]
        values = {
            "owner_organ_id": HA_NOI.organ_id, "direction": Direction.RECEIVED,
            "document_id": "foreign", "sender_organ_id": VPCP.organ_id,
            "envelope_sha256": mine.envelope_sha256, "subject": "Thư riêng của Hà Nội", **fields,
        }  # fmt: skip
        copy = Document(
            **values,
            attachments=[Attachment(content_id="main", name=main.name,
                                    content_type=main.content_type, sha256=main.sha256)],
        )  # fmt: skip
        session.add(copy)
        session.commit()
        return copy.id, copy.attachments[0].id
