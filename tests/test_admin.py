"""The admin pages over HTTP: only admins, only their agency's users, held keys, locking,
trust anchors and the policy applied to the running node at once and after a restart."""

import io

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.exchange.runtime import open_node
from edoc.storage.models import Setting, TrustAnchor, UserRole
from edoc.workspace import open_workspace
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.export import pkcs12_bytes
from fixtures.images import signature_image
from signing.roles import fingerprint
from signing.validation.checks import Severity
from signing.validation.policy import DEFAULT_POLICY
from signing.validation.verify import verify_document
from tests.support.admin import page_text, submit, user_named
from tests.support.drafts import KEY_PASSWORD, make_draft, step
from tests.support.nodes import PASSWORD
from tests.support.web import logged_in
from web.app import create_node_app

PAGES = ("/admin/users", "/admin/agencies", "/admin/trust", "/admin/policy")


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _errors(report) -> set[str]:
    return {f.code for f in report.findings if f.severity is Severity.ERROR}


def test_only_an_agencys_admins_open_the_admin_pages(admin_app):
    app, node = admin_app
    add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm Toán")
    assert app.test_client().get("/admin/users").headers["Location"].startswith("/login")
    for username in ("vanthu", "kiemtoan"):
        client, _ = logged_in(app, username)
        assert [client.get(page).status_code for page in PAGES] == [403] * len(PAGES)
        added = submit(client, "/admin/users", username="x", password=PASSWORD, role="admin")
        assert added.status_code == 403 and user_named(node, "x") is None
        assert "Quản trị" not in page_text(client.get("/"))
    admin, _ = logged_in(app, "quantri")
    assert [admin.get(page).status_code for page in PAGES] == [200] * len(PAGES)
    assert "Quản trị</a>" in page_text(admin.get("/"))


def test_the_agency_directory_is_listed_in_both_forms(admin_app):
    app, _ = admin_app
    admin, _ = logged_in(app, "quantri")
    page = page_text(admin.get("/admin/agencies"))
    assert "<td>000.00.00.G22</td><td>G22</td><td>Văn phòng Chính phủ</td>" in page


def test_an_added_leader_logs_in_and_signs_with_the_key_the_admin_uploaded(admin_app, pki):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    deputy = VPCP.deputy
    added = submit(
        admin, "/admin/users", username="lanhdao", full_name=deputy.full_name, role="leader",
        password=PASSWORD,
    )  # fmt: skip
    assert "Đã thêm người dùng lanhdao" in page_text(added)
    leader_pk = user_named(node, "lanhdao").id
    held = submit(
        admin, f"/admin/users/{leader_pk}/key", key_password=KEY_PASSWORD,
        pkcs12=(io.BytesIO(pkcs12_bytes(pki[deputy.key], KEY_PASSWORD)), "lanhdao.p12"),
        image=(io.BytesIO(signature_image(deputy)), "chu-ky.png"),
    )  # fmt: skip
    assert "Máy chủ đã giữ khóa cá nhân của lanhdao" in page_text(held)
    assert (
        'data-username="lanhdao" data-role="leader" data-active="yes" data-key="yes"'
        in page_text(held)
    )

    leader, answer = logged_in(app, "lanhdao")
    assert answer.status_code == 302
    draft = make_draft(admin, cong_van(VPCP).pdf)
    assert 'name="key_password"' in page_text(leader.get(f"/drafts/{draft}"))  # holds a key
    assert step(leader, draft, "personal", key_password=KEY_PASSWORD).status_code == 303
    assert "Lãnh đạo đã ký" in page_text(leader.get(f"/drafts/{draft}"))


def test_a_bad_key_upload_is_refused_naming_the_file(admin_app, pki):
    app, node = admin_app
    add_user(node.sessions, "lanhdao", PASSWORD, VPCP.organ_id, UserRole.LEADER, "Lãnh Đạo")
    admin, _ = logged_in(app, "quantri")
    leader_pk = user_named(node, "lanhdao").id
    p12 = pkcs12_bytes(pki[VPCP.deputy.key], KEY_PASSWORD)

    def upload(password: str, image: bytes, user_pk: int = leader_pk) -> str:
        return page_text(submit(
            admin, f"/admin/users/{user_pk}/key", key_password=password,
            pkcs12=(io.BytesIO(p12), "lanhdao.p12"), image=(io.BytesIO(image), "chu-ky.gif"),
        ))  # fmt: skip

    assert "lanhdao.p12: Sai mật khẩu" in upload("sai-mat-khau", signature_image(VPCP.deputy))
    assert "chu-ky.gif: Ảnh chữ ký phải là tệp PNG hoặc JPEG" in upload(KEY_PASSWORD, b"GIF89a")
    clerk_pk = user_named(node, "vanthu").id
    assert "Chỉ giữ khóa cá nhân cho lãnh đạo" in upload(
        KEY_PASSWORD, signature_image(VPCP.deputy), clerk_pk
    )
    assert (
        user_named(node, "lanhdao").key_sha256 is None
        and user_named(node, "vanthu").key_sha256 is None
    )


