"""What a verification says: per signature, per finding, per document, in both languages.

Each report is built once, when everything about it is known, and frozen: a report is
shared by the pages, the database rows and the audit that show it, and a change is a new
report (:func:`dataclasses.replace`)."""

import datetime as dt
import enum
from dataclasses import asdict, dataclass, field

from edoc.bilingual import Text
from signing.baseline import Level
from signing.roles import Role
from signing.validation.checks import CATALOGUE, Severity


class Indication(enum.StrEnum):
    """The ETSI EN 319 102-1 main indications."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"


class Verdict(enum.StrEnum):
    """The document's verdict: compliant only when no error was found."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True)
class Finding:
    """One result of the check catalogue, about one signature (or the whole document)."""

    code: str
    severity: Severity
    signature: str | None
    message: Text

    @classmethod
    def of(cls, code: str, severity: Severity, signature: str | None, detail: Text | None):
        """The finding of check ``code``, its catalogue message completed by ``detail``."""
        message, detail = CATALOGUE[code].message, detail or Text("", "")
        return cls(code, severity, signature, Text(
            message.vi.format(detail=f": {detail.vi}" if detail.vi else ""),
            message.en.format(detail=f": {detail.en}" if detail.en else ""),
        ))  # fmt: skip

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "level": self.severity.value,
            "signature": self.signature,
            "message_vi": self.message.vi,
            "message_en": self.message.en,
        }


@dataclass(frozen=True)
class SignatureReport:
    """Everything a clerk or auditor is shown about one signature."""

    field: str
    signer: str = ""
    identifiers: list[str] = field(default_factory=list)
    unit: str = ""
    issuer: str = ""
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    role: Role = Role.UNKNOWN
    role_reason: str = ""
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    sub_filter: str = ""
    level: Level = Level.NOT_PADES
    digest_algorithm: str = ""
    signature_algorithm: str = ""
    key_size: int = 0
    revision: int = 0
    page: int | None = None
    rect: list[float] | None = None
    covers_whole_file: bool = False
    intact: bool = False
    trusted: bool = False
    indication: Indication = Indication.INDETERMINATE
    sub_indication: str | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("signing_time", "timestamp_time", "valid_from", "valid_until"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        data["role"] = self.role.value
        data["level"] = self.level.value
        data["indication"] = self.indication.value
        return data


@dataclass(frozen=True)
class Note:
    """What a reader should know about the document itself before opening it, beside the
    signature checks (whose codes the catalogue fixes) and outside the verdict: e.g. content
    a PDF viewer may run (``kind`` "active_content", what was ``found``)."""

    kind: str
    found: tuple[str, ...]
    message: Text

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "found": list(self.found),
            "message_vi": self.message.vi,
            "message_en": self.message.en,
        }


@dataclass(frozen=True)
class DocumentReport:
    """The verdict on one document, its signatures, every finding and the notes on it."""

    file: str
    verdict: Verdict
    signatures: list[SignatureReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "verdict": self.verdict.value,
            "signatures": [s.to_json() for s in self.signatures],
            "findings": [f.to_json() for f in self.findings],
            "notes": [n.to_json() for n in self.notes],
        }
