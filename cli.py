"""The ``edoc`` command line.

Data goes to stdout, progress and messages to stderr; ``--json`` prints machine-readable
results. Exit codes: 0 all good, 1 error, 2 usage, 3 non-compliant documents found.
"""

import contextlib
import json
import logging
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

import edoc
from edoc.errors import EdocError
from edoc.exchange.outbox import MOST_RETRY_HOURS
from edoc.files import write_atomic

if TYPE_CHECKING:
    from web.service import Service

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
    # pyHanko logs a traceback for every signature it finds fault with: the reports say it
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    # pyHanko still imports cryptography's DSA types, which cryptography 51 deprecates: a notice
    # about a library's imports is no message for a clerk, and stderr carries only edoc's own
    warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")


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
@click.option(
    "--serve", is_flag=True, help="Keep the hub, the nodes and their inboxes running (Ctrl+C)."
)
def demo(home: str | None, pki_port: int, as_json: bool, serve: bool) -> None:
    """Set up a demo workspace (database, test PKI, token, sample documents) and run an
    exchange between three agencies through a hub.

    Safe to run again: what is already there is reused.
    """
    from edoc.demo import run_demo

    summary = run_demo(home, pki_port=pki_port, progress=say, serve=_forever if serve else None)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    _print_demo(summary)


def _forever() -> None:
    """Wait until interrupted (Ctrl+C)."""
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()


def _print_demo(summary) -> None:
    from edoc.demo_exchange import account_line

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
        click.echo(_pick(vi, en))


def _password(password_env: str | None, password_file: str | None, prompt: str) -> str:
    """A password or PIN from an environment variable, a file, or a hidden prompt; never argv."""
    if password_env:
        value = os.environ.get(password_env)
        if value is None:
            raise click.UsageError(f"environment variable {password_env} is not set")
        return value
    if password_file:
        return Path(password_file).read_text(encoding="utf-8").rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, default="", show_default=False, err=True)