def test_locking_a_user_ends_their_session_and_refuses_their_login(admin_app):
    app, node = admin_app
    clerk, _ = logged_in(app)
    assert clerk.get("/").status_code == 200
    admin, _ = logged_in(app, "quantri")
    clerk_pk = user_named(node, "vanthu").id
    locked = submit(admin, f"/admin/users/{clerk_pk}/active", active="0")
    assert 'data-username="vanthu" data-role="clerk" data-active="no"' in page_text(locked)
    assert clerk.get("/").headers["Location"].startswith("/login")
    assert logged_in(app)[1].status_code == 401
    submit(admin, f"/admin/users/{clerk_pk}/active", active="1")
    assert logged_in(app)[1].status_code == 302


def test_a_new_password_and_a_new_role_take_effect(admin_app):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    clerk_pk = user_named(node, "vanthu").id
    short = submit(admin, f"/admin/users/{clerk_pk}/password", password="ngan")
    assert "Mật khẩu cần ít nhất 8 ký tự" in page_text(short)
    submit(admin, f"/admin/users/{clerk_pk}/password", password="mật-khẩu-mới-dài")
    assert logged_in(app)[1].status_code == 401  # the old password
    assert logged_in(app, password="mật-khẩu-mới-dài")[1].status_code == 302
    submit(admin, f"/admin/users/{clerk_pk}/role", role="auditor")
    assert user_named(node, "vanthu").role is UserRole.AUDITOR


def test_an_admin_cannot_lock_themselves_out(admin_app):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    own = user_named(node, "quantri").id
    refused = submit(admin, f"/admin/users/{own}/active", active="0")
    assert "không thể tự khóa tài khoản" in page_text(refused)
    admin.get("/lang/en")
    demoted = submit(admin, f"/admin/users/{own}/role", role="clerk")
    assert "cannot lock your own account or give up your own admin role" in page_text(demoted)
    user = user_named(node, "quantri")
    assert user.active and user.role is UserRole.ADMIN
    assert admin.get("/admin/users").status_code == 200


def test_another_agencys_user_is_invisible_and_unchangeable(admin_app, pki):
    app, node = admin_app
    add_user(node.sessions, "hanoi", PASSWORD, HA_NOI.organ_id, UserRole.CLERK, "Văn thư Hà Nội")
    admin, _ = logged_in(app, "quantri")
    assert "hanoi" not in page_text(admin.get("/admin/users"))
    foreign = user_named(node, "hanoi").id
    p12 = pkcs12_bytes(pki[VPCP.deputy.key], KEY_PASSWORD)
    changes = {
        "active": {"active": "0"},
        "role": {"role": "admin"},
        "password": {"password": "mật-khẩu-mới-dài"},
        "key": {"key_password": KEY_PASSWORD, "pkcs12": (io.BytesIO(p12), "k.p12"),
                "image": (io.BytesIO(signature_image(VPCP.deputy)), "k.png")},
    }  # fmt: skip
    for change, form in changes.items():
        assert submit(admin, f"/admin/users/{foreign}/{change}", **form).status_code == 404
    user = user_named(node, "hanoi")
    assert (user.active, user.role, user.key_sha256) == (True, UserRole.CLERK, None)


def test_an_added_anchor_is_trusted_at_once_and_a_removed_one_no_longer(admin_app, pki):
    from tests.support.letters import signed_letter

    app, node = admin_app
    _, letter = signed_letter(pki, "bad-untrusted")  # personally signed under the untrusted root
    assert "CERT_UNTRUSTED" in _errors(verify_document(letter, node.policy))
    admin, _ = logged_in(app, "quantri")
    root = pki.untrusted_root.certificate
    der = root.public_bytes(serialization.Encoding.DER)
    added = page_text(submit(admin, "/admin/trust", certificate=(io.BytesIO(der), "goc.cer")))
    assert "Đã thêm neo tin cậy" in added
    assert "CERT_UNTRUSTED" not in _errors(verify_document(letter, node.policy))
    assert f'data-sha256="{fingerprint(root)}" data-added="yes"' in added
    national = pki.root.certificate
    assert f'data-sha256="{fingerprint(national)}" data-added="no"' in added

    again = page_text(
        submit(admin, "/admin/trust", certificate=(io.BytesIO(_pem(root)), "goc.pem"))
    )
    assert "goc.pem: Chứng thư gốc này đã là neo tin cậy" in again
    with node.sessions() as session:
        (anchor_pk,) = session.scalars(select(TrustAnchor.id)).all()
    removed = page_text(submit(admin, f"/admin/trust/{anchor_pk}/delete"))
    assert "Đã gỡ neo tin cậy" in removed and fingerprint(root) not in removed
    assert "CERT_UNTRUSTED" in _errors(verify_document(letter, node.policy))
    assert node.policy.trust == (national,)
    assert submit(admin, f"/admin/trust/{anchor_pk}/delete").status_code == 404


