"""The auditor's page in the inbox over HTTP: who may read it, figures that are the audit's,
counts that open exactly the documents they count, filters it cannot read said on the page."""

import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from edoc.accounts import add_user
from edoc.audit.figures import COUNTS, RATED
from edoc.audit.report import Scope, Source, build_report
from edoc.audit.wording import percent
from edoc.envelope.build import build
from edoc.envelope.model import Organization
from edoc.envelope.parse import parse
from edoc.exchange.receive import receive_envelope
from edoc.exchange.send import send_envelope
from edoc.storage.models import UserRole
from edoc.timezone import to_vietnam
from fixtures.agencies import HA_NOI, VPCP
from tests.support.letters import letter_envelope
from tests.support.nodes import PASSWORD
from tests.support.web import logged_in


@pytest.fixture(scope="module")
def unsealed(pki) -> bytes:
    """A Hà Nội letter its deputy signed but the agency did not (VN_MISSING_ORGANISATION)."""
    from tests.support.letters import signed_letter

    personal, _ = signed_letter(pki)
    return letter_envelope(personal, "1240", "Thư chưa ký số của cơ quan")


@pytest.fixture
def audited(inbox, envelope, unsealed):
    """The Government Office's inbox with a compliant letter received, an unsealed one
    received and a letter sent; an auditor and a leader besides the clerk."""
    app, node, compliant = inbox
    unsealed_pk = receive_envelope(node, unsealed).document_pk
    own = dataclasses.replace(
        parse(envelope).message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-1",
    )  # fmt: skip
    sent_pk = send_envelope(node, build(own)).document_pk
    add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm toán")
    add_user(node.sessions, "lanhdao", PASSWORD, VPCP.organ_id, UserRole.LEADER, "Lãnh đạo")
    add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản trị")
    return app, node, {"compliant": compliant, "unsealed": unsealed_pk, "sent": sent_pk}


def _html(client, url: str):
    answer = client.get(url)
    return answer, lxml.html.fromstring(answer.get_data(as_text=True))


def _text(tree, xpath: str) -> str:
    (found,) = tree.xpath(xpath)
    return found.text_content().strip()


def test_auditors_leaders_and_the_admin_read_the_audit_clerks_do_not(audited):
    app, _, _ = audited
    assert app.test_client().get("/audit").headers["Location"].startswith("/login")
    assert app.test_client().get("/audit/documents?figure=total").status_code == 302
    for username in ("kiemtoan", "lanhdao", "quantri"):
        client, _ = logged_in(app, username)
        answer = client.get("/audit")
        assert answer.status_code == 200, username
        assert 'href="/audit"' in client.get("/").get_data(as_text=True)  # in the header
    clerk, _ = logged_in(app, "vanthu")
    assert clerk.get("/audit").status_code == 403
    assert clerk.get("/audit/documents?figure=total").status_code == 403
    assert 'href="/audit"' not in clerk.get("/").get_data(as_text=True)


def test_the_page_shows_the_audits_figures_for_the_agency(audited):
    app, node, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    _, page = _html(client, "/audit")
    expected = build_report([Source(node.organ_id, node.sessions)], Scope((VPCP.organ_id,)))
    overall = expected.overall
    assert overall["received"].total == 2 and overall["sent"].total == 1
    assert overall["received"].compliant == 1 and overall["received"].non_compliant == 1
    for direction, figures in overall.items():
        row = f"//table[contains(@class, 'overall')]//tr[@data-direction='{direction}']"
        for name in COUNTS:
            assert _text(page, f"{row}/td[contains(@class, 'count {name}')]") == str(
                getattr(figures, name)
            ), (direction, name)
        for name in RATED:
            shown = _text(page, f"{row}/td[contains(@class, 'rate {name}')]")
            assert shown == percent(figures.rate(name)), (direction, name)
    month = f"{to_vietnam(expected.last):%Y-%m}"
    period = f"//table[@data-direction='received']//tr[@data-period='{month}']"
    assert _text(page, f"{period}/td[contains(@class, 'count compliant')]") == "1"
    assert _text(page, f"{period}/td[contains(@class, 'rate compliant')]") == "50,0 %"
    assert expected.codes["VN_MISSING_ORGANISATION"] == 1
    for code, count in expected.codes.items():
        assert _text(page, f"//tr[@data-code='{code}']/td[contains(@class, 'count')]") == str(count)
    charts = page.xpath("//svg[@role='img']")
    assert [c.get("class") for c in charts] == ["chart trend", "chart codes"]
    coverage = _text(page, "//section[contains(@class, 'coverage')]")
    assert "2 văn bản, trong đó 2 đã đánh giá" in coverage and "02–06" in coverage


