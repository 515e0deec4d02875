"""Envelope metadata as plain data: what ``edoc envelope pack`` reads and ``inspect`` prints.

Scripts describe a document with a JSON or TOML object (the keys of :func:`document_from_metadata`)
and read envelopes back as the JSON object of :func:`describe`, whose keys are stable.
"""

import datetime as dt
import hashlib
import json
import tomllib
import uuid
from pathlib import Path
from typing import Any

from edoc.agency import AgencyDirectory, AgencyId, AgencyIdError
from edoc.envelope.document_id import make_document_id
from edoc.envelope.dsig import EnvelopeSignature
from edoc.envelope.model import (
    Attachment,
    DocumentCode,
    DocumentMessage,
    DocumentType,
    Organization,
    OtherInfo,
    SignerInfo,
)
from edoc.envelope.parse import ParsedEnvelope, content_type_of
from edoc.errors import EnvelopeError
from edoc.files import read_input


def read_metadata_file(path: Path) -> dict[str, Any]:
    """A metadata object from a ``.json`` or ``.toml`` file."""
    raw = read_input(path, EnvelopeError)
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise EnvelopeError(
            f"Tệp thông tin không đúng cú pháp: {error}.",
            f"The metadata file is not valid: {error}.",
            path=path,
        ) from error
    if not isinstance(data, dict):
        raise EnvelopeError(
            "Tệp thông tin phải là một đối tượng.",
            "The metadata file must hold an object.",
            path=path,
        )
    return data


def _required(meta: dict, key: str) -> Any:
    value = meta.get(key)
    if value in (None, "", [], {}):
        raise EnvelopeError(f"Thiếu thông tin «{key}».", f"The metadata lacks '{key}'.")
    return value


def _date(value: Any, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value).replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise EnvelopeError(
            f"«{key}»: «{value}» không phải ngày (yyyy-mm-dd).",
            f"'{key}': '{value}' is not a date (yyyy-mm-dd).",
        ) from error


def organization(value: Any, directory: AgencyDirectory, key: str) -> Organization:
    """An Organization from an agency id or an object; a missing name comes from the directory."""
    fields = {"organ_id": value} if isinstance(value, str) else dict(value or {})
    organ_id = str(fields.get("organ_id", "")).strip()
    try:
        agency_id = AgencyId.parse(organ_id)
    except AgencyIdError as error:
        raise EnvelopeError(
            f"«{key}»: {error.message_vi}", f"'{key}': {error.message_en}"
        ) from error
    known = directory.get(agency_id)
    name = fields.get("organ_name") or (known.name if known else "")
    allowed = set(Organization.__dataclass_fields__) - {"organ_id", "organ_name"}
    extra = {k: str(v) for k, v in fields.items() if k in allowed}
    return Organization(organ_id=str(agency_id), organ_name=name, **extra)


def document_from_metadata(
    meta: dict[str, Any], attachments: list[Attachment], directory: AgencyDirectory
) -> DocumentMessage:
    """The document message that ``meta`` describes, carrying ``attachments``."""
    sender = organization(_required(meta, "from"), directory, "from")
    recipients = [organization(r, directory, "to") for r in _required(meta, "to")]
    code = meta.get("code") or {}
    document_code = DocumentCode(str(_required(code, "number")), str(_required(code, "notation")))
    date = _date(_required(meta, "promulgation_date"), "promulgation_date")
    document_type = meta.get("document_type") or {}
    signer = meta.get("signer") or {}
    return DocumentMessage(
        sender=sender,
        recipients=recipients,
        code=document_code,
        place=str(meta.get("place", "")),
        promulgation_date=date,
        document_type=DocumentType(
            int(document_type.get("type", 2)),
            str(document_type.get("type_name", "")),
            str(document_type.get("type_detail", "")),
        ),
        subject=str(_required(meta, "subject")),
        signer=SignerInfo(
            str(signer.get("competence", "")),
            str(signer.get("position", "")),
            str(signer.get("full_name", "")),
        ),
        document_id=str(
            meta.get("document_id") or make_document_id(sender.organ_id, date, document_code)
        ),
        content=str(meta.get("content", "")),
        due_date=_date(meta["due_date"], "due_date") if meta.get("due_date") else None,
        to_places=[str(p) for p in meta.get("to_places", [])],
        other_info=OtherInfo(
            priority=int(meta.get("priority", 0)),
            page_amount=int(meta.get("page_amount", 0)),
            promulgation_amount=int(meta.get("promulgation_amount", 0)),
            appendixes=[str(a) for a in meta.get("appendixes", [])],
        ),
        steering_type=int(meta["steering_type"]) if "steering_type" in meta else None,
        attachments=attachments,
    )


def attachment_from_file(path: Path, zipped: bool) -> Attachment:
    """A file to carry in an envelope, with a fresh ContentId."""
    data = read_input(path, EnvelopeError)
    return Attachment(uuid.uuid4().hex, path.name, content_type_of(path.name), data, "", zipped)


def describe(parsed: ParsedEnvelope, signature: EnvelopeSignature) -> dict[str, Any]:
    """The envelope as the stable JSON object of ``edoc envelope inspect --json``."""
    message = parsed.message
    warnings = [
        {"code": w.code, "message_vi": w.message_vi, "message": w.message_en}
        for w in parsed.warnings
    ]
    if not signature.compliant:
        warnings.append(
            {
                "code": "ENV_SIGNATURE",
                "message_vi": signature.problem_vi,
                "message": signature.problem_en,
            }
        )
    signature_json = {
        "present": signature.present,
        "valid": signature.valid,
        "algorithm": signature.algorithm,
        "digest_algorithm": signature.digest_algorithm,
        "signer": signature.signer_subject,
        "compliant": signature.compliant,
    }
    base = {
        "kind": message.kind,
        "from": {"organ_id": message.sender.organ_id, "organ_name": message.sender.organ_name},
        "signature": signature_json,
        "warnings": warnings,
    }
    if message.kind == "status":
        response = message.response_for
        return base | {
            "document_id": response.document_id,
            "status_code": message.status_code.value,
            "status": {"vi": message.status_code.meaning[0], "en": message.status_code.meaning[1]},
            "response_for": {
                "organ_id": response.organ_id,
                "code": response.code,
                "promulgation_date": _iso(response.promulgation_date),
                "document_id": response.document_id,
            },
            "description": message.description,
            "timestamp": message.timestamp.isoformat(),
        }
    return base | {
        "document_id": message.document_id,
        "to": [{"organ_id": o.organ_id, "organ_name": o.organ_name} for o in message.recipients],
        "code": {"number": message.code.number, "notation": message.code.notation},
        "subject": message.subject,
        "promulgation_date": _iso(message.promulgation_date),
        "place": message.place,
        "document_type": message.document_type.type_name,
        "signer": {
            "competence": message.signer.competence,
            "position": message.signer.position,
            "full_name": message.signer.full_name,
        },
        "priority": int(message.other_info.priority),
        "due_date": _iso(message.due_date),
        "business_type": message.business_type.label,
        "attachments": [
            {
                "name": a.name,
                "content_type": a.content_type,
                "size": len(a.data),
                "sha256": hashlib.sha256(a.data).hexdigest(),
                "zipped": a.zipped,
            }
            for a in message.attachments
        ],
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
