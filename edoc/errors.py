"""The errors edoc raises on purpose, each with a message in Vietnamese and in English.

A user never sees a traceback for bad input: the CLI and the inbox catch :class:`EdocError`
and show its message in the user's language, naming the file concerned when there is one.
"""

import datetime as dt
from pathlib import Path

from edoc.bilingual import Text
from edoc.timezone import shown


class EdocError(Exception):
    """Something the user can act on: bad input, a missing tool, a refused operation."""

    def __init__(self, message_vi: str, message_en: str, *, path: Path | str | None = None):
        self.message_vi = message_vi
        self.message_en = message_en
        self.path = str(path) if path is not None else None
        super().__init__(self.message("en"))

    @property
    def text(self) -> Text:
        """The message in both languages, without the file it is about."""
        return Text(self.message_vi, self.message_en)

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang`` ("vi" or "en"), prefixed by the file it is about."""
        text = self.text.in_(lang)
        return f"{self.path}: {text}" if self.path else text


class WorkspaceError(EdocError):
    """The workspace (``--home``) cannot be created or read."""


class ConfigurationError(EdocError):
    """What a server is asked to serve is incomplete: a missing token, agency or seal."""


class ToolMissingError(EdocError):
    """A program edoc needs (e.g. SoftHSM2) is not installed on this machine."""


class EnvelopeError(EdocError):
    """An edXML envelope that cannot be read, built or trusted as it is."""


class SigningKeyError(EdocError):
    """A signing key that cannot be opened: wrong password or PIN, unreadable file, no token."""


class SigningError(EdocError):
    """A signature edoc refuses to make, or cannot make: it would not be compliant, or failed."""


class DraftError(EdocError):
    """A document being prepared to send that cannot be made, changed or sent as asked."""


class AccountLockedError(EdocError):
    """An account that no password opens for a while, after too many wrong ones in a row:
    ``until`` (UTC) is when it opens again (an admin may unlock it sooner)."""

    def __init__(self, until: dt.datetime) -> None:
        when = shown(until)
        super().__init__(
            f"Tài khoản đang tạm khóa vì nhập sai mật khẩu nhiều lần liền, đến {when} (giờ "
            "Việt Nam). Hãy thử lại sau thời điểm đó, hoặc nhờ quản trị viên mở khóa.",
            f"This account is locked after too many wrong passwords in a row, until {when} "
            "(Vietnam time). Try again after then, or ask an administrator to unlock it.",
        )
        self.until = until


class ProcessingOrderError(EdocError):
    """A status that may not follow a document's current one in the processing order, or
    that lacks what it needs (a reason, an assignee, a confirmation)."""


class NotFoundError(EdocError):
    """What was asked for is not there, or belongs to another agency (the same answer)."""


class AuditError(EdocError):
    """An audit that cannot be made as asked: a bad period, scope or source."""


class StorageFullError(EdocError):
    """The disk that keeps a node's files is full: nothing of the request was kept, and the
    same request succeeds once space is freed."""


class DatabaseUnavailableError(EdocError):
    """The database cannot be reached (stopped, restarting, connection lost): the request was
    not completed, and the same request succeeds once the database is back."""


class VdxpError(EdocError):
    """A request of the national hub's SDK API that is refused: ``code`` is the answer's
    ErrorCode and ``status`` the HTTP status it is sent with."""

    def __init__(self, message_vi: str, message_en: str, code: str, status: int) -> None:
        super().__init__(message_vi, message_en)
        self.code = code
        self.status = status