def key_options(command):
    """The options that choose a signing key: a PKCS#12 file or a PKCS#11 token."""
    options = [
        click.option("--key", "key_file", type=click.Path(dir_okay=False), help="PKCS#12 file."),
        click.option("--password-env", metavar="VAR", help="Read the password or PIN from $VAR."),
        click.option(
            "--password-file",
            type=click.Path(exists=True, dir_okay=False),
            help="Read the password or PIN from a file.",
        ),
        click.option("--pkcs11-lib", type=click.Path(dir_okay=False), help="PKCS#11 library."),
        click.option("--token-label", help="Label of the token."),
        click.option("--key-label", help="Label of the key (and certificate) on the token."),
        click.option(
            "--key-cert",
            metavar="SHA256",
            help="Or choose the token key by its certificate's SHA-256 fingerprint.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_key(**key_args):
    """The signing key the options name, or None when they name none."""
    if not (key_args["key_file"] or key_args["pkcs11_lib"]):
        return None
    return _key_source(**key_args).open()


KEY_ARGS = (
    "key_file",
    "password_env",
    "password_file",
    "pkcs11_lib",
    "token_label",
    "key_label",
    "key_cert",
)


@main.group()
def envelope() -> None:
    """Build, read, check and sign edXML envelopes (QCVN 102:2016)."""


@envelope.command()
@click.argument("document", type=click.Path(exists=True, dir_okay=False))
@click.argument("attachments", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Envelope.")
@click.option("--metadata", type=click.Path(exists=True, dir_okay=False), help="JSON or TOML.")
@click.option("--from", "sender", help="Sending agency id.")
@click.option("--to", "recipients", multiple=True, help="Receiving agency id (repeatable).")
@click.option("--number", help="Số: the document number.")
@click.option("--notation", help="Ký hiệu: the notation, e.g. UBND-KT.")
@click.option("--subject", help="Trích yếu.")
@click.option("--date", "promulgation_date", help="Promulgation date, yyyy-mm-dd.")
@click.option("--place", help="Place of promulgation.")
@click.option("--type-name", help="Document type name, e.g. Công văn.")
@click.option("--signer-name", help="Full name of the person who signed.")
@click.option("--signer-position", help="Position of the person who signed.")
@click.option("--signer-competence", help="Competence, e.g. KT. CHỦ TỊCH.")
@click.option("--priority", type=click.IntRange(0, 4), help="0 normal … 4 express with deadline.")
@click.option("--agencies", type=click.Path(exists=True, dir_okay=False), help="Agency CSV.")
@click.option("--zip/--no-zip", "zipped", default=True, show_default=True, help="Zip each file.")
@click.option(
    "--business",
    type=click.Choice(["recall", "update", "replace"]),
    help="Recall, update or replace an earlier document (default: a new document).",
)
@click.option("--original", help="DocumentId of the document recalled, updated or replaced.")
@click.option("--reason", help="Why it is recalled, updated or replaced.")
@key_options
def pack(document, attachments, output, metadata, sender, recipients, agencies, zipped, **options):
    """Pack DOCUMENT (and ATTACHMENTS) into an edXML envelope, signed when a key is given.

    A recall, update or replace names the earlier document with --business and --original;
    the receivers an update adds or removes and the documents a replace replaces come from
    the metadata's "business" object (the one inspect --json and unpack's metadata.json show).
    """
    from edoc.agency import AgencyDirectory
    from edoc.envelope.build import build
    from edoc.envelope.dsig import sign_envelope
    from edoc.envelope.metadata import (
        attachment_from_file,
        document_from_metadata,
        read_metadata_file,
    )
    from edoc.errors import EnvelopeError

    key_args = {name: options.pop(name) for name in KEY_ARGS}
    rest = options
    meta = read_metadata_file(Path(metadata)) if metadata else {}
    overrides = {
        "from": sender,
        "to": list(recipients) or None,
        "subject": rest["subject"],
        "promulgation_date": rest["promulgation_date"],
        "place": rest["place"],
        "priority": rest["priority"],
    }
    meta |= {k: v for k, v in overrides.items() if v is not None}
    if rest["number"] or rest["notation"]:
        meta["code"] = (meta.get("code") or {}) | {
            k: v for k, v in (("number", rest["number"]), ("notation", rest["notation"])) if v
        }
    if rest["type_name"]:
        given = meta.get("document_type")  # an object, or the name as inspect --json writes it
        name = rest["type_name"]
        meta["document_type"] = given | {"type_name": name} if isinstance(given, dict) else name
    signer = {
        "full_name": rest["signer_name"],
        "position": rest["signer_position"],
        "competence": rest["signer_competence"],
    }
    meta["signer"] = (meta.get("signer") or {}) | {k: v for k, v in signer.items() if v}
    business = _business_options(
        meta.get("business"), rest["business"], rest["original"], rest["reason"]
    )
    if business is not None:
        meta["business"] = business
    directory = AgencyDirectory.builtin()
    if agencies:
        directory.load_csv(Path(agencies))
    files = [attachment_from_file(f, zipped) for f in [Path(document), *map(Path, attachments)]]
    try:
        message = document_from_metadata(meta, files, directory)
        data = build(message)
    except EnvelopeError as error:
        error.path = error.path or metadata  # the header is the file's (and options over it)
        raise
    key = load_key(**key_args)
    if key is not None:
        data = sign_envelope(data, key.private_key, key.certificate, key.chain)
    write_atomic(Path(output), data)
    say(f"Đã đóng gói {output} ({message.document_id})", f"Packed {output} ({message.document_id})")


def _business_options(
    business: object, kind: str | None, original: str | None, reason: str | None
) -> object:
    """The metadata's business object with --business, --original and --reason over it;
    a usage error for options that do not go together (the object itself is checked when
    the message is made)."""
    options = {"type": kind, "document_id": original, "reason": reason}
    given = {key: value for key, value in options.items() if value is not None}
    if not given or not isinstance(business, dict | None):
        return business
    merged = (business or {}) | given
    label = merged.get("type") or "new"
    if label == "new":
        raise click.UsageError("--original and --reason need --business recall|update|replace")
    if not (merged.get("document_id") or (label == "replace" and merged.get("replacements"))):
        raise click.UsageError(f"--business {label} needs --original DOCUMENT_ID")
    for key, fits in (("receivers", "update"), ("replacements", "replace")):
        if merged.get(key) and label != fits:
            raise click.UsageError(
                f"--business {label} does not go with the metadata's business.{key} "
                f"(for --business {fits} only)"
            )
    return merged


def _describe(file: str) -> tuple[dict, object]:
    from edoc.envelope.dsig import verify_envelope
    from edoc.envelope.metadata import describe
    from edoc.envelope.parse import parse
    from edoc.errors import EnvelopeError
    from edoc.files import read_input

    data = read_input(file, EnvelopeError)
    try:
        parsed = parse(data)
        return describe(parsed, verify_envelope(data)), parsed
    except EnvelopeError as error:
        error.path = error.path or file
        raise


@envelope.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def inspect(file: str, as_json: bool) -> None:
    """Print what the envelope FILE says: sender, recipients, code, attachments, signature."""
    summary, _ = _describe(file)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for vi, en, value in _inspect_lines(summary):
        click.echo(f"{_pick(vi, en)}: {value}")
    for warning in summary["warnings"]:
        click.echo(
            f"{_pick('Cảnh báo', 'Warning')} {warning['code']}: "
            f"{_pick(warning['message_vi'], warning['message'])}"
        )


def _inspect_lines(summary: dict) -> list[tuple[str, str, str]]:
    signature = summary["signature"]
    if not signature["present"]:
        signed = _pick("không có", "none")
    else:
        state = _pick("hợp lệ", "valid") if signature["valid"] else _pick("SAI", "BROKEN")
        signed = f"{state}, {signature['algorithm']}, {signature['signer']}"
    sender = summary["from"]
    lines = [
        ("Loại gói tin", "Kind", summary["kind"]),
        ("Mã văn bản", "DocumentId", summary["document_id"]),
        ("Nơi gửi", "From", f"{sender['organ_name']} ({sender['organ_id']})"),
    ]
    if summary["kind"] == "status":
        status = summary["status"]
        lines.append(
            (
                "Trạng thái",
                "Status",
                f"{summary['status_code']} {_pick(status['vi'], status['en'])}",
            )
        )
        lines.append(("Thời điểm", "Time", summary["timestamp"]))
        lines += _staff_lines(summary["staff"])
    else:
        code = summary["code"]
        recipients = ", ".join(f"{t['organ_name']} ({t['organ_id']})" for t in summary["to"])
        lines += [
            ("Nơi nhận", "To", recipients),
            ("Số, ký hiệu", "Number/notation", f"{code['number']}/{code['notation']}"),
            ("Ngày ban hành", "Date", summary["promulgation_date"]),
            ("Trích yếu", "Subject", summary["subject"]),
            ("Nghiệp vụ", "Business", summary["business_type"]),
        ]
        lines += _business_lines(summary["business"])
        lines += _extension_lines(summary)
        lines += _staff_lines(summary["business"] and summary["business"]["staff"])
        for attachment in summary["attachments"]:
            lines.append(
                (
                    "Tệp đính kèm",
                    "Attachment",
                    f"{attachment['name']} ({attachment['size']} B, "
                    f"sha256 {attachment['sha256'][:16]}…)",
                )
            )
    lines.append(("Chữ ký gói tin", "Envelope signature", signed))
    return lines


def _business_lines(business: dict | None) -> list[tuple[str, str, str]]:
    """What a recall, update or replace is about, for ``inspect``."""
    if business is None:
        return []
    lines = []
    if business["document_id"]:
        lines.append(("Văn bản gốc", "Original document", business["document_id"]))
    if business["reason"]:
        lines.append(("Lý do", "Reason", business["reason"]))
    for receiver_type, vi, en in (
        (1, "Thêm nơi nhận", "Receiver added"),
        (0, "Bỏ nơi nhận", "Receiver removed"),
    ):
        lines += [
            (vi, en, receiver["organ_id"])
            for receiver in business["receivers"]
            if receiver["receiver_type"] == receiver_type
        ]
    lines += [
        ("Thay thế", "Replaces", f"{r['document_id']} ({', '.join(r['organ_ids'])})")
        for r in business["replacements"]
    ]
    return lines


def _extension_lines(summary: dict) -> list[tuple[str, str, str]]:
    """The SDK's extensions of a document, for ``inspect``: only those the sender gave."""
    lines = []
    if summary["task_codes"]:
        lines.append(("Mã nhiệm vụ", "Task codes", ", ".join(summary["task_codes"])))
    if summary["application_type"]:
        lines.append(("Loại ứng dụng", "Application type", summary["application_type"]))
    if summary["direction"] is not None:  # as the SDK writes it: its meaning is the sender's
        lines.append(("Direction", "Direction", str(summary["direction"]).lower()))
    if summary["reply_fors"]:
        lines.append(("Trả lời văn bản", "Replies to", summary["reply_fors"]))
    if summary["reference_codes"]:
        lines.append(("Mã tham chiếu", "Reference codes", summary["reference_codes"]))
    return lines


def _staff_lines(staff: dict | None) -> list[tuple[str, str, str]]:
    """Who sent the message (StaffInfo), for ``inspect``: each name with its id, then how to
    reach them; nothing when the sender named no one."""
    if not staff:
        return []
    parts = [
        f"{name} ({identifier})" if name and identifier else name or identifier
        for name, identifier in (
            (staff["staff"], staff["staff_id"]),
            (staff["department"], staff["department_id"]),
            (staff["email"], ""),
            (staff["mobile"], ""),
        )
    ]
    shown = ", ".join(part for part in parts if part)
    return [("Người gửi", "Sent by", shown)] if shown else []


@envelope.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def validate(file: str, as_json: bool) -> None:
    """Check envelope FILE against edoc's XSD of QCVN 102; exit 3 when it breaks it."""
    from edoc.envelope.validate import validate as validate_envelope
    from edoc.errors import EnvelopeError
    from edoc.files import read_input

    violations = validate_envelope(read_input(file, EnvelopeError))
    if as_json:
        found = [
            {"path": v.path, "line": v.line, "message_vi": v.message_vi, "message": v.message_en}
            for v in violations
        ]
        click.echo(
            json.dumps({"file": file, "valid": not found, "violations": found}, ensure_ascii=False)
        )
    else:
        for violation in violations:
            where = f"{file}:{violation.line}" if violation.line else file
            click.echo(f"{where}: {_pick(violation.message_vi, violation.message_en)}")
        if not violations:
            click.echo(_pick(f"{file}: hợp lệ", f"{file}: valid"))
    if violations:
        sys.exit(3)


@envelope.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder.")
def unpack(file: str, output: str) -> None:
    """Write the attachments of envelope FILE and a metadata.json into a folder."""
    from edoc.envelope.attachment_files import file_name

    summary, parsed = _describe(file)
    folder = Path(output)
    attachments = parsed.message.attachments if parsed.message.kind == "document" else ()
    taken = {"metadata.json"}
    for number, attachment in enumerate(attachments, start=1):
        name = file_name(attachment, number)  # the sender's, unless it leads out of the folder
        name = f"{number}-{name}" if name.lower() in taken else name  # nor over another file
        taken.add(name.lower())
        write_atomic(folder / name, attachment.data)
        say(f"Đã ghi {folder / name}", f"Wrote {folder / name}")
    metadata = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    write_atomic(folder / "metadata.json", metadata.encode())
    click.echo(str(folder / "metadata.json"))


@envelope.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--code",
    "status_code",
    required=True,
    type=click.Choice(["01", "02", "03", "04", "05", "06", "13", "15", "16"]),
)
@click.option("--from", "sender", required=True, help="Agency id of the one answering.")
@click.option("--from-name", help="Its name (default: from the agency directory).")
@click.option("--description", default="", help="Reason or note; required to return (02).")
@click.option("--staff", default="", help="The clerk answering.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@key_options
def status(file, status_code, sender, from_name, description, staff, output, **key_args):
    """Build a status message answering the document envelope FILE."""
    import datetime as dt

    from edoc.agency import AgencyDirectory
    from edoc.envelope.build import build
    from edoc.envelope.dsig import sign_envelope
    from edoc.envelope.metadata import organization
    from edoc.envelope.model import ResponseFor, StaffInfo, StatusCode, StatusMessage

    if status_code == "02" and not description.strip():
        raise click.UsageError("returning a document (02) needs --description with the reason")
    _, parsed = _describe(file)
    original = parsed.message
    if original.kind != "document":
        raise click.UsageError(f"{file} is a status message; answer a document message")
    answer = StatusMessage(
        sender=organization(
            {"organ_id": sender, "organ_name": from_name or ""}, AgencyDirectory.builtin(), "from"
        ),
        response_for=ResponseFor(
            original.sender.organ_id,
            str(original.code),
            original.promulgation_date,
            original.document_id,
        ),
        status_code=StatusCode(status_code),
        timestamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
        description=description,
        staff=StaffInfo(staff=staff) if staff else None,
    )
    data = build(answer)
    key = load_key(**key_args)
    if key is not None:
        data = sign_envelope(data, key.private_key, key.certificate, key.chain)
    write_atomic(Path(output), data)
    say(
        f"Đã tạo gói tin trạng thái {status_code}: {output}",
        f"Built status message {status_code}: {output}",
    )


@main.group()
def sign() -> None:
    """Sign PDF documents with PAdES, as Nghị định 30 asks, in batches."""


def batch_options(command):
    """Inputs, output folder, key, level and batch options shared by every ``sign`` command."""
    options = [
        click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True)),
        click.option("-o", "--output", required=True, type=click.Path(file_okay=False)),
        click.option("--recursive", is_flag=True, help="Sign the PDFs of sub-folders too."),
        click.option("--tsa", "tsa_url", help="RFC 3161 timestamp server: signs at level B-T."),
        click.option(
            "--ltv", is_flag=True, help="Embed validation data: level B-LT (needs --tsa)."
        ),
        click.option(
            "--trust",
            multiple=True,
            type=click.Path(exists=True),
            help="Trust anchors for --ltv: PEM/DER files or folders (repeatable).",
        ),
        click.option("--json", "as_json", is_flag=True, help="One JSON object per document."),
        click.option(
            "--jobs", type=click.IntRange(1), default=None, help="Processes (default: all cores)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return key_options(command)


def _key_source(
    key_file, password_env, password_file, pkcs11_lib, token_label, key_label, key_cert
):
    from signing.batch import KeySource

    if bool(key_file) == bool(pkcs11_lib):
        raise click.UsageError("give a key: either --key FILE.p12 or --pkcs11-lib with labels")
    if pkcs11_lib and not (token_label and (key_label or key_cert)):
        raise click.UsageError("--pkcs11-lib needs --token-label and --key-label or --key-cert")
    prompt = "PKCS#12 password" if key_file else "Token PIN"
    return KeySource(
        pkcs12=Path(key_file) if key_file else None,
        password=_password(password_env, password_file, prompt),
        pkcs11_lib=Path(pkcs11_lib) if pkcs11_lib else None,
        token_label=token_label,
        key_label=key_label,
        certificate_sha256=key_cert,
    )


def _run_batch(kind: str, options: dict, **spec_fields) -> None:
    from signing.batch import Kind, SignSpec, plan, sign_batch
    from signing.pades import Level, Options
    from signing.trust import load_certificates

    key = _key_source(*(options.pop(name) for name in KEY_ARGS))
    tsa_url = options["tsa_url"]
    if options["ltv"] and not (tsa_url and options["trust"]):
        raise click.UsageError("--ltv needs --tsa and --trust")
    level = Level.B_LT if options["ltv"] else Level.B_T if tsa_url else Level.B_B
    trust = tuple(load_certificates(Path(p) for p in options["trust"]))
    spec = SignSpec(Kind(kind), key, options=Options(level, tsa_url, trust), **spec_fields)
    pairs = plan(
        [Path(p) for p in options["inputs"]], Path(options["output"]), options["recursive"]
    )
    counts = {"signed": 0, "skipped": 0, "error": 0}
    with click.progressbar(length=len(pairs), file=sys.stderr, label="edoc sign") as bar:
        for outcome in sign_batch(spec, pairs, options["jobs"]):
            bar.update(1)
            counts[outcome.status] += 1
            if options["as_json"]:
                click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
            elif outcome.status == "error":
                click.echo(_pick(outcome.error_vi, outcome.error_en), err=True)
            elif outcome.status == "skipped":
                click.echo(
                    _pick(
                        f"{outcome.input}: đã có chữ ký, bỏ qua",
                        f"{outcome.input}: already signed, skipped",
                    ),
                    err=True,
                )
            else:
                click.echo(outcome.output)
    say(
        f"{counts['signed']} đã ký, {counts['skipped']} bỏ qua, {counts['error']} lỗi",
        f"{counts['signed']} signed, {counts['skipped']} skipped, {counts['error']} failed",
    )
    if counts["error"]:
        sys.exit(1)


def _box(page: int | None, box: str | None):
    from signing.geometry import Box

    if box is None:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in box.split(","))
    except ValueError as error:
        raise click.BadParameter(
            "expected X1,Y1,X2,Y2 in PDF points", param_hint="--box"
        ) from error
    return Box(page or 1, x1, y1, x2, y2)


def _read_image(path: str) -> bytes:
    from edoc.errors import SigningError
    from edoc.files import read_input

    return read_input(path, SigningError)


@sign.command()
@batch_options
@click.option(
    "--image",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The signer's signature image (PNG, transparent).",
)
@click.option("--field", help="Sign into this empty signature field of each document.")
@click.option("--anchor", help="Sign above this printed text (default: the signer's name).")
@click.option("--page", type=click.IntRange(1), help="Page of --box (default 1).")
@click.option("--box", help="X1,Y1,X2,Y2 of the signature area, in PDF points.")
def personal(image, field, anchor, page, box, **options):
    """The competent person's signature on each document."""
    from signing.position import Anchor, Field

    chosen = [w for w in (field, anchor, box) if w]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --field, --anchor or --box")
    where = Field(field) if field else Anchor(anchor) if anchor else _box(page, box)
    _run_batch("personal", options, image=_read_image(image), where=where)


@sign.command()
@batch_options
@click.option(
    "--seal",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The agency's seal image (PNG, transparent).",
)
@click.option(
    "--seal-diameter",
    type=click.FloatRange(10, 60),
    default=36.0,
    show_default=True,
    help="The seal's real diameter in mm.",
)
@click.option(
    "--allow-missing-personal",
    is_flag=True,
    help="Sign even without a personal signature (marked in the signature).",
)
def organisation(seal, seal_diameter, allow_missing_personal, **options):
    """The agency's signature, over the personal one, on each document."""
    _run_batch(
        "organisation",
        options,
        image=_read_image(seal),
        seal_diameter_mm=seal_diameter,
        allow_missing_personal=allow_missing_personal,
    )


@sign.command()
@batch_options
@click.option(
    "--code", required=True, help="Number/notation of the main document, e.g. 1234/UBND-KT."
)
def attachment(code, **options):
    """The agency's signature on attachments and appendixes, with their text stamp."""
    _run_batch("attachment", options, code=code)


@sign.command()
@batch_options
@click.option(
    "--copy-form",
    type=click.Choice(["SAO Y", "SAO LỤC", "TRÍCH SAO"]),
    default="SAO Y",
    show_default=True,
)
@click.option(
    "--agency-name", default="", help="The copying agency (default: from the certificate)."
)
def copy(copy_form, agency_name, **options):
    """The copying agency's signature on electronic copies."""
    _run_batch("copy", options, copy_form=copy_form, agency_name=agency_name)


def verification_options(command):
    """The options that say how documents are verified: policy, anchors, revocation, jobs."""
    options = [
        click.option(
            "--policy", default="default", show_default=True,
            help="Policy TOML file, or a shipped one: default, strict.",
        ),
        click.option(
            "--trust", multiple=True, type=click.Path(exists=True),
            help="Trust anchors: PEM/DER files or folders (repeatable; added to the policy's).",
        ),
        click.option(
            "--revocation", type=click.Choice(["off", "soft", "hard"]),
            help="OCSP/CRL checking (default: the policy's).",
        ),
        click.option(
            "--jobs", type=click.IntRange(1), default=None,
            help="Processes (default: all cores).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _chosen_policy(policy: str, trust: tuple[str, ...], revocation: str | None):
    from signing.policy import load_policy
    from signing.trust import load_certificates

    return load_policy(policy).with_options(
        tuple(load_certificates(Path(p) for p in trust)), revocation
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--recursive", is_flag=True, help="Verify the PDFs of sub-folders too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
@verification_options
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Also write an HTML report."
)
@click.pass_context
def verify(ctx, inputs, recursive, as_json, policy, trust, revocation, jobs, html_out) -> None:
    """Check the signatures of PDF documents against Nghị định 30 and the policy.

    Exit code 0: every document compliant; 3: some non-compliant or indeterminate;
    1: some file could not be read (it is reported and the others still verified).
    """
    import datetime as dt

    from signing.batch import pdf_files
    from signing.render import html_report, text_report
    from signing.verify_batch import verify_batch

    lang = ctx.find_root().obj["lang"]
    chosen = _chosen_policy(policy, trust, revocation)
    paths = [path for path, _ in pdf_files([Path(p) for p in inputs], recursive)]
    outcomes = []
    with click.progressbar(length=len(paths), file=sys.stderr, label="edoc verify") as bar:
        for outcome in verify_batch(paths, chosen, jobs):
            bar.update(1)
            outcomes.append(outcome)
            if as_json:
                click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
            else:
                click.echo(text_report(outcome, lang))
    if html_out:
        page = html_report(outcomes, lang, dt.datetime.now(dt.UTC))
        write_atomic(Path(html_out), page.encode("utf-8"))
    verdicts = [o.report.verdict.value if o.report else "error" for o in outcomes]
    counts = {
        v: verdicts.count(v) for v in ("compliant", "non_compliant", "indeterminate", "error")
    }
    say(
        f"{len(outcomes)} văn bản: {counts['compliant']} đạt, {counts['non_compliant']} không đạt, "
        f"{counts['indeterminate']} chưa xác định, {counts['error']} không đọc được",
        f"{len(outcomes)} documents: {counts['compliant']} compliant, "
        f"{counts['non_compliant']} non-compliant, {counts['indeterminate']} indeterminate, "
        f"{counts['error']} unreadable",
    )
    if counts["error"]:
        sys.exit(1)
    if counts["non_compliant"] or counts["indeterminate"]:
        sys.exit(3)


@main.command()
@home_option
@click.option("--policy", default="default", show_default=True, help="Verification policy.")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every PDF whose revocation status is unknown, not only due ones.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def recheck(home, policy, every, as_json) -> None:
    """Verify again a node's or hub's stored PDFs whose revocation status was unknown (the
    CA's OCSP and CRL servers unreachable), as a running node does by itself.

    Exit code 0: every one now has its status; 3: some are still unknown (tried again later).
    """
    import datetime as dt

    from edoc.exchange.recheck import recheck_due
    from edoc.exchange.runtime import AGENCY, open_hub, open_node
    from edoc.workspace import open_workspace
    from signing.policy import load_policy

    workspace = open_workspace(home)
    organ_id, chosen = workspace.get_setting(AGENCY), load_policy(policy)
    service = open_node(workspace, organ_id, chosen) if organ_id else open_hub(workspace, chosen)
    done = recheck_due(service, dt.datetime.max.replace(tzinfo=dt.UTC) if every else None)
    unknown = done.verified - done.settled
    if as_json:
        click.echo(json.dumps({"verified": done.verified, "settled": done.settled}))
    say(
        f"Đã kiểm tra lại {done.verified} tệp PDF: {done.settled} đã rõ tình trạng thu hồi, "
        f"{unknown} vẫn chưa rõ (sẽ thử lại sau)",
        f"Verified {done.verified} PDF(s) again: {done.settled} now with their revocation "
        f"status, {unknown} still unknown (tried again later)",
    )
    if unknown:
        sys.exit(3)


def _secret(variable: str, what: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise click.UsageError(f"{what}: set the environment variable {variable}")
    return value


@main.command()
@home_option
@click.option("--role", type=click.Choice(["node", "hub"]), default="node", show_default=True)
@click.option("--agency", help="The agency of this node (either id form); role node.")
@click.option("--hub", "hub_url", help="The hub's URL, e.g. http://127.0.0.1:18500; role node.")
@click.option(
    "--hub-api",
    type=click.Choice(["edoc", "vdxp"]),
    help="The API the hub speaks: edoc's own (the default), or the national hub's SDK API "
    "(vdxp); role node.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=18500, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Serve with gunicorn, in this many processes (production: 2 x cores + 1); "
    "without it, one process.",
)
@click.option(
    "--token-env",
    default="EDOC_NODE_TOKEN",
    show_default=True,
    help="Variable holding this node's token at the hub; role node.",
)
@click.option(
    "--hub-token-env",
    default="EDOC_HUB_TOKEN",
    show_default=True,
    help="Variable holding the token the hub presents to nodes.",
)
@click.option(
    "--system-id-env",
    default="EDOC_VDXP_SYSTEM_ID",
    show_default=True,
    help="Variable holding this node's system id at an SDK API hub; role node, --hub-api vdxp.",
)
@click.option(
    "--secret-env",
    default="EDOC_VDXP_SECRET",
    show_default=True,
    help="Variable holding this node's secret at an SDK API hub; role node, --hub-api vdxp.",
)
@click.option("--policy", default="default", show_default=True, help="Verification policy.")
@click.option(
    "--org-key",
    type=click.Path(exists=True, dir_okay=False),
    help="The agency's PKCS#12, for clerks to sign what they send.",
)
@click.option("--org-key-password-env", default="EDOC_ORG_KEY_PASSWORD", show_default=True)
@click.option("--seal", type=click.Path(exists=True, dir_okay=False), help="The agency's seal PNG.")
@click.option(
    "--trusted-proxies",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    envvar="EDOC_TRUSTED_PROXIES",
    help="How many reverse proxies are in front (their X-Forwarded-For gives the client's "
    "address); 0: the header is ignored.",
)
@click.option(
    "--retry-hours",
    type=click.FloatRange(0, MOST_RETRY_HOURS),
    default=72,
    show_default=True,
    envvar="EDOC_RETRY_HOURS",
    help="How long a message is retried before it is marked undeliverable.",
)
def serve(
    home, role, agency, hub_url, hub_api, host, port, workers, token_env, hub_token_env,
    system_id_env, secret_env, policy, org_key, org_key_password_env, seal, trusted_proxies,
    retry_hours,
) -> None:  # fmt: skip
    """Serve an agency's node (its inbox and exchange API) or the hub until interrupted,
    delivering its outbox, clearing files of transactions that never committed and
    verifying again the PDFs whose revocation status was unknown."""
    from web.service import ServeOptions, build_service

    options = ServeOptions(
        home=home, role=role, agency=agency, hub_url=hub_url, hub_api=hub_api, policy=policy,
        hub_token_env=hub_token_env, node_token_env=token_env, system_id_env=system_id_env,
        secret_env=secret_env, org_key=org_key, org_key_password_env=org_key_password_env,
        seal=seal, trusted_proxies=trusted_proxies, retry_hours=retry_hours,
    )  # fmt: skip
    service = build_service(options)  # checks the options, migrates, keeps the settings
    if service.role == "node" and not service.delivers:
        say(
            "Chưa có trục: văn bản gửi đi được xếp hàng đến khi có --hub.",
            "No hub yet: documents sent are queued until --hub is given.",
        )
    if workers:
        from web.production import serve_with_gunicorn

        service.close()  # each worker builds its own
        url = f"http://{host}:{port}"
        serve_with_gunicorn(options, host, port, workers, ready=lambda: say(
            f"edoc {role} phục vụ tại {url} ({workers} tiến trình gunicorn)",
            f"edoc {role} serving at {url} ({workers} gunicorn workers)",
        ))  # fmt: skip
    else:
        _serve_in_process(service, host, port)


def _serve_in_process(service: "Service", host: str, port: int) -> None:
    """werkzeug's threads in this process, and the background workers, until Ctrl+C."""
    from edoc.server import BackgroundServer, port_refused

    try:
        server = BackgroundServer(service.app, host, port).start()
    except OSError as error:
        service.close()
        raise port_refused(port, error) from error
    service.start()
    say(
        f"edoc {service.role} phục vụ tại {server.url}",
        f"edoc {service.role} serving at {server.url}",
    )
    try:
        _forever()
    finally:
        server.stop()
        service.close()


@main.group()
def hub() -> None:
    """The hub's registry of agencies, their nodes, and the systems of the SDK API."""


@hub.command()
@home_option
@click.argument("agency")
@click.option("--url", required=True, help="The agency node's URL.")
@click.option("--name", default="", help="The agency's name (default: from the directory).")
@click.option(
    "--token-env", required=True, help="Variable holding the token this node will present."
)
def register(home, agency, url, name, token_env) -> None:
    """Register an agency's node at the hub (again: update it)."""
    from edoc.agency import AgencyDirectory, AgencyId
    from edoc.envelope.metadata import organization
    from edoc.exchange.runtime import open_hub
    from edoc.workspace import open_workspace
    from signing.policy import DEFAULT_POLICY

    organ_id = str(AgencyId.parse(agency))
    name = name or organization(organ_id, AgencyDirectory.builtin(), "agency").organ_name
    hub = open_hub(open_workspace(home), DEFAULT_POLICY)
    hub.register(organ_id, name, url, _secret(token_env, "the token"))
    say(f"Đã đăng ký {organ_id} tại {url}", f"Registered {organ_id} at {url}")


@hub.command("register-system")
@home_option
@click.argument("system_id")
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    required=True,
    help="An agency the system sends and fetches for (repeatable; either id form).",
)
@click.option("--name", default="", help="The system's name, e.g. the DMS and its owner.")
@click.option(
    "--secret-env", required=True, help="Variable holding the secret shared with the system."
)
def register_system(home, system_id, agencies, name, secret_env) -> None:
    """Register a system that speaks the national hub's SDK API (a document management system,
    a province's platform, an edoc node with --hub-api vdxp) and the agencies it speaks for
    (again: update it). What the hub routes to them waits until the system fetches it."""
    from edoc.agency import AgencyDirectory, AgencyId
    from edoc.exchange.runtime import open_hub
    from edoc.workspace import open_workspace
    from signing.policy import DEFAULT_POLICY

    secret = _secret(secret_env, "the system's secret")
    if len(secret) < 16:
        raise click.UsageError(f"the secret in {secret_env} is too short: 16 characters or more")
    directory = AgencyDirectory.builtin()
    ids = [AgencyId.parse(agency) for agency in agencies]
    named = {str(i): known.name if (known := directory.get(i)) else "" for i in ids}
    hub = open_hub(open_workspace(home), DEFAULT_POLICY)
    taken = hub.register_system(system_id, name, secret, named)
    listed = ", ".join(named)
    say(
        f"Đã đăng ký hệ thống {system_id} cho {listed}",
        f"Registered system {system_id} for {listed}",
    )
    if taken:
        others = ", ".join(taken)
        say(
            f"{others} trước do nút hoặc hệ thống khác gửi, nhận: nay chỉ {system_id} được.",
            f"{others} had another node or system: now only {system_id} sends and fetches for "
            "them.",
        )


@main.command()
@home_option
@click.argument("envelope", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "recipients", multiple=True, help="Only to these of its recipients.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def send(home, envelope, recipients, as_json) -> None:
    """Queue an envelope for its recipients; the node's outbox delivers it, retrying."""
    from edoc.agency import AgencyId
    from edoc.exchange.runtime import node_settings, open_node
    from edoc.exchange.send import send_envelope
    from edoc.files import read_input
    from edoc.workspace import open_workspace
    from signing.policy import DEFAULT_POLICY

    workspace = open_workspace(home)
    settings = node_settings(workspace)
    node = open_node(workspace, settings.organ_id, DEFAULT_POLICY)
    only = [str(AgencyId.parse(r)) for r in recipients]
    queued = send_envelope(node, read_input(Path(envelope)), only or None)
    if as_json:
        click.echo(json.dumps({"document": queued.document_pk, "queued": queued.created}))
    elif queued.created:
        say(f"{envelope}: đã xếp hàng gửi", f"{envelope}: queued for delivery")
    else:
        say(f"{envelope}: đã gửi trước đó, không gửi lại", f"{envelope}: already sent, not again")


@main.group()
def inbox() -> None:
    """A node's received documents, and the clerk's statuses for them."""


@inbox.command("list")
@home_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
def inbox_list(home, as_json) -> None:
    """The documents this node received, newest first, each with the verdict on its PDFs
    (compliant, non_compliant, indeterminate, or unverified when it has none)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from edoc.audit.entries import verdict_of
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.storage.models import Attachment, Direction, Document
    from edoc.timezone import to_vietnam
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    settings = node_settings(workspace)
    with sessions(workspace.engine)() as session:
        rows = session.scalars(
            select(Document)
            .where(Document.owner_organ_id == settings.organ_id)
            .where(Document.direction == Direction.RECEIVED)
            .order_by(Document.received_at.desc())
            .options(selectinload(Document.attachments).selectinload(Attachment.report))
        ).all()
    for row in rows:
        shown = to_vietnam(row.received_at).strftime("%d/%m/%Y %H:%M")
        verdict = verdict_of([a.report.verdict for a in row.attachments if a.report])
        if as_json:
            record = {
                "id": row.id, "received_at": to_vietnam(row.received_at).isoformat(),
                "code": f"{row.number}/{row.notation}", "from": row.sender_organ_id,
                "subject": row.subject, "status": row.status_code, "verdict": verdict,
                "folder": row.folder,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            code = f"{row.number}/{row.notation}"
            click.echo(
                f"{row.id:>5}  {shown}  {code:<20} {row.sender_organ_id}  {row.status_code}  "
                f"{verdict:<13} {row.subject}"
            )


@inbox.command("act")
@home_option
@click.argument("document", type=int)
@click.option(
    "--code",
    type=click.Choice(["02", "03", "04", "05", "06"]),
    required=True,
    help="02 return (needs --reason), 03 accept, 04 assign, 05 in progress, 06 complete.",
)
@click.option("--reason", default="", help="Why (required to return).")
@click.option("--assignee", default="", help="The person or department assigned (required for 04).")
@click.option(
    "--despite-failed-check",
    is_flag=True,
    help="Accept (03) a document whose signature check failed, confirmed and recorded.",
)
@click.option("--staff", default="", help="The clerk acting.")
def inbox_act(home, document, code, reason, assignee, despite_failed_check, staff) -> None:
    """Record the clerk's status on a received document, in the processing order; the
    sender is told."""
    from edoc.envelope.model import StatusCode
    from edoc.exchange.actions import act
    from edoc.exchange.runtime import node_settings, open_node
    from edoc.workspace import open_workspace
    from signing.policy import DEFAULT_POLICY

    workspace = open_workspace(home)
    node = open_node(workspace, node_settings(workspace).organ_id, DEFAULT_POLICY)
    recorded = act(
        node, document, StatusCode(code), staff=staff, reason=reason, assignee=assignee,
        despite_failed_check=despite_failed_check,
    )  # fmt: skip
    if not recorded.created:
        say(
            f"Văn bản {document}: trạng thái {code} đã được ghi trước đó, không ghi lại",
            f"Document {document}: status {code} was recorded already, not again",
        )
        return
    say(
        f"Văn bản {document}: đã ghi trạng thái {code}",
        f"Document {document}: status {code} recorded",
    )


@main.group()
def outbox() -> None:
    """A node's deliveries: those given up (undeliverable), and putting one back in the queue."""


@outbox.command("list")
@home_option
def outbox_list(home) -> None:
    """The deliveries this node gave up: their id, when, the recipient and why."""
    from edoc.exchange.outbox import undeliverable
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.timezone import to_vietnam
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    organ_id = node_settings(workspace).organ_id
    for row in undeliverable(sessions(workspace.engine), organ_id):
        stopped = to_vietnam(row.updated_at).strftime("%d/%m/%Y %H:%M")
        click.echo(f"{row.id:>5}  {stopped}  {row.recipient_organ_id}  {row.last_error}")


@outbox.command("retry")
@home_option
@click.argument("delivery", type=int)
def outbox_retry(home, delivery) -> None:
    """Put an undeliverable delivery back in the queue, tried again for a fresh window."""
    from edoc.exchange.outbox import retry
    from edoc.storage.database import sessions
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    if retry(sessions(workspace.engine), delivery):
        say(
            f"Lần chuyển {delivery}: đã xếp hàng gửi lại",
            f"Delivery {delivery}: queued to be sent again",
        )
    else:
        say(
            f"Lần chuyển {delivery}: đã xếp hàng gửi lại trước đó",
            f"Delivery {delivery}: already queued again",
        )


@main.group()
def user() -> None:
    """The people who use a node's inbox."""


@user.command("add")
@home_option
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "leader", "auditor", "admin"]), required=True)
@click.option("--agency", help="Their agency (default: the node's).")
@click.option("--full-name", default="", help="Their full name, as the inbox shows it.")
@click.option("--password-env", required=True, help="Variable holding the password.")
def user_add(home, username, role, agency, full_name, password_env) -> None:
    """Add a user to this node's inbox."""
    from edoc.agency import AgencyId
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.storage.models import UserRole
    from edoc.workspace import open_workspace
    from web.users import add_user

    workspace = open_workspace(home)
    organ_id = str(AgencyId.parse(agency)) if agency else node_settings(workspace).organ_id
    password = _secret(password_env, "the password")
    add_user(sessions(workspace.engine), username, password, organ_id, UserRole(role), full_name)
    say(f"Đã thêm {username} ({role}, {organ_id})", f"Added {username} ({role}, {organ_id})")


@user.command("key")
@home_option
@click.argument("username")
@click.option(
    "--pkcs12", "pkcs12_path", type=click.Path(dir_okay=False), required=True,
    help="Their personal PKCS#12 (kept as it is, under its own password).",
)  # fmt: skip
@click.option(
    "--image", type=click.Path(dir_okay=False), required=True,
    help="Their handwritten signature (PNG or JPEG).",
)  # fmt: skip
@click.option("--password-env", required=True, help="Variable holding the PKCS#12 password.")
def user_key(home, username, pkcs12_path, image, password_env) -> None:
    """Hold a leader's personal key on the server, to sign in the inbox with its password
    (checked now, never stored)."""
    from edoc.exchange.runtime import blob_store
    from edoc.files import read_input
    from edoc.storage.database import sessions
    from edoc.workspace import open_workspace
    from web.users import hold_key

    workspace = open_workspace(home)
    password = _secret(password_env, "the PKCS#12 password")
    hold_key(
        sessions(workspace.engine), blob_store(workspace), username,
        read_input(Path(pkcs12_path)), password, read_input(Path(image)),
        key_file=pkcs12_path, image_file=image,
    )  # fmt: skip
    say(
        f"Máy chủ giữ khóa cá nhân của {username}.",
        f"The server holds {username}'s personal key.",
    )


@main.command()
@home_option
@click.option(
    "--from", "exports", multiple=True, type=click.Path(exists=True),
    help="Exported envelopes or PDFs (folders, .zip, .tar.gz) to verify and audit instead "
    "of a workspace (repeatable).",
)  # fmt: skip
@click.option(
    "--agency", "agencies", multiple=True,
    help="An agency id, or a pattern over the Decision 20 code such as H* (repeatable; "
    "default: every agency). With --from, a bare PDF's agency.",
)  # fmt: skip
@click.option(
    "--period", type=click.Choice(["month", "quarter", "year", "custom"]), default="month",
    show_default=True, help="Periods of the report (custom: the whole --start/--end range).",
)  # fmt: skip
@click.option("--start", help="First day (or time) counted, Vietnam time: 2026-01-01.")
@click.option("--end", help="First day (or time) not counted, Vietnam time: 2027-01-01.")
@click.option(
    "--direction", type=click.Choice(["sent", "received", "both"]), default="both",
    show_default=True, help="Documents sent, received, or both (each counted apart).",
)  # fmt: skip
@click.option(
    "--list", "figure",
    help="List the documents behind a figure (signed, unsigned, compliant, overdue, …) or "
    "a check code (VN_MISSING_PERSONAL, …) instead of the report.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="The report (or list) as JSON.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), help="Write a CSV file.")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False), help="Write a workbook.")
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Write an HTML page with charts."
)
@verification_options
@click.pass_context
def audit(
    ctx, home, exports, agencies, period, start, end, direction, figure, as_json, csv_out,
    xlsx_out, html_out, policy, trust, revocation, jobs,
) -> None:  # fmt: skip
    """Signing-rate and compliance audit, from the verifications a node or the hub stored
    (--home), or of exported envelopes and PDFs verified now (--from).

    Exit code 0: no non-compliant document in the scope; 3: some found; 1: an error.
    """
    from contextlib import ExitStack

    from edoc.audit.output import csv_file, listing_table, table, xlsx_file
    from edoc.audit.periods import Range, parse_moment
    from edoc.audit.report import Scope, build_report, list_documents
    from edoc.audit.sources import workspace_sources
    from edoc.storage.models import Direction

    lang = ctx.find_root().obj["lang"]
    if home and exports:
        raise click.UsageError(
            _pick("Dùng --home hoặc --from, không cả hai.", "Use --home or --from, not both.")
        )
    if not exports and (trust or revocation or jobs or policy != "default"):
        raise click.UsageError(
            _pick(
                "--policy, --trust, --revocation và --jobs chỉ dùng với --from (kết quả kiểm "
                "tra đã lưu không kiểm tra lại).",
                "--policy, --trust, --revocation and --jobs go with --from (stored "
                "verifications are not verified again).",
            )
        )
    if period == "custom" and not (start or end):
        raise click.UsageError(
            _pick("Kỳ custom cần --start hoặc --end.", "A custom period needs --start or --end.")
        )
    scope = Scope(
        tuple(agencies),
        period,
        Range(
            parse_moment(start, "--start") if start else None,
            parse_moment(end, "--end") if end else None,
        ),
        None if direction == "both" else Direction(direction),
    )
    with ExitStack() as stack:
        if exports:
            from edoc.audit.exports import exported_source, read_exports

            found = read_exports(
                [Path(p) for p in exports], agencies[0] if len(agencies) == 1 else None
            )
            chosen = _chosen_policy(policy, trust, revocation)
            bar = stack.enter_context(
                click.progressbar(length=len(found.to_verify), file=sys.stderr, label="edoc audit")
            )
            sources = [stack.enter_context(exported_source(found, chosen, jobs, bar.update))]
            for problem in found.problems:
                say(problem.message("vi"), problem.message("en"))
        else:
            sources = workspace_sources(home)
        if figure:
            listed = list_documents(sources, scope, figure)
            if as_json:
                for source, item in listed:
                    click.echo(json.dumps({**item.to_json(), "source": source}, ensure_ascii=False))
            else:
                click.echo(listing_table(listed, lang), nl=False)
            ctx.exit(3 if any(item.verdict == "non_compliant" for _, item in listed) else 0)
        report = build_report(sources, scope)
    if csv_out:
        write_atomic(Path(csv_out), csv_file(report, lang))
    if xlsx_out:
        write_atomic(Path(xlsx_out), xlsx_file(report, lang))
    if html_out:
        from edoc.audit.page import render_html

        write_atomic(Path(html_out), render_html(report, lang).encode("utf-8"))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        click.echo(table(report, lang), nl=False)
    ctx.exit(3 if any(f.non_compliant for f in report.overall.values()) else 0)
