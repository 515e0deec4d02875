"""Envelope metadata as plain data: what ``edoc envelope pack`` reads and ``inspect`` prints.

Scripts describe a document with a JSON or TOML object (the keys of :func:`document_from_metadata`)
and read envelopes back as the JSON object of :func:`describe`, whose keys are stable. The two
share their keys: the ``metadata.json`` that ``unpack`` writes packs the same header again.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import tomllib
import uuid
from pathlib import Path
from typing import Any

from edoc.agency import AgencyDirectory, AgencyId, AgencyIdError
from edoc.envelope.attachment_files import content_type_of
from edoc.envelope.document_id import make_document_id
from edoc.envelope.dsig import EnvelopeSignature
from edoc.envelope.model import (
    Attachment,
    Business,
    BusinessType,
    DocumentCode,
    DocumentMessage,
    DocumentType,
    Organization,
    OtherInfo,
    Receiver,
    Replacement,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    UnknownElement,
)
from edoc.envelope.parse import ParsedEnvelope
from edoc.envelope.safe_xml import fragment
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


def _integer(meta: dict, key: str, default: int | None = 0) -> int | None:
    value = meta.get(key)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise EnvelopeError(
            f"«{key}»: «{value}» không phải số nguyên.",
            f"'{key}': '{value}' is not a whole number.",
        ) from error


def _texts(meta: dict, key: str) -> list[str]:
    value = meta.get(key) or []
    if not isinstance(value, list):
        raise EnvelopeError(f"«{key}» phải là một danh sách.", f"'{key}' must be a list.")
    return [str(item) for item in value]


def _objects(meta: dict, key: str) -> list[dict]:
    value = meta.get(key) or []
    if not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
        raise EnvelopeError(
            f"«{key}» phải là một danh sách đối tượng.", f"'{key}' must be a list of objects."
        )
    return value


def _flag(meta: dict, key: str) -> int:
    value = _integer(meta, key)
    if value not in (0, 1):
        raise EnvelopeError(f"«{key}»: chỉ nhận 0 hoặc 1.", f"'{key}': only 0 or 1.")
    return value


def _boolean(meta: dict, key: str, default: bool | None) -> bool | None:
    value = meta.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise EnvelopeError(
            f"«{key}»: «{value}» không phải true/false.",
            f"'{key}': '{value}' is not true or false.",
        )
    return value


def _response_for(value: dict) -> ResponseFor:
    date = value.get("promulgation_date")
    return ResponseFor(
        organ_id=str(value.get("organ_id") or ""),
        code=str(value.get("code") or ""),
        promulgation_date=_date(date, "response_for") if date else None,
        document_id=str(value.get("document_id") or ""),
    )


def _staff(value: Any) -> StaffInfo | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EnvelopeError("«staff» phải là một đối tượng.", "'staff' must be an object.")
    known = {f.name for f in dataclasses.fields(StaffInfo)}
    return StaffInfo(**{k: str(v) for k, v in value.items() if k in known and v is not None})


def _receiver(value: dict) -> Receiver:
    organ_id = _agency_id(value.get("organ_id"), "receivers")
    _required(value, "receiver_type")  # added (1) or removed (0): no default
    return Receiver(str(organ_id), _flag(value, "receiver_type"))


def _replacement(value: dict) -> Replacement:
    organ_ids = [str(_agency_id(o, "replacements")) for o in _texts(value, "organ_ids")]
    return Replacement(str(_required(value, "document_id")), organ_ids)


def business_from_metadata(value: Any, recipients: list[Organization]) -> Business | None:
    """The Bussiness block that ``value`` (the ``business`` object of :func:`describe`)
    describes, or None for a document without one.

    A recall or an update names the original's DocumentId; a replace names it or lists its
    replacements, and without a list replaces the original at every recipient.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EnvelopeError("«business» phải là một đối tượng.", "'business' must be an object.")
    label = str(value.get("type") or BusinessType.NEW.label)
    kind = next((t for t in BusinessType if t.label == label), None)
    if kind is None:
        raise EnvelopeError(
            f"«business.type»: «{label}» không phải new, recall, update hay replace.",
            f"'business.type': '{label}' is not new, recall, update or replace.",
        )
    document_id = str(value.get("document_id") or "")
    receivers = [_receiver(r) for r in _objects(value, "receivers")]
    replacements = [_replacement(r) for r in _objects(value, "replacements")]
    if kind in (BusinessType.RECALL, BusinessType.UPDATE) and not document_id:
        raise EnvelopeError(
            "«business.document_id»: thu hồi hay cập nhật cần mã văn bản gốc (DocumentId).",
            "'business.document_id': a recall or an update names the original's DocumentId.",
        )
    if kind is BusinessType.REPLACE and not (document_id or replacements):
        raise EnvelopeError(
            "«business»: thay thế cần mã văn bản bị thay thế (document_id) hoặc «replacements».",
            "'business': a replace names the replaced DocumentId or lists 'replacements'.",
        )
    if receivers and kind is not BusinessType.UPDATE:
        raise EnvelopeError(
            "«business.receivers»: chỉ dùng khi cập nhật (update).",
            "'business.receivers': for an update only.",
        )
    if replacements and kind is not BusinessType.REPLACE:
        raise EnvelopeError(
            "«business.replacements»: chỉ dùng khi thay thế (replace).",
            "'business.replacements': for a replace only.",
        )
    if kind is BusinessType.REPLACE and not replacements:
        replacements = [Replacement(document_id, [r.organ_id for r in recipients])]
    update = kind is BusinessType.UPDATE
    return Business(
        business_type=kind,
        document_id=document_id,
        reason=str(value.get("reason") or ""),
        paper=_flag(value, "paper"),
        staff=_staff(value.get("staff")),
        document_info_changed=_boolean(value, "document_info_changed", True) if update else None,
        receivers_changed=_boolean(value, "receivers_changed", bool(receivers)) if update else None,
        receivers=receivers,
        replacements=replacements,
    )


