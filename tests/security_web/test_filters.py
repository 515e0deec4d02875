"""The inbox's and the audit's filters stay filters, whatever is typed into them."""

from urllib.parse import quote, unquote

import pytest
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.exchange.receive import receive_envelope
from edoc.storage.models import (
    Document,
)
from fixtures.agencies import VPCP
from tests.security_web.matrix import (
    AUDITOR,
    CLERK,
)
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import copy_of, logged_in
from web.app import create_node_app

#: What people (or scripts) type into a filter to get more than it gives.
TYPED = ["' OR 1=1 --", "%", "_", "\\", "'", '"', '1" OR "1"="1', "%' --", "a" * 10_000,
         "Ω' UNION SELECT password_hash FROM users --"]  # fmt: skip
#: The same in a query string, and bytes that are no UTF-8 at all.
QUERIES = [quote(text, safe="") for text in TYPED] + ["%ff%fe", "%C0%AE%C0%AE"]
INBOX_FILTERS = ("q", "status", "sender", "since", "until", "urgent", "compliant", "sort", "page")
AUDIT_FILTERS = ("period", "start", "end", "direction")


@pytest.fixture
def filtered(new_database, tmp_path, pki, envelope):
    """An inbox on each database with two letters of its own, one of them urgent and one
    with a % in its subject, and one kept for Hà Nội; a clerk and an auditor."""
    with agency_node(new_database("filters"), tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, CLERK, "Văn thư")
        add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, AUDITOR, "Kiểm toán")
        letter = receive_envelope(node, envelope).document_pk
        copy_of(node, letter, owner_organ_id=VPCP.organ_id, document_id="percent",
                subject="Tỷ lệ ký số đạt 100%")  # fmt: skip
        copy_of(node, letter)
        with node.sessions() as session:
            own = session.scalars(select(Document).where(Document.owner_organ_id == VPCP.organ_id))
            fields = [(d.subject, d.number, d.notation) for d in own]
        yield create_node_app(node, "hub-token", "secret-for-tests"), fields


def _honest(name: str, text: str, fields: list[tuple[str, str, str]]) -> int:
    """How many of the inbox's letters a filter gives for ``text`` taken as typed."""
    text = text.strip()
    if name == "q":
        return sum(any(text.lower() in f.lower() for f in letter) for letter in fields)
    if name in ("status", "sender"):
        return 0  # no letter has such a status or sender
    if name == "urgent":
        return 1
    return len(fields)  # no date, no yes/no, no known order, no page number: not a filter


def _listed(client, url: str, row: str = "document") -> tuple[int, int]:
    """The status of ``url`` and how many rows (of class ``row``) its page lists."""
    answer = client.get(url)
    return answer.status_code, answer.get_data(as_text=True).count(f'class="{row}"')


def test_filters_give_what_they_say_whatever_is_typed(filtered):
    app, fields = filtered
    clerk, _ = logged_in(app)
    auditor, _ = logged_in(app, "kiemtoan")
    wrong = []
    for name in INBOX_FILTERS:
        for query in QUERIES:
            honest = (200, _honest(name, unquote(query, errors="replace"), fields))
            if (got := _listed(clerk, f"/?{name}={query}")) != honest:
                wrong.append((name, query[:40], got, honest))
        if (got := _listed(clerk, f"/?{name}=a%00b")) != (400, 0):
            wrong.append((name, "NUL", got))
    for page, honest in (("99999999999999999999", (200, 0)), ("-5", (200, len(fields)))):
        if (got := _listed(clerk, f"/?page={page}")) != honest:  # past the end: none
            wrong.append(("page", page, got, honest))
    _, listed = _listed(auditor, "/audit/documents?figure=total", "listed")
    for name in (*AUDIT_FILTERS, "figure", "label"):
        for query in (*QUERIES, "a%00b"):
            page, _ = _listed(auditor, f"/audit?{name}={query}")
            got = _listed(auditor, f"/audit/documents?figure=total&{name}={query}", "listed")
            if page not in (200, 400) or got[0] not in (200, 400) or got[1] > listed:
                wrong.append((name, query[:40], page, got, listed))
    assert wrong == []
    assert listed == 1  # the letter received (the copies made in the database are not audited)