def test_every_count_lists_exactly_the_documents_it_counts(audited):
    app, _, documents = audited
    client, _ = logged_in(app, "kiemtoan")
    _, page = _html(client, "/audit")
    links = page.xpath("//main//a[@data-figure]")
    assert len(links) > 40  # the overall, ranking, per period and by-code tables
    for link in links:
        _, listed = _html(client, link.get("href"))
        rows = listed.xpath("//tr[contains(@class, 'listed')]")
        assert len(rows) == int(link.text_content()), link.get("href")
    code = page.xpath("//tr[@data-code='VN_MISSING_ORGANISATION']//a")[0]
    assert parse_qs(urlsplit(code.get("href")).query)["figure"] == ["VN_MISSING_ORGANISATION"]
    _, listed = _html(client, code.get("href"))
    (row,) = listed.xpath("//tr[contains(@class, 'listed')]")
    assert row.get("data-id") == str(documents["unsealed"])
    assert "1240/UBND-KT" in row.text_content()
    assert "Không hợp lệ" in row.text_content()
    (opened,) = row.xpath(".//a")
    answer = client.get(opened.get("href"))
    assert answer.status_code == 200 and "Thư chưa ký số của cơ quan" in answer.get_data(True)


def test_a_row_lists_its_period_and_direction_only(audited):
    app, _, documents = audited
    client, _ = logged_in(app, "kiemtoan")
    _, page = _html(client, "/audit?direction=received")
    assert not page.xpath("//table[@data-direction='sent']")
    (link,) = page.xpath(
        "//table[@data-direction='received']//td[contains(@class, 'count total')]/a"
    )
    query = parse_qs(urlsplit(link.get("href")).query)
    row_period = link.xpath("ancestor::tr[1]/@data-period")
    assert query["direction"] == ["received"] and query["label"] == row_period
    _, listed = _html(client, link.get("href"))
    ids = {row.get("data-id") for row in listed.xpath("//tr[contains(@class, 'listed')]")}
    assert ids == {str(documents["compliant"]), str(documents["unsealed"])}


def test_dates_are_whole_days_in_vietnam_time(audited):
    app, node, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    expected = build_report([Source(node.organ_id, node.sessions)], Scope((VPCP.organ_id,)))
    day = to_vietnam(expected.first).date()
    total = "//table[contains(@class, 'overall')]//tr[@data-direction='received']/td[1]"
    _, page = _html(client, f"/audit?start={day}&end={day}")
    assert _text(page, total) == "2"
    assert f"đến hết ngày {day:%d/%m/%Y}" in page.text_content()
    _, later = _html(client, f"/audit?start={day + dt.timedelta(days=1)}")
    assert _text(later, total) == "0"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=week", "Kỳ không hợp lệ: 'week'"),
        ("start=2026-13-01", "«Từ ngày» không phải ngày hợp lệ"),
        ("start=2026-11-02&end=2026-11-01", "Thời điểm kết thúc phải sau thời điểm bắt đầu"),
        ("direction=sideways", "Chiều không hợp lệ: sideways"),
    ],
)
def test_a_filter_it_cannot_read_is_said_on_the_page(audited, query, message):
    app, _, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    for url in (f"/audit?{query}", f"/audit/documents?figure=total&{query}"):
        answer, page = _html(client, url)
        assert answer.status_code == 400, url
        assert message in _text(page, "//main//*[@role='alert']"), url


def test_a_drill_down_of_no_known_figure_or_period_is_refused_clearly(audited):
    app, _, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    unknown = client.get("/audit/documents?figure=everything")
    assert unknown.status_code == 400 and "everything" in unknown.get_data(as_text=True)
    assert "Cần chọn một chỉ số" in client.get("/audit/documents").get_data(as_text=True)
    assert client.get("/audit/documents?figure=total&period=month&label=2026-13").status_code == 400
    assert (
        client.get("/audit/documents?figure=total&period=quarter&label=2026-Q4").status_code == 200
    )