def test_what_is_not_a_ca_certificate_is_no_anchor(admin_app, pki):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    personal = _pem(pki["bad-untrusted"].certificate)
    refused = page_text(submit(admin, "/admin/trust", certificate=(io.BytesIO(personal), "cb.pem")))
    assert "cb.pem: Chứng thư số không phải của một tổ chức chứng thực (CA)" in refused
    junk = page_text(submit(admin, "/admin/trust", certificate=(io.BytesIO(b"hello"), "rac.der")))
    assert "rac.der: Không phải chứng thư số PEM hay DER: tệp hỏng hoặc là loại tệp khác" in junk
    assert "asn1" not in junk.lower() and "error parsing" not in junk.lower()  # no parser's text
    admin.get("/lang/en")
    english = page_text(submit(admin, "/admin/trust", certificate=(io.BytesIO(personal), "cb.pem")))
    assert "cb.pem: The certificate is not a certification authority" in english
    with node.sessions() as session:
        assert session.scalars(select(TrustAnchor)).all() == []
    assert node.policy.trust == pki.trust_anchors


def test_choosing_a_policy_changes_the_levels_at_once(admin_app, pki):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    page = page_text(admin.get("/admin/policy"))
    assert '<td class="policy-name">default</td>' in page
    assert 'data-code="ALG_RSA_PKCS1V15" data-level="notice"' in page
    strict = page_text(submit(admin, "/admin/policy", name="strict"))
    assert "Đã áp dụng chính sách strict" in strict
    assert 'data-code="ALG_RSA_PKCS1V15" data-level="error"' in strict
    assert (node.policy.name, node.policy.revocation.value) == ("strict", "hard")
    assert node.policy.trust == pki.trust_anchors  # the roots stay

    toml = b'[revocation]\nmode = "off"\n\n[checks]\nFMT_NO_LTV = "ignore"\n'
    mine = page_text(submit(admin, "/admin/policy", policy=(io.BytesIO(toml), "rieng.toml")))
    assert "Đã áp dụng chính sách rieng" in mine
    assert 'data-code="FMT_NO_LTV" data-level="ignore"' in mine
    assert 'data-code="ALG_RSA_PKCS1V15" data-level="notice"' in mine  # the rest: the default
    assert node.policy.name == "rieng" and node.policy.severity("FMT_NO_LTV") is Severity.IGNORE


@pytest.mark.parametrize(
    ("name", "toml", "vi", "en"),
    [
        ("hong.toml", b"[checks\n",
         "hong.toml: Chính sách kiểm tra không hợp lệ: không phải TOML (dòng 1, cột 8).",
         "hong.toml: Invalid policy: not TOML (line 1, column 8)."),  # not the parser's text
        ("sai.toml", b'[revocation]\nmode = "maybe"\n',
         "sai.toml: Chính sách kiểm tra không hợp lệ: revocation.mode = «maybe», cần một trong off",
         "sai.toml: Invalid policy: revocation.mode = «maybe», expected one of off, soft, hard"),
        ("neo.toml", b'[trust]\nanchors = ["/etc/ssl/certs"]\n',
         "neo.toml: Chính sách kiểm tra không hợp lệ: chính sách không kèm thư mục",
         "neo.toml: Invalid policy: a policy without a folder cannot name certificate files"),
        ("lax", None, "Không có chính sách có sẵn tên lax", "There is no shipped policy named lax"),
        ("d" * 101 + ".toml", b"", "Tên chính sách dài quá 100 ký tự",
         "name is longer than 100 characters"),
    ],
)  # fmt: skip
def test_a_bad_policy_is_refused_in_both_languages_and_changes_nothing(
    admin_app, name, toml, vi, en
):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    submit(admin, "/admin/policy", name="strict")
    before = node.policy

    def choose() -> str:
        form = {"name": name} if toml is None else {"policy": (io.BytesIO(toml), name)}
        return page_text(submit(admin, "/admin/policy", **form))

    assert vi in choose()
    admin.get("/lang/en")
    assert en in choose()
    assert node.policy is before and before.name == "strict"
    with node.sessions() as session:
        stored = session.scalars(select(Setting).where(Setting.key.like("policy.%"))).all()
        assert {s.key: s.value for s in stored} == {"policy.name": "strict"}


def test_the_configuration_survives_reopening_the_node(tmp_path, pki):
    startup = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    workspace = open_workspace(tmp_path / "workspace")
    node = open_node(workspace, VPCP.organ_id, startup)
    add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản Trị")
    admin, _ = logged_in(create_node_app(node, "hub-token", "secret"), "quantri")
    root = pki.untrusted_root.certificate
    submit(admin, "/admin/trust", certificate=(io.BytesIO(_pem(root)), "goc.pem"))
    submit(admin, "/admin/policy", name="strict")
    workspace.engine.dispose()

    workspace = open_workspace(tmp_path / "workspace")
    reopened = open_node(workspace, VPCP.organ_id, startup)
    assert reopened.policy.name == "strict"
    assert reopened.policy.trust == (pki.root.certificate, root)
    admin, _ = logged_in(create_node_app(reopened, "hub-token", "secret"), "quantri")
    with reopened.sessions() as session:
        (anchor_pk,) = session.scalars(select(TrustAnchor.id)).all()
    submit(admin, f"/admin/trust/{anchor_pk}/delete")
    assert reopened.policy.trust == (pki.root.certificate,)  # gone, though it was there at start
    workspace.engine.dispose()
