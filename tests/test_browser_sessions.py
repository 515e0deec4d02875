"""Sessions as a person meets them in Chromium: a form left open after logging out in another
tab leads to the login page with a message; several agencies' inboxes on one host, in one
browser, each keep their own session, and one refuses with its own page what belongs to the
other. Screenshots are kept in test-artefacts/."""

from playwright.sync_api import expect

from edoc.server import BackgroundServer, free_port
from tests.support.browser import ARTEFACTS, log_in, refusals
from tests.support.nodes import PASSWORD


def test_a_form_left_open_after_logging_out_in_another_tab_leads_to_the_login(inbox, browser):
    app, _, document = inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        refused = refusals(page)
        log_in(page, url, "vanthu", PASSWORD)
        page.goto(f"{url}/documents/{document}")
        other_tab = context.new_page()
        other_tab.goto(f"{url}/")
        other_tab.click("header button[type=submit]")  # Đăng xuất
        page.locator("button[value='03']").click()  # the form of before the logout
        assert page.url.endswith("/login")
        expect(page.locator(".flash")).to_contain_text("Phiên làm việc đã kết thúc")
        expect(page.locator("body")).not_to_contain_text("CSRF tokens do not match")
        page.screenshot(path=ARTEFACTS / "login-after-logout.png", full_page=True)
        page.goto(f"{url}/documents/{document}")
        expect(page.locator(".flash")).to_contain_text("Hãy đăng nhập để mở trang này")
        missing = page.goto(f"{url}/khong-co-trang-nay")
        assert missing.status == 404
        expect(page.locator("main h1")).to_contain_text("Không tìm thấy")
        expect(page.locator("a.back")).to_have_attribute("href", "/login")
        page.screenshot(path=ARTEFACTS / "error-404.png", full_page=True)
        assert refused == []  # the error page's styles are allowed by the CSP


def test_two_agencies_in_one_browser_each_keep_their_own_session(two_agencies, browser):
    from fixtures.agencies import HA_NOI, VPCP

    office, hanoi = (two_agencies.services[a.organ_id].url for a in (VPCP, HA_NOI))
    ARTEFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{office}/login")  # only looked at the Office's login: not at work there
    assert page.goto(f"{hanoi}/").url == f"{hanoi}/login"
    log_in(page, office, "vanthu-g22", "edoc-demo")
    expect(page.locator("header")).to_contain_text(VPCP.name)

    refused = page.goto(f"{hanoi}/")  # another agency's inbox, on the same host
    assert refused.status == 403
    expect(page.locator("main h1")).to_contain_text("Trang của cơ quan khác")
    expect(page.locator("main")).to_contain_text(f"{VPCP.name} ({VPCP.organ_id})")
    page.screenshot(path=ARTEFACTS / "another-agency.png", full_page=True)
    page.goto(f"{office}/")
    expect(page.locator("header")).to_contain_text("Đăng xuất")  # still logged in there

    log_in(page, hanoi, "vanthu-h26", "edoc-demo")
    expect(page.locator("header")).to_contain_text("Đăng xuất")
    page.goto(f"{office}/")  # logging in to Hà Nội did not log out of the Office
    expect(page.locator("header")).to_contain_text(VPCP.name)
    expect(page.locator("header")).to_contain_text("Đăng xuất")
    page.goto(f"{hanoi}/")
    expect(page.locator("header")).to_contain_text(HA_NOI.name)
    expect(page.locator("header")).to_contain_text("Đăng xuất")
    page.click("header button[type=submit]")  # logs out of Hà Nội
    page.goto(f"{office}/")
    page.click("header button[type=submit]")  # and of the Office: at work nowhere now
    assert page.goto(f"{hanoi}/").url == f"{hanoi}/login"


def test_a_locked_out_clerk_is_told_until_when_and_the_admin_unlocks_them(inbox, browser):
    from edoc.accounts import add_user
    from edoc.storage.models import UserRole
    from fixtures.agencies import VPCP
    from web.lockout import LoginRules

    app, node, _ = inbox
    app.config["LOGIN_RULES"] = LoginRules(pause=lambda seconds: None)  # nobody waits here
    add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản Trị")
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        url = f"http://127.0.0.1:{port}"
        clerk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        for n in range(5):
            log_in(clerk, url, "vanthu", f"sai-{n}")
        expect(clerk.locator(".flash")).to_contain_text("Tài khoản đang tạm khóa")
        expect(clerk.locator(".flash")).to_contain_text("(giờ Việt Nam)")
        clerk.screenshot(path=ARTEFACTS / "login-locked.png", full_page=True)
        admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        log_in(admin, url, "quantri", PASSWORD)
        admin.goto(f"{url}/admin/users")
        row = admin.locator("tr.user[data-username='vanthu']")
        expect(row.locator("td.state")).to_contain_text("Tạm khóa (sai mật khẩu) đến")
        row.locator("summary").click()
        admin.screenshot(path=ARTEFACTS / "admin-users-locked.png", full_page=True)
        row.locator("form.unlock button").click()
        expect(admin.locator(".flash")).to_contain_text("đã gỡ khóa do nhập sai mật khẩu")
        admin.screenshot(path=ARTEFACTS / "admin-users-changed.png", full_page=True)
        log_in(clerk, url, "vanthu", PASSWORD)
        expect(clerk.locator("header")).to_contain_text("Nguyễn Văn Thư")