def test_the_page_reads_in_english(audited):
    app, _, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    client.get("/lang/en")
    page = client.get("/audit").get_data(as_text=True)
    assert "<h1>Signing audit</h1>" in page and "Rates are over the assessed" in page
    assert "Tổng số" not in page
    wrong, page = _html(client, "/audit?period=week")
    assert wrong.status_code == 400
    assert "Not a period: 'week'" in _text(page, "//main//*[@role='alert']")


def test_every_drill_down_row_opens_its_document_sent_or_received(audited):
    """Received documents open on the inbox's document page, sent ones on the sent-document
    page; for every role that reads the audit, and only within the agency."""
    app, _, documents = audited
    for username in ("kiemtoan", "lanhdao", "quantri"):
        client, _ = logged_in(app, username)
        _, listed = _html(client, "/audit/documents?figure=total")
        rows = listed.xpath("//tr[contains(@class, 'listed')]")
        assert len(rows) == 3, username
        for row in rows:
            (opened,) = row.xpath(".//a")
            answer = client.get(opened.get("href"))
            assert answer.status_code == 200, (username, opened.get("href"))
            assert f"{row.get('data-id')}" in opened.get("href")
        (sent,) = listed.xpath(f"//tr[@data-id='{documents['sent']}']//a")
        assert sent.get("href") == f"/outbox/{documents['sent']}"
        page = client.get(sent.get("href")).get_data(as_text=True)
        assert "1234/UBND-KT" in page and HA_NOI.organ_id in page and "Đang chờ gửi" in page
        assert "queued" not in page
    clerk, _ = logged_in(app, "hanoi")  # another agency's clerk: not found, as any other
    assert clerk.get(f"/outbox/{documents['sent']}").status_code in (302, 404)
    own, _ = logged_in(app, "vanthu")
    assert own.get(f"/outbox/{documents['compliant']}").status_code == 404  # received, not sent


def test_the_page_offers_the_clis_csv_and_xlsx_under_its_filters(audited, tmp_path):
    import io

    import openpyxl
    from click.testing import CliRunner

    from cli import main

    app, node, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    _, page = _html(client, "/audit?direction=sent&period=year")
    (csv_link,) = page.xpath("//a[contains(@href, '/audit/export.csv')]")
    (xlsx_link,) = page.xpath("//a[contains(@href, '/audit/export.xlsx')]")
    assert parse_qs(urlsplit(csv_link.get("href")).query) == {
        "period": ["year"], "direction": ["sent"]
    }  # fmt: skip
    csv = client.get(csv_link.get("href"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã định danh") and len(lines) == 2  # one agency, one year, sent
    year = to_vietnam(dt.datetime.now(dt.UTC)).year  # the letter was sent just now
    assert lines[1].startswith(f"{VPCP.organ_id},Văn phòng Chính phủ,{year},đi,1,")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(xlsx_link.get("href")).get_data()))
    figures = workbook.worksheets[0]
    assert [c.value for c in figures[2]][:4] == [c for c in lines[1].split(",")][:4]
    assert len(workbook.worksheets) == 5
    home = tmp_path / "home"  # the CLI writes the same file for the same figures
    cli_csv = tmp_path / "cli.csv"
    database = node.sessions.kw["bind"].url.render_as_string(hide_password=False)
    runner = CliRunner()
    result = runner.invoke(
        main, ["audit", "--home", str(home), "--direction", "sent", "--period", "year",
               "--csv", str(cli_csv)], env={"EDOC_DATABASE_URL": database},
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    assert cli_csv.read_bytes() == csv.get_data()
    clerk, _ = logged_in(app, "vanthu")
    assert clerk.get("/audit/export.csv").status_code == 403
    assert client.get("/audit/export.pdf").status_code == 404
    assert client.get("/audit/export.csv?start=2026-13-01").status_code == 400


def test_the_header_the_page_and_the_readme_call_the_audit_page_by_one_name(audited):
    from pathlib import Path

    app, _, _ = audited
    client, _ = logged_in(app, "kiemtoan")
    _, page = _html(client, "/audit")
    name = _text(page, "//header//a[@href='/audit']")
    assert _text(page, "//main//h1") == name == "Báo cáo ký số"
    assert page.xpath("//title")[0].text_content().startswith(name)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"**{name}**" in readme and "**Kiểm toán** page" not in readme
