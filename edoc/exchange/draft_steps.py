"""The order a document to send is signed in (Nghị định 30): the competent person signs
first, the agency's signature goes over theirs, and only then is it sent. A step out of this
order is refused with the rule in words, before any key is opened; the draft page offers only
the steps the rule allows and says why the others wait.
"""

from dataclasses import dataclass
from enum import Enum

from edoc.errors import DraftError


class Step(Enum):
    """What a person does to a draft's main PDF."""

    PERSONAL = "personal"
    ORGANISATION = "organisation"
    SEND = "send"


@dataclass(frozen=True)
class Signatures:
    """Which of the two signatures a draft's main PDF carries, as its last check found them
    (valid or not: whether they pass is the check's verdict, confirmed before sending)."""

    personal: bool
    organisation: bool

    @classmethod
    def of(cls, report: dict) -> "Signatures":
        roles = {s.get("role") for s in report.get("signatures", [])}
        return cls(personal="personal" in roles, organisation="organisation" in roles)

    def refusal(self, step: Step) -> DraftError | None:
        """Why ``step`` may not be taken now, or None when the order allows it."""
        if step is Step.PERSONAL and self.organisation:
            return DraftError(
                "Văn bản đã có chữ ký số của cơ quan: người có thẩm quyền phải ký trước, cơ "
                "quan ký sau.",
                "The agency has already signed: the competent person signs first, the agency "
                "after.",
            )
        if step is Step.PERSONAL and self.personal:
            return DraftError(
                "Người có thẩm quyền đã ký số văn bản này.",
                "The competent person has already signed this document.",
            )
        if step is Step.ORGANISATION and self.organisation:
            return DraftError(
                "Văn bản đã có chữ ký số của cơ quan.", "The agency has already signed."
            )
        if step is Step.ORGANISATION and not self.personal:
            return DraftError(
                "Chưa có chữ ký số của người có thẩm quyền: cơ quan chỉ ký số (đóng dấu) sau "
                "khi lãnh đạo đã ký.",
                "The competent person has not signed yet: the agency signs (seals) only after "
                "the leader has signed.",
            )
        if step is Step.SEND and not self.organisation:
            return DraftError(
                "Chưa có chữ ký số của cơ quan: văn bản chỉ được gửi sau khi văn thư ký số của "
                "cơ quan (đóng dấu).",
                "The agency has not signed yet: a document is sent only after the clerk applies "
                "the agency's signature (seal).",
            )
        return None

    def check(self, step: Step) -> None:
        """DraftError, saying the rule, when the order does not allow ``step`` now."""
        if refused := self.refusal(step):
            raise refused
