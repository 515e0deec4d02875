"""``edoc demo``: set up the demo workspace and run its exchange, then say what it did."""

import json

import click

from cli import home_option, pick, say, wait_forever


@click.command()
@home_option
@click.option(
    "--pki-port",
    type=click.IntRange(1, 65535),
    default=18480,
    show_default=True,
    help="Loopback port of the test PKI's CRL, OCSP and timestamp services.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option(
    "--serve", is_flag=True, help="Keep the hub, the nodes and their inboxes running (Ctrl+C)."
)
def demo(home: str | None, pki_port: int, as_json: bool, serve: bool) -> None:
    """Set up a demo workspace (database, test PKI, token, sample documents) and run an
    exchange between three agencies through a hub.

    Safe to run again: what is already there is reused.
    """
    from demo.run import run_demo

    summary = run_demo(home, pki_port=pki_port, progress=say, serve=wait_forever if serve else None)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    _print_demo(summary)


def _print_demo(summary) -> None:
    from demo.exchange import account_line

    pki = summary.pki
    token = summary.token
    services = summary.services
    lines = [
        (f"Thư mục làm việc: {summary.home}", f"Workspace: {summary.home}"),
        (f"Cơ sở dữ liệu: {summary.database}", f"Database: {summary.database}"),
        (
            f"PKI thử nghiệm: {pki['credentials']} chứng thư số trong {pki['folder']} "
            f"(trong đó {len(pki['bad_credentials'])} chứng thư lỗi để kiểm thử), "
            f"mật khẩu PKCS#12: {pki['pkcs12_password']}",
            f"Test PKI: {pki['credentials']} certificates in {pki['folder']} "
            f"({len(pki['bad_credentials'])} of them deliberately bad), "
            f"PKCS#12 password: {pki['pkcs12_password']}",
        ),
        (
            f"Neo tin cậy: {', '.join(pki['trust_anchors'])}",
            f"Trust anchors: {', '.join(pki['trust_anchors'])}",
        ),
        (
            f"Văn bản mẫu và ảnh chữ ký, con dấu: {len(summary.samples)} tệp trong samples/",
            f"Sample documents, signature images and seals: {len(summary.samples)} files "
            "in samples/",
        ),
    ]
    if token["created"]:
        lines.append(
            (
                f"Token SoftHSM2 «{token['label']}» (PIN {token['user_pin']}): "
                f"{len(token['keys'])} khóa; cấu hình {token['softhsm2_conf']}",
                f"SoftHSM2 token '{token['label']}' (PIN {token['user_pin']}): "
                f"{len(token['keys'])} keys; configuration {token['softhsm2_conf']}",
            )
        )
    else:
        lines.append(
            (
                f"Token SoftHSM2: bỏ qua. {token['reason_vi']}",
                f"SoftHSM2 token: skipped. {token['reason_en']}",
            )
        )
    lines.append(
        (
            f"Dịch vụ PKI tại {pki['base_url']}: OCSP chứng thư tốt → "
            f"{services['ocsp_good_certificate']}, "
            f"chứng thư bị thu hồi → {services['ocsp_revoked_certificate']}; "
            f"CRL có {services['crl_revoked_entries']} mục; TSA → {services['timestamp']}",
            f"PKI services at {pki['base_url']}: OCSP for a good certificate → "
            f"{services['ocsp_good_certificate']}, for the revoked one → "
            f"{services['ocsp_revoked_certificate']}; CRL lists {services['crl_revoked_entries']}; "
            f"TSA → {services['timestamp']}",
        )
    )
    exchange = summary.exchange
    if exchange:
        codes = ", ".join(f"{code}: {n}" for code, n in exchange["statuses"].items())
        lines.append(
            (
                f"Trao đổi qua trục {exchange['hub']}: {exchange['documents_sent']} văn bản gửi, "
                f"{exchange['delivered']} đã đến và kiểm tra chữ ký, {exchange['compliant']} "
                f"hợp lệ, {exchange['non_compliant']} bị trả lại; trạng thái {codes}",
                f"Exchange through the hub at {exchange['hub']}: {exchange['documents_sent']} "
                f"documents sent, {exchange['delivered']} delivered and verified, "
                f"{exchange['compliant']} compliant, {exchange['non_compliant']} returned; "
                f"statuses {codes}",
            )
        )
    lines += [account_line(account) for account in exchange.get("accounts", [])]
    if exchange.get("accounts"):
        lines.append(
            (
                "Mỗi cơ quan có một dự thảo chờ lãnh đạo ký (mật khẩu khóa edoc-demo). Các hộp "
                "thư chạy trong lúc demo; «edoc demo --serve» để giữ chúng chạy.",
                "Each agency has a draft waiting for its leader's signature (key password "
                "edoc-demo). The inboxes run while the demo runs; 'edoc demo --serve' keeps "
                "them running.",
            )
        )
    for vi, en in lines:
        click.echo(pick(vi, en))
