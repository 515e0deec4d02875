"""An admin changing a user: the full name is kept apart from the login name, and once
saved the page says what changed (and only what changed)."""

from tests.support.admin import page_text, submit, user_named
from tests.support.nodes import PASSWORD
from tests.support.web import logged_in


def _flash(page) -> str:
    text = page_text(page)
    return text[text.index('class="flash') :].split("</div>", 1)[0]


def test_the_admin_changes_a_full_name_and_the_login_name_stays(admin_app):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    clerk = user_named(node, "vanthu").id
    renamed = submit(admin, f"/admin/users/{clerk}/name", full_name="  Nguyễn Thị Thư ")
    said = "Đã cập nhật người dùng vanthu: họ và tên «Nguyễn Văn Thư» → «Nguyễn Thị Thư»."
    assert said in _flash(renamed)
    kept = user_named(node, "vanthu")
    assert (kept.username, kept.full_name) == ("vanthu", "Nguyễn Thị Thư")
    client, answer = logged_in(app, "vanthu")  # the login name is the same
    assert answer.status_code == 302 and "Nguyễn Thị Thư" in page_text(client.get("/"))
    empty = submit(admin, f"/admin/users/{clerk}/name", full_name="  ")
    assert "Cần có họ và tên." in _flash(empty)
    long = submit(admin, f"/admin/users/{clerk}/name", full_name="Thư" * 100)
    assert "Họ và tên dài 300 ký tự, quá giới hạn 200 ký tự." in _flash(long)
    assert user_named(node, "vanthu").full_name == "Nguyễn Thị Thư"


def test_after_saving_the_admin_is_told_what_changed(admin_app):
    app, node = admin_app
    admin, _ = logged_in(app, "quantri")
    clerk = user_named(node, "vanthu").id
    role = submit(admin, f"/admin/users/{clerk}/role", role="leader")
    assert "vanthu: vai trò Văn thư → Lãnh đạo." in _flash(role)
    same = submit(admin, f"/admin/users/{clerk}/role", role="leader")
    assert "vanthu: không có gì thay đổi." in _flash(same)
    locked = submit(admin, f"/admin/users/{clerk}/active", active="0")
    assert "vanthu: đã khóa tài khoản." in _flash(locked)
    unlocked = submit(admin, f"/admin/users/{clerk}/active", active="1")
    assert "vanthu: đã mở khóa tài khoản." in _flash(unlocked)
    admin.get("/lang/en")
    password = submit(admin, f"/admin/users/{clerk}/password", password="mật-khẩu-mới-dài")
    assert "User vanthu updated: new password set." in _flash(password)
    assert logged_in(app, "vanthu", "mật-khẩu-mới-dài")[1].status_code == 302
    assert logged_in(app, "vanthu", PASSWORD)[1].status_code == 401
