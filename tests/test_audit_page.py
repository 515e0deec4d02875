"""The audit report as an HTML file and its charts: self-contained, in Vietnamese or English,
readable whatever the number of agencies, months and codes."""

import datetime as dt
import re
from collections import Counter
from xml.etree import ElementTree

import lxml.html
import pytest

from edoc.audit.charts import codes_svg, trend_svg
from edoc.audit.figures import Figures
from edoc.audit.page import render_html
from edoc.audit.periods import Range
from edoc.audit.report import AuditReport, Row, Scope
from edoc.errors import AuditError
from edoc.timezone import VIETNAM

HANOI, NGHE_AN = "000.00.00.H26", "000.00.00.H41"
NAMES = {HANOI: "Ủy ban nhân dân thành phố Hà Nội", NGHE_AN: "Ủy ban nhân dân tỉnh Nghệ An"}
SVG = "{http://www.w3.org/2000/svg}"


def figures(assessed: int, compliant: int, **more) -> Figures:
    found = Figures(total=assessed, assessed=assessed, signed=assessed, compliant=compliant,
                    non_compliant=assessed - compliant, **more)  # fmt: skip
    found.total += found.indeterminate + found.unverified
    return found


@pytest.fixture
def report() -> AuditReport:
    """Two agencies over October and November 2026: Hà Nội sent 4 (3 compliant, one
    indeterminate besides) and received 2; Nghệ An sent 2, none compliant."""
    hanoi_oct = figures(2, 2, personal=2, organisation=2)
    hanoi_nov = figures(2, 1, personal=1, organisation=2, indeterminate=1, overdue=1)
    hanoi_nov.codes.update({"VN_MISSING_PERSONAL": 1})
    nghe_an = figures(2, 0, organisation=2)
    nghe_an.codes.update({"VN_MISSING_PERSONAL": 2, "ALG_WEAK_HASH": 1})
    received = figures(2, 1, accepted=1, returned=1)
    rows = [
        Row(HANOI, NAMES[HANOI], "2026-10", "sent", hanoi_oct),
        Row(HANOI, NAMES[HANOI], "2026-11", "sent", hanoi_nov),
        Row(HANOI, NAMES[HANOI], "2026-11", "received", received),
        Row(NGHE_AN, NAMES[NGHE_AN], "2026-11", "sent", nghe_an),
    ]
    totals = [
        Row(HANOI, NAMES[HANOI], "", "sent", Figures().add(hanoi_oct).add(hanoi_nov)),
        Row(HANOI, NAMES[HANOI], "", "received", received),
        Row(NGHE_AN, NAMES[NGHE_AN], "", "sent", nghe_an),
    ]
    start = dt.datetime(2026, 10, 1, tzinfo=VIETNAM)
    return AuditReport(
        generated_at=dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC),
        sources=["hub/edoc.sqlite"],
        scope=Scope(period="month", range=Range(start, dt.datetime(2026, 12, 1, tzinfo=VIETNAM))),
        first=dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.UTC),
        last=dt.datetime(2026, 11, 28, 9, 15, tzinfo=dt.UTC),
        rows=rows,
        totals=totals,
        trend={
            HANOI: [("2026-10", hanoi_oct), ("2026-11", hanoi_nov)],
            NGHE_AN: [("2026-11", nghe_an)],
        },
        months=[202610, 202611],
    )


def test_the_page_is_self_contained(report):
    html = render_html(report)
    page = lxml.html.fromstring(html)
    fetched = [v for v in page.xpath("//@src | //@href") if re.match(r"\s*(https?:)?//", v)]
    assert fetched == []
    assert not page.xpath("//script | //link | //img | //iframe")
    charts = page.xpath("//svg[@role='img']")
    assert [c.get("class") for c in charts] == ["chart trend", "chart codes"]
    assert all(c.get("aria-label") for c in charts)


def test_the_page_is_in_vietnamese_with_the_reports_figures_and_times(report):
    page = lxml.html.fromstring(render_html(report))
    text = page.text_content()
    assert page.get("lang") == "vi"
    assert page.find(".//h1").text_content() == "Báo cáo ký số"  # as the inbox names it
    assert "Ủy ban nhân dân thành phố Hà Nội" in text and "Nghệ An" in text
    assert "01/12/2026 08:30" in text  # generated at 01:30 UTC, shown in Vietnam time
    assert "02/10/2026 08:00 – 28/11/2026 16:15" in text
    assert "từ ngày 01/10/2026 đến hết ngày 30/11/2026" in text
    coverage = page.xpath("//section[contains(@class, 'coverage')]")[0].text_content()
    assert "7 văn bản, trong đó 6 đã đánh giá" in coverage  # Hà Nội's 4+1 and Nghệ An's 2
    assert "1 chưa xác định" in coverage and "02–06" in coverage
    ranked = page.xpath("//table[contains(@class, 'ranking')]//tr[@data-organ-id]")
    assert [row.get("data-organ-id") for row in ranked] == [HANOI, NGHE_AN]
    hanoi = ranked[0]
    assert [c.text_content() for c in hanoi.xpath("td[contains(@class, 'rate')]")] == [
        "100,0 %", "75,0 %", "100,0 %", "75,0 %",
    ]  # fmt: skip
    sent = page.xpath("//table[@data-direction='sent']//tr[@data-period='2026-11']")
    assert len(sent) == 2  # Hà Nội's November and Nghệ An's
    overdue = sent[0].xpath("td[contains(@class, 'count overdue')]")[0].text_content()
    assert overdue == "1"
    codes = page.xpath("//table[contains(@class, 'codes')]//tr[@data-code]")
    assert [c.get("data-code") for c in codes] == ["VN_MISSING_PERSONAL", "ALG_WEAK_HASH"]
    assert "Hàm băm dưới mức tối thiểu" in codes[1].text_content()
    assert not page.xpath("//main//a")  # a file has nothing to drill into


