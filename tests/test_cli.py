"""The ``edoc`` command as users run it: the installed console script, its output and exit codes."""

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import requests

import edoc
from edoc.exchange.runtime import remember_node
from edoc.server import free_port
from edoc.workspace import open_workspace

EDOC = Path(sys.executable).with_name("edoc")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EDOC), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0
    assert edoc.__version__ in version.stdout
    help_text = run("--help")
    assert help_text.returncode == 0
    assert "demo" in help_text.stdout


def test_unknown_option_is_a_usage_error():
    assert run("demo", "--no-such-option").returncode == 2


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """``edoc demo --json`` run twice on the same workspace."""
    home = tmp_path_factory.mktemp("demo")
    port = str(free_port())
    first = run("demo", "--home", str(home), "--pki-port", port, "--json")
    second = run("demo", "--home", str(home), "--pki-port", port, "--json")
    return home, first, second


def test_demo_succeeds_twice_in_a_row(demo_runs):
    _, first, second = demo_runs
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["first_run"] is True
    assert two["first_run"] is False
    assert one["pki"] == two["pki"]
    assert one["samples"] == two["samples"]


def test_demo_creates_database_pki_samples_and_token(demo_runs):
    home, first, _ = demo_runs
    summary = json.loads(first.stdout)
    assert Path(summary["database"]).is_file()
    assert Path(summary["database"]).parent == home
    assert summary["pki"]["credentials"] == 21
    assert "bad-revoked" in summary["pki"]["bad_credentials"]
    assert (home / "pki" / "trust" / "root.pem").is_file()
    assert (home / "pki" / "keys" / "h26-leader.p12").is_file()
    assert "TEST" in (home / "pki" / "keys" / "README.txt").read_text()
    for sample in summary["samples"]:
        assert (home / sample).stat().st_size > 0
    assert any(s.endswith(".pdf") for s in summary["samples"])
    assert any(s.endswith("-seal.png") for s in summary["samples"])
    signed = {s for s in summary["samples"] if s.startswith("samples/kiem-tra/")}
    assert {"samples/kiem-tra/h26-compliant.pdf", "samples/kiem-tra/h26-revoked.pdf"} <= signed
    if os.environ.get("CI") == "true" or summary["token"]["created"]:
        assert summary["token"]["created"], summary["token"]
        assert "h26-org" in summary["token"]["keys"]


def test_demo_exchanges_documents_through_a_hub_and_acts_on_them(demo_runs):
    summary = json.loads(demo_runs[1].stdout)
    sent = summary["documents_sent"]
    assert sent == 14  # four kinds from each of three agencies, two more from Hà Nội
    assert summary["delivered"] == summary["verified"] == sent
    assert summary["compliant"] == 3  # one good letter from each agency
    assert summary["non_compliant"] == sent - 3
    assert summary["statuses"] == {"01": sent, "02": sent - 3, "03": 3}
    roles = {(a["agency"], a["role"]) for a in summary["accounts"]}
    assert len(roles) == 12 and all(
        a["inbox"].startswith("http://127.0.0.1:") for a in summary["accounts"]
    )


def test_demo_serve_keeps_the_inboxes_running_until_interrupted(tmp_path):
    command = [str(EDOC), "--lang", "en", "demo", "--home", str(tmp_path), "--pki-port",
               str(free_port()), "--serve"]  # fmt: skip
    demo = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        inboxes = []
        for line in demo.stderr:
            if line.startswith("Inbox: ") and "(clerk)" in line:
                inboxes.append(line.split()[1:4])  # url, user, "/", …
            if line.startswith("Serving"):
                break
        url, username = inboxes[0][0], inboxes[0][1]
        browser = requests.Session()
        form = browser.get(f"{url}/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        login = {"username": username, "password": "edoc-demo", "csrf_token": token}
        assert browser.post(f"{url}/login", data=login, timeout=10).status_code == 200
        page = browser.get(f"{url}/", timeout=10).text
        # the Government Office received the four kinds of letter Nghệ An sends
        assert "Văn bản đến" in page and page.count('class="document"') == 4
        leader = requests.Session()  # the README's walkthrough: the leader signs the draft
        token = re.search(r'name="csrf_token" value="([^"]+)"', leader.get(f"{url}/login").text)
        login = {"username": username.replace("vanthu", "lanhdao"), "password": "edoc-demo",
                 "csrf_token": token.group(1)}  # fmt: skip
        assert leader.post(f"{url}/login", data=login, timeout=10).status_code == 200
        (draft,) = re.findall(r'href="(/drafts/\d+)"', leader.get(f"{url}/drafts").text)
        page = leader.get(f"{url}{draft}", timeout=10).text
        form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                "seen": re.search(r'name="seen" value="([^"]+)"', page).group(1),
                "key_password": "edoc-demo"}  # fmt: skip
        signed = leader.post(f"{url}{draft}/personal", data=form, timeout=60)
        assert "Đã ký số cá nhân." in signed.text, signed.text
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0


def test_demo_shows_the_pki_services_answering(demo_runs):
    _, first, _ = demo_runs
    services = json.loads(first.stdout)["services"]
    assert services == {
        "crl_revoked_entries": 1,
        "ocsp_good_certificate": "good",
        "ocsp_revoked_certificate": "revoked",
        "timestamp": "granted",
    }


