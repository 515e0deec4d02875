"""``edoc envelope``: build, read, check and answer edXML envelopes (QCVN 102:2016)."""

import json
import sys
from pathlib import Path

import click

from cli import KEY_ARGS, key_options, load_key, pick, say
from edoc.files import write_atomic


@click.group()
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
        click.echo(f"{pick(vi, en)}: {value}")
    for warning in summary["warnings"]:
        click.echo(
            f"{pick('Cảnh báo', 'Warning')} {warning['code']}: "
            f"{pick(warning['message_vi'], warning['message'])}"
        )


def _inspect_lines(summary: dict) -> list[tuple[str, str, str]]:
    signature = summary["signature"]
    if not signature["present"]:
        signed = pick("không có", "none")
    else:
        state = pick("hợp lệ", "valid") if signature["valid"] else pick("SAI", "BROKEN")
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
                f"{summary['status_code']} {pick(status['vi'], status['en'])}",
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
            click.echo(f"{where}: {pick(violation.message_vi, violation.message_en)}")
        if not violations:
            click.echo(pick(f"{file}: hợp lệ", f"{file}: valid"))
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