def test_the_page_is_in_english_when_asked(report):
    page = lxml.html.fromstring(render_html(report, lang="en"))
    text = page.text_content()
    assert page.get("lang") == "en"
    assert page.find(".//h1").text_content() == "Signing audit"
    assert "Rates are over the assessed" in text
    assert "75.0%" in text and "A hash below the floor" in text
    assert "Tổng số" not in text and "quy định" not in text


def test_an_empty_report_says_there_is_nothing(report):
    empty = AuditReport(report.generated_at, [], Scope(), None, None, [], [], {}, [])
    text = lxml.html.fromstring(render_html(empty)).text_content()
    assert "Không có văn bản nào trong phạm vi này." in text
    assert "Không có số liệu theo tháng để vẽ" in text and "Không có văn bản nào vi phạm" in text


def _svg(markup: str) -> ElementTree.Element:
    """The chart as XML: it must be well-formed, whatever the names in it."""
    return ElementTree.fromstring(markup)


def test_the_trend_draws_a_line_per_agency_with_gaps_for_months_with_nothing_assessed():
    unverified = Figures(total=3, unverified=3)
    trend = {HANOI: [("2026-01", figures(4, 2)), ("2026-02", figures(2, 2)),
                     ("2026-03", unverified), ("2026-05", figures(1, 0))]}  # fmt: skip
    chart = _svg(trend_svg(trend, NAMES))
    (series,) = chart.findall(f".//{SVG}g[@class='series']")
    assert len(series.findall(f"{SVG}circle")) == 3  # March and April are gaps
    assert len(series.findall(f"{SVG}polyline")) == 1  # January–February only
    titles = [c.find(f"{SVG}title").text for c in series.findall(f"{SVG}circle")]
    assert titles[0] == "Ủy ban nhân dân thành phố Hà Nội, 2026-01: 50,0 % (2/4)"
    months = [t.text for t in chart.findall(f"{SVG}text")]
    assert months[-5:] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    tops = [float(c.get("cy")) for c in series.findall(f"{SVG}circle")]
    assert tops[1] < tops[0] < tops[2]  # 100 % above 50 % above 0 %
    assert "tỷ lệ văn bản đúng quy định theo tháng" in chart.get("aria-label").lower()


def test_the_trend_of_one_agency_in_one_month_is_a_point():
    chart = _svg(trend_svg({HANOI: [("2026-11", figures(1, 1))]}, NAMES, rate="personal"))
    assert len(chart.findall(f".//{SVG}circle")) == 1
    assert chart.findall(f".//{SVG}polyline") == []
    assert "cá nhân" in chart.get("aria-label")


def test_the_trend_of_sixty_agencies_over_three_years_stays_readable():
    trend = {
        f"000.00.{n:02d}.H{n:02d}": [
            (f"{2024 + m // 12}-{m % 12 + 1:02d}", figures(10, (n + m) % 11)) for m in range(36)
        ]
        for n in range(60)
    }
    names = {organ_id: f"Cơ quan <số {n}> & “con”" for n, organ_id in enumerate(trend)}
    markup = trend_svg(trend, names, lang="en")
    chart = _svg(markup)
    assert len(chart.findall(f".//{SVG}g[@class='series']")) == 60
    months = [t.text for t in chart.findall(f"{SVG}text") if t.text and t.text[:2] == "20"]
    assert len(months) == 12 and months[0] == "2024-01"  # every third month labelled
    height = float(chart.get("viewBox").split()[3])
    assert height > 20 * 18  # the legend has room for its 20 rows of 3
    assert "&lt;số 0&gt; &amp;" in markup and "60 agencies" in chart.get("aria-label")


def test_an_empty_trend_says_so_and_a_rate_must_be_one_the_audit_has():
    chart = _svg(trend_svg({}, {}, lang="en"))
    assert chart.get("role") == "img" and chart.get("aria-label") == "No monthly figures to draw"
    with pytest.raises(AuditError):
        trend_svg({}, {}, rate="overdue")


def test_codes_are_bars_largest_first_with_their_meaning():
    chart = _svg(codes_svg(Counter({"ALG_WEAK_HASH": 2, "VN_MISSING_PERSONAL": 9, "X<Y": 2})))
    bars = chart.findall(f".//{SVG}g[@class='bar']")
    assert [b.get("data-code") for b in bars] == ["VN_MISSING_PERSONAL", "ALG_WEAK_HASH", "X<Y"]
    widths = [float(b.find(f"{SVG}rect").get("width")) for b in bars]
    assert widths[0] > widths[1] == widths[2]
    labels = [[t.text for t in b.findall(f"{SVG}text")] for b in bars]
    assert labels[0] == ["VN_MISSING_PERSONAL", "9"]
    assert "người có thẩm quyền" in bars[0].find(f"{SVG}title").text
    assert chart.get("aria-label").startswith("Số văn bản theo mã kiểm tra: VN_MISSING_PERSONAL 9")
    one = _svg(codes_svg(Counter({"CERT_REVOKED": 1}), lang="en"))
    assert "revoked" in one.find(f".//{SVG}g/{SVG}title").text
    assert _svg(codes_svg(Counter())).get("aria-label") == "Không có văn bản nào vi phạm"