def test_demo_progress_goes_to_stderr_and_data_to_stdout(demo_runs):
    _, first, _ = demo_runs
    json.loads(first.stdout)
    assert "hạ tầng khóa công khai" in first.stderr


def test_demo_text_summary_in_english_and_vietnamese(demo_runs):
    home = demo_runs[0]
    port = str(free_port())
    english = run("--lang", "en", "demo", "--home", str(home), "--pki-port", port)
    assert english.returncode == 0, english.stderr
    assert f"Workspace: {home}" in english.stdout
    vietnamese = run("demo", "--home", str(home), "--pki-port", port)
    assert f"Thư mục làm việc: {home}" in vietnamese.stdout


def test_demo_uses_edoc_home_when_no_home_is_given(tmp_path):
    home = tmp_path / "from-env"
    done = run("demo", "--pki-port", str(free_port()), "--json", env={"EDOC_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["home"] == str(home)


def test_demo_on_a_file_instead_of_a_folder_is_a_clear_error(tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    done = run("--lang", "en", "demo", "--home", str(not_a_folder / "sub"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert str(not_a_folder / "sub") in done.stderr
    assert done.stderr.startswith("edoc: error:")


def test_demo_on_a_busy_port_says_to_choose_another(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        done = run("demo", "--home", str(tmp_path), "--pki-port", port)
    assert done.returncode == 1
    assert "--pki-port" in done.stderr
    assert "Traceback" not in done.stderr


def test_audit_after_the_demo_covers_every_agency_in_every_format(demo_runs, tmp_path):
    home = demo_runs[0]
    summary = json.loads(demo_runs[2].stdout)
    audit = run("audit", "--home", str(home), "--json")
    assert audit.returncode == 3, audit.stderr  # the demo sends non-compliant documents
    report = json.loads(audit.stdout)
    assert {row["organ_id"] for row in report["ranking"]} == set(summary["nodes"])
    assert report["overall"]["sent"]["total"] == summary["documents_sent"]
    assert report["overall"]["received"]["compliant"] == summary["compliant"]
    assert report["overall"]["sent"]["returned"] == summary["non_compliant"]
    csv_file, xlsx_file = tmp_path / "audit.csv", tmp_path / "audit.xlsx"
    written = run("audit", "--home", str(home), "--csv", str(csv_file), "--xlsx", str(xlsx_file))
    assert written.returncode == 3
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need for UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row["Cơ quan"] for row in rows} >= {"Ủy ban nhân dân thành phố Hà Nội"}
    assert sum(int(row["Tổng số"]) for row in rows) == 2 * summary["documents_sent"]
    book = openpyxl.load_workbook(xlsx_file)
    assert book.sheetnames == ["Số liệu", "Xếp hạng", "Theo tháng", "Theo mã", "Ghi chú"]
    assert book["Xếp hạng"].max_row == 1 + len(summary["nodes"])
    listed = run("--lang", "en", "audit", "--home", str(home), "--list", "VN_MISSING_PERSONAL")
    assert listed.returncode == 3
    assert "VN_MISSING_PERSONAL" in listed.stdout and "Non-compliant" in listed.stdout


def test_audit_refuses_bad_scopes_with_a_clear_message(tmp_path):
    bad_date = run("--lang", "en", "audit", "--home", str(tmp_path), "--start", "31/12/2026")
    assert bad_date.returncode == 1
    assert "'--start' is not an ISO 8601 date" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr
    bad_figure = run("--lang", "en", "audit", "--home", str(tmp_path), "--list", "NOPE")
    assert bad_figure.returncode == 1 and "No figure or check code 'NOPE'" in bad_figure.stderr
    bad_agency = run("--lang", "en", "audit", "--home", str(tmp_path), "--agency", "X1")
    assert bad_agency.returncode == 1 and "X1" in bad_agency.stderr
    both = run("audit", "--home", str(tmp_path), "--from", str(tmp_path))
    assert both.returncode == 2


def test_a_clerk_assigns_from_the_command_line_in_the_processing_order(demo_runs, tmp_path):
    office = sorted((demo_runs[0] / "exchange").glob("*/000.00.00.G22"))[-1]  # the last run
    home = tmp_path / "g22"
    shutil.copytree(office, home)  # the demo's own workspace stays as the demo left it
    remember_node(open_workspace(home), "000.00.00.G22", None)  # as `edoc serve` would
    listed = run("inbox", "list", "--home", str(home), "--json")
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    accepted = next(e["id"] for e in entries if e["status"] == "03")
    returned = next(e["id"] for e in entries if e["status"] == "02")
    nobody = run("--lang", "en", "inbox", "act", str(accepted), "--code", "04", "--home", str(home))
    assert nobody.returncode == 1 and "needs the person or department" in nobody.stderr
    assigned = run("inbox", "act", str(accepted), "--code", "04", "--assignee", "Vụ Tổng hợp",
                   "--home", str(home))  # fmt: skip
    assert assigned.returncode == 0, assigned.stderr
    again = run("inbox", "act", str(accepted), "--code", "04", "--assignee", "Vụ Tổng hợp",
                "--home", str(home))  # fmt: skip
    assert again.returncode == 0 and "đã được ghi trước đó" in again.stderr
    late = run("--lang", "en", "inbox", "act", str(returned), "--code", "03",
               "--despite-failed-check", "--home", str(home))  # fmt: skip
    assert late.returncode == 1 and "returned (02): no status follows" in late.stderr
    assert "Traceback" not in late.stderr + nobody.stderr
