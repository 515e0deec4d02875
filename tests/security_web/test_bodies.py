"""Bodies and files of the wrong kind are refused clearly, in both languages or on the
page the person was on."""

import io

import pytest
from sqlalchemy import select

from edoc.exchange.transport import PATH
from edoc.storage.models import (
    Draft,
)
from fixtures.agencies import HA_NOI, VPCP
from tests.security_web.matrix import (
    CLERK,
    post_form,
)
from tests.support.web import csrf_of, logged_in


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"document": 1}', "application/json", 415),
        (b"document=1&x=2", "application/x-www-form-urlencoded", 415),
        (b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
         "multipart/form-data; boundary=x", 415),
        (b"edXML", "text/plain", 415),
        (b"", "application/xml", 422),
        (b"", None, 422),
        (b"this is no XML", "application/xml", 422),
        (b"<?xml version='1.0'?><html><script/></html>", "text/xml", 422),
        (b"\xff\xfe\x00<\x00e\x00", None, 422),
        (b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'/>", "application/xml", 422),
    ],
    ids=["json", "form", "multipart", "text", "empty", "empty-untyped", "not-xml", "html",
         "utf-16-garbage", "empty-envelope"],
)  # fmt: skip
def test_the_node_api_refuses_what_is_no_envelope_clearly_in_both_languages(
    world, body, content_type, status
):
    headers = {"Authorization": "Bearer hub-token"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = world.app.test_client().post(PATH, data=body, headers=headers)
    assert answer.status_code == status and answer.is_json
    vi, en = answer.get_json()["error"]["message_vi"], answer.get_json()["error"]["message_en"]
    assert vi and en and vi != en
    del headers["Authorization"]  # without its token, it is not even looked at
    assert world.app.test_client().post(PATH, data=body, headers=headers).status_code == 401


def _flashed(client, answer) -> str:
    """The message the page ``answer`` leads to shows."""
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def test_a_file_that_is_no_pdf_where_a_pdf_is_needed_is_said_on_the_page(world):
    from fixtures.images import seal_image as png

    clerk = world.client(CLERK)
    letter = {"number": "90", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Ảnh",
              "to": [HA_NOI.organ_id]}  # fmt: skip
    image = png(VPCP)
    made = post_form(clerk, "/compose", {**letter, "pdf": (io.BytesIO(image), "con-dau.pdf")})
    assert "«con-dau.pdf» không phải tệp PDF" in _flashed(clerk, made)
    broken = post_form(clerk, "/compose", {**letter, "pdf": (io.BytesIO(b"%PDF-1.7 no"), "x.pdf")})
    told = _flashed(clerk, broken)
    assert "Không đọc được tệp PDF: tệp bị hỏng" in told  # in words: no reader's exception
    assert "&lt;bytes&gt;" not in told and "malformed" not in told
    replaced = post_form(clerk, f"/drafts/{world.open_draft}/pdf",
                     {"seen": world.seen, "pdf": (io.BytesIO(image), "da-ky.pdf")})  # fmt: skip
    assert "Tệp tải lên không phải PDF" in _flashed(clerk, replaced)
    checked = post_form(clerk, "/verify", {"pdf": (io.BytesIO(b"%PDF-1.7 no"), "x.pdf")})
    assert checked.status_code == 422 and "Không đọc được tệp PDF" in checked.get_data(as_text=True)
    assert "&lt;bytes&gt;" not in checked.get_data(as_text=True)


def test_a_form_upload_over_the_limit_is_said_on_the_page(inbox):
    app, node, _ = inbox
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    clerk, _ = logged_in(app)
    big = {"number": "91", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Lớn",
           "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(b"%PDF" + b"0" * 20_000), "lon.pdf"),
           "csrf_token": csrf_of(clerk.get("/compose").get_data(as_text=True))}  # fmt: skip
    back = {"Referer": "http://localhost/compose"}
    answer = clerk.post("/compose", data=big, content_type="multipart/form-data", headers=back)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/compose")
    assert "Tệp tải lên quá" in clerk.get("/compose").get_data(as_text=True)
    with node.sessions() as session:
        assert session.scalars(select(Draft)).all() == []
