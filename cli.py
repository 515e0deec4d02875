"""The ``edoc`` command line.

Data goes to stdout, progress and messages to stderr; ``--json`` prints machine-readable
results. Exit codes: 0 all good, 1 error, 2 usage, 3 non-compliant documents found.
"""

import json
import os

import click

import edoc
from edoc.errors import EdocError

LANG_ENV = "EDOC_LANG"


class EdocGroup(click.Group):
    """A click group that turns :class:`EdocError` into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EdocError as error:
            lang = ctx.obj.get("lang", "vi") if isinstance(ctx.obj, dict) else "vi"
            prefix = "lỗi" if lang == "vi" else "error"
            click.echo(f"edoc: {prefix}: {error.message(lang)}", err=True)
            ctx.exit(1)


def say(vi: str, en: str) -> None:
    """A progress message on stderr, in the language of the current command."""
    click.echo(_pick(vi, en), err=True)


def _pick(vi: str, en: str) -> str:
    ctx = click.get_current_context(silent=True)
    lang = ctx.find_root().obj.get("lang", "vi") if ctx and ctx.find_root().obj else "vi"
    return vi if lang == "vi" else en


home_option = click.option(
    "--home",
    type=click.Path(file_okay=False),
    help="Workspace folder (default: $EDOC_HOME, else ./edoc-demo).",
)


@click.group(cls=EdocGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(edoc.__version__, prog_name="edoc")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=lambda: os.environ.get(LANG_ENV, "vi"),
    show_default="vi, or $EDOC_LANG",
    help="Language of messages and reports.",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """edoc: signed official documents for Vietnamese state agencies.

    Send and receive documents in edXML envelopes, sign them with PAdES as Nghị định 30
    asks, and check and audit their signatures.
    """
    ctx.obj = {"lang": lang}


@main.command()
@home_option
@click.option(
    "--pki-port",
    type=click.IntRange(1, 65535),
    default=18480,
    show_default=True,
    help="Loopback port of the test PKI's CRL, OCSP and timestamp services.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def demo(home: str | None, pki_port: int, as_json: bool) -> None:
    """Set up a demo workspace: database, test PKI, token, sample documents.

    Safe to run again: what is already there is reused.
    """
    from edoc.demo import run_demo

    summary = run_demo(home, pki_port=pki_port, progress=say)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    _print_demo(summary)


def _print_demo(summary) -> None:
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
    for vi, en in lines:
        click.echo(_pick(vi, en))
