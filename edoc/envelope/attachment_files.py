"""The files an envelope carries, as files: their content types, names safe to write to a
folder, and a zipped file unpacked within the limits (no bomb, no escape from its folder)."""

import io
import mimetypes
import re
import zipfile

from edoc.envelope.model import (
    Attachment,
)
from edoc.envelope.safe_xml import Limits
from edoc.errors import EnvelopeError


def content_type_of(name: str) -> str:
    """The media type a file name suggests, for files that arrive zipped or from disk."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def safe_name(name: str) -> bool:
    """Whether a file name stays where it is put: no folders, no '..', no drive letters."""
    return bool(name) and not re.search(r"[/\\:\x00]", name) and name not in (".", "..")


def file_name(attachment: Attachment, number: int) -> str:
    """The name under which attachment ``number`` (from 1) is written into a folder or a
    zip: the sender's, unless it is empty or would lead out of the folder; then one made of
    its ContentId, or of ``number``."""
    names = (attachment.name.strip(), f"{attachment.content_id}.bin", f"{number}.bin")
    return next(name for name in names if safe_name(name))


def unzip_single(data: bytes, label: str, limits: Limits) -> tuple[str, bytes]:
    """The one file inside a zipped attachment, read with bounds on size and ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except Exception as error:  # zipfile raises many kinds on hostile archives
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tệp nén hỏng ({error}).",
            f"Attachment '{label}': broken zip file ({error}).",
        ) from error
    if len(entries) != 1:
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tệp nén chứa {len(entries)} tệp, cần đúng một.",
            f"Attachment '{label}': the zip holds {len(entries)} files, not exactly one.",
        )
    (entry,) = entries
    if not safe_name(entry.filename):
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tên tệp trong tệp nén «{entry.filename}» có đường dẫn.",
            f"Attachment '{label}': the name '{entry.filename}' inside the zip has a path in it.",
        )
    bomb = EnvelopeError(
        f"Tệp đính kèm «{label}»: tệp nén giải ra quá lớn (nghi bom nén).",
        f"Attachment '{label}': the zip expands too much (a zip bomb?).",
    )
    if entry.file_size > limits.attachment_bytes:
        raise bomb
    if entry.compress_size and entry.file_size / entry.compress_size > limits.zip_ratio:
        raise bomb
    try:
        with archive.open(entry) as stream:
            content = stream.read(limits.attachment_bytes + 1)
    except Exception as error:  # zipfile raises many kinds on hostile archives
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: không giải nén được ({error}).",
            f"Attachment '{label}': cannot be unzipped ({error}).",
        ) from error
    if len(content) > limits.attachment_bytes:
        raise bomb
    return entry.filename, content