def _unknown_element(value: dict) -> UnknownElement:
    """An element kept from a sender's envelope; checked to be one well-formed element."""
    parent, xml = value.get("parent"), value.get("xml")
    if not (isinstance(parent, str) and isinstance(xml, str)):
        raise EnvelopeError(
            "«unknown_elements»: mỗi phần tử cần «parent» và «xml».",
            "'unknown_elements': each element needs 'parent' and 'xml'.",
        )
    try:
        fragment(xml)
    except EnvelopeError as error:
        raise EnvelopeError(
            f"«unknown_elements»: {error.message_vi}", f"'unknown_elements': {error.message_en}"
        ) from error
    return UnknownElement(parent, xml)


def _agency_id(value: Any, key: str) -> AgencyId:
    try:
        return AgencyId.parse(str(value or "").strip())
    except AgencyIdError as error:
        raise EnvelopeError(
            f"«{key}»: {error.message_vi}", f"'{key}': {error.message_en}"
        ) from error


def organization(value: Any, directory: AgencyDirectory, key: str) -> Organization:
    """An Organization from an agency id or an object; a missing name comes from the directory."""
    fields = value if isinstance(value, dict) else {"organ_id": value}
    agency_id = _agency_id(fields.get("organ_id"), key)
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
    if isinstance(document_type, str):  # as inspect --json writes it: the name, code apart
        document_type = {
            "type": meta.get("document_type_code"),
            "type_name": document_type,
            "type_detail": meta.get("document_type_detail") or "",
        }
    signer = meta.get("signer") or {}
    return DocumentMessage(
        sender=sender,
        recipients=recipients,
        code=document_code,
        place=str(meta.get("place", "")),
        promulgation_date=date,
        document_type=DocumentType(
            _integer(document_type, "type", 2),
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
        to_places=_texts(meta, "to_places"),
        other_info=OtherInfo(
            priority=_integer(meta, "priority"),
            sphere_of_promulgation=str(meta.get("sphere_of_promulgation", "")),
            typer_notation=str(meta.get("typer_notation", "")),
            promulgation_amount=_integer(meta, "promulgation_amount"),
            page_amount=_integer(meta, "page_amount"),
            appendixes=_texts(meta, "appendixes"),
            direction=_boolean(meta, "direction", None),
            reply_fors=str(meta.get("reply_fors", "")),
            reference_codes=str(meta.get("reference_codes", "")),
        ),
        response_for=[_response_for(r) for r in _objects(meta, "response_for")],
        steering_type=_integer(meta, "steering_type", None),
        task_codes=_texts(meta, "task_codes"),
        application_type=str(meta.get("application_type", "")),
        business=business_from_metadata(meta.get("business"), recipients),
        attachments=attachments,
        unknown_elements=[_unknown_element(u) for u in _objects(meta, "unknown_elements")],
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
        "xmldsig_namespace": signature.xmldsig_namespace,
        "compliant": signature.compliant,
    }
    base = {
        "kind": message.kind,
        "from": {"organ_id": message.sender.organ_id, "organ_name": message.sender.organ_name},
        "signature": signature_json,
        "warnings": warnings,
    }
    unknown = [{"parent": u.parent, "xml": u.xml} for u in message.unknown_elements]
    if message.kind == "status":
        return base | {
            "document_id": message.response_for.document_id,
            "status_code": message.status_code.value,
            "status": {"vi": message.status_code.meaning.vi, "en": message.status_code.meaning.en},
            "response_for": _response_for_json(message.response_for),
            "description": message.description,
            "timestamp": message.timestamp.isoformat(),
            "staff": _staff_json(message.staff),
            "unknown_elements": unknown,
        }
    other = message.other_info
    return base | {
        "document_id": message.document_id,
        "to": [{"organ_id": o.organ_id, "organ_name": o.organ_name} for o in message.recipients],
        "code": {"number": message.code.number, "notation": message.code.notation},
        "subject": message.subject,
        "content": message.content,
        "promulgation_date": _iso(message.promulgation_date),
        "place": message.place,
        "document_type": message.document_type.type_name,
        "document_type_code": message.document_type.type,
        "document_type_detail": message.document_type.type_detail,
        "signer": {
            "competence": message.signer.competence,
            "position": message.signer.position,
            "full_name": message.signer.full_name,
        },
        "priority": int(other.priority),
        "due_date": _iso(message.due_date),
        "to_places": message.to_places,
        "sphere_of_promulgation": other.sphere_of_promulgation,
        "typer_notation": other.typer_notation,
        "promulgation_amount": other.promulgation_amount,
        "page_amount": other.page_amount,
        "appendixes": other.appendixes,
        "direction": other.direction,
        "reply_fors": other.reply_fors,
        "reference_codes": other.reference_codes,
        "response_for": [_response_for_json(r) for r in message.response_for],
        "steering_type": message.steering_type,
        "task_codes": message.task_codes,
        "application_type": message.application_type,
        "traces": [
            {"organ_id": t.organ_id, "timestamp": t.timestamp.isoformat()} for t in message.traces
        ],
        "business_type": message.business_type.label,
        "business": _business_json(message.business),
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
        "unknown_elements": unknown,
    }


def _response_for_json(response: ResponseFor) -> dict[str, Any]:
    return {
        "organ_id": response.organ_id,
        "code": response.code,
        "promulgation_date": _iso(response.promulgation_date),
        "document_id": response.document_id,
    }


def _business_json(business: Business | None) -> dict[str, Any] | None:
    if business is None:
        return None
    return {
        "type": business.business_type.label,
        "document_id": business.document_id,
        "reason": business.reason,
        "paper": business.paper,
        "document_info_changed": business.document_info_changed,
        "receivers_changed": business.receivers_changed,
        "receivers": [
            {"organ_id": r.organ_id, "receiver_type": r.receiver_type} for r in business.receivers
        ],
        "replacements": [
            {"document_id": r.document_id, "organ_ids": r.organ_ids} for r in business.replacements
        ],
        "staff": _staff_json(business.staff),
    }


def _staff_json(staff: StaffInfo | None) -> dict[str, str] | None:
    return dataclasses.asdict(staff) if staff else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
