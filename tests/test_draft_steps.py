"""A draft is signed in the order of Nghị định 30, and its page says so: the leader's form
while nobody signed, the seal once the leader signed, sending once the agency signed; a form
goes once its signature is there; a step out of order is refused with the rule in words
(Vietnamese and English), and a wrong key password is said to be one."""

import re

from edoc.exchange.drafts import find_draft
from edoc.storage.models import Document
from fixtures.agencies import VPCP
from fixtures.documents import cong_van
from tests.support.drafts import KEY_PASSWORD, draft_page, make_draft, step
from tests.support.web import logged_in

SEAL_WAITS = "cơ quan chỉ ký số (đóng dấu) sau khi lãnh đạo đã ký"
SEND_WAITS = "văn bản chỉ được gửi sau khi văn thư ký số của cơ quan"


def _flashed(page: str) -> list[str]:
    return re.findall(r'<div class="flash[^"]*" role="status">([^<]*)</div>', page)


def test_each_signature_is_offered_in_its_order_and_a_step_out_of_order_says_the_rule(composing):
    app, node = composing
    clerk, _ = logged_in(app)
    leader, _ = logged_in(app, "lanhdao")
    draft = make_draft(clerk, cong_van(VPCP).pdf)

    page = draft_page(clerk, draft)  # nobody signed: the clerk can neither seal nor send
    assert 'id="sign-organisation"' not in page and 'id="send"' not in page
    assert SEAL_WAITS in page and SEND_WAITS in page
    step(clerk, draft, "organisation")
    assert [SEAL_WAITS in m for m in _flashed(draft_page(clerk, draft))] == [True]
    step(clerk, draft, "send", confirm="1")
    assert [SEND_WAITS in m for m in _flashed(draft_page(clerk, draft))] == [True]
    with node.sessions() as session:
        assert session.query(Document).count() == 0

    assert 'id="sign-personal"' in draft_page(leader, draft)
    step(leader, draft, "personal", key_password=KEY_PASSWORD)
    page = draft_page(leader, draft)
    assert 'id="sign-personal"' not in page  # signed: the form is gone
    assert "Người có thẩm quyền đã ký số văn bản này." in page
    seen = find_draft(node, draft).main_sha256
    step(leader, draft, "personal", key_password=KEY_PASSWORD)  # the old form, resent
    assert _flashed(draft_page(leader, draft)) == ["Người có thẩm quyền đã ký số văn bản này."]
    assert find_draft(node, draft).main_sha256 == seen

    page = draft_page(clerk, draft)  # the leader signed: the clerk seals, still cannot send
    assert 'id="sign-organisation"' in page and SEAL_WAITS not in page
    assert 'id="send"' not in page and SEND_WAITS in page
    step(clerk, draft, "organisation")
    page = draft_page(clerk, draft)
    assert 'id="sign-organisation"' not in page and 'id="upload-signed"' not in page
    assert 'id="send"' in page and SEND_WAITS not in page

    clerk.get("/lang/en")
    leader.get("/lang/en")
    step(leader, draft, "personal", key_password=KEY_PASSWORD)
    assert _flashed(draft_page(leader, draft)) == [
        "The agency has already signed: the competent person signs first, the agency after."
    ]


def test_a_wrong_key_password_says_wrong_password(composing):
    app, _ = composing
    clerk, _ = logged_in(app)
    leader, _ = logged_in(app, "lanhdao")
    draft = make_draft(clerk, cong_van(VPCP).pdf)
    step(leader, draft, "personal", key_password="sai-mat-khau")
    assert _flashed(draft_page(leader, draft)) == ["Sai mật khẩu khóa ký số."]
    leader.get("/lang/en")
    step(leader, draft, "personal", key_password="wrong")
    assert _flashed(draft_page(leader, draft)) == ["Wrong key password."]


def test_sealing_where_the_inbox_holds_no_agency_key_says_what_to_do(inbox):
    app, _, _ = inbox  # an inbox whose server holds no agency key
    clerk, _ = logged_in(app)
    draft = make_draft(clerk, cong_van(VPCP).pdf)
    assert step(clerk, draft, "organisation").status_code == 303
    said = _flashed(draft_page(clerk, draft))
    assert said == [
        "Hộp thư này không giữ khóa ký số và con dấu của cơ quan: hãy nhờ quản trị viên cấu "
        "hình, hoặc tải lên tệp PDF đã ký số của cơ quan bằng USB token."
    ]
