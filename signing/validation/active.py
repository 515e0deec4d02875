"""What in a PDF a viewer may run: JavaScript, programs it launches, forms it submits.

An official document needs none of it, and a PDF viewer that runs it (a browser's, Adobe's)
gives whoever made the file a foothold on the clerk's computer. Such a document is still
accepted, verified and kept, as it is evidence; it is flagged and never opened in the
browser's viewer.

Found by walking the document's objects from its catalogue, as pyHanko reads them (nothing
is ever run or decoded), with a bound on the objects visited: a file too large to check
entirely, or too broken to read at all, is reported as such rather than as clean.
"""

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from edoc.bilingual import Text
from edoc.untrusted import untrusted_text
from signing.pdf import open_pdf
from signing.validation.report import Note

#: Action types (ISO 32000-1 §12.6.4) that run something rather than move in the document.
ACTIONS = ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute")
#: The keys that attach actions to the document, its pages, fields and links, by what
#: triggers them: opening the file, events (page opened, field changed…), a click, and the
#: document-level scripts a viewer runs on opening (the /Names tree /JavaScript).
TRIGGERS = {"/OpenAction": "/OpenAction", "/AA": "/AA", "/A": "/A", "/JavaScript": "/Names"}
#: Keys that lead from an action, or a name tree, to more of the same (its trigger holds).
ONWARD = ("/Next", "/Kids", "/Names")
CONTAINERS = (generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject)
#: In the findings: part or all of the file could not be checked.
UNCHECKED = "?"
#: The most objects looked at: far more than any official document holds.
MOST_OBJECTS = 200_000


def active_content(pdf: bytes | PdfFileReader) -> tuple[str, ...]:
    """What ``pdf`` (its bytes, or its reader when it is open already) carries that a viewer
    may run, as ``trigger action`` (``/OpenAction /JavaScript``, ``/AA /JavaScript``,
    ``/A /Launch``, ``/Names /JavaScript``…), sorted; ``UNCHECKED`` among them when part of
    it could not be read. Empty for a plain document. Never raises."""
    try:
        root = (pdf if isinstance(pdf, PdfFileReader) else open_pdf(pdf)).root
    except Exception:  # unreadable: a viewer may still read it differently
        return (UNCHECKED,)
    return tuple(sorted(_walk(root)))


def active_notes(pdf: bytes | PdfFileReader) -> list[Note]:
    """The report's note on what ``pdf`` carries that a viewer may run; none for a plain
    document."""
    found = active_content(pdf)
    if not found:
        return []
    listed = ", ".join(item for item in found if item != UNCHECKED)
    vi, en = listed, listed
    if UNCHECKED in found:
        vi = "; ".join(filter(None, (listed, "không kiểm tra được toàn bộ tệp")))
        en = "; ".join(filter(None, (listed, "part of the file could not be checked")))
    return [
        Note(
            "active_content", found, Text(
            f"Tệp PDF có thể chứa nội dung mà trình đọc PDF sẽ tự chạy ({vi}): không xem "
            "trực tiếp trong trình duyệt; nếu cần, hãy tải về và mở bằng phần mềm đọc PDF đã "
            "tắt JavaScript.",
            f"The PDF may hold content a PDF viewer would run ({en}): it is not shown in the "
            "browser; if needed, download it and open it in a PDF reader with JavaScript "
            "turned off.",
        ))
    ]  # fmt: skip


def _walk(root: generic.DictionaryObject) -> set[str]:
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[generic.PdfObject, str, bool]] = [(root, "", False)]
    for _ in range(MOST_OBJECTS):
        if not stack:
            return found
        value, trigger, events = stack.pop()
        try:
            if isinstance(value, generic.IndirectObject):
                if (value.idnum, value.generation) in seen:
                    continue
                seen.add((value.idnum, value.generation))
                value = value.get_object()
            if isinstance(value, generic.DictionaryObject):
                if action := _action(value):
                    found.add(f"{trigger} {action}".strip())
                stack.extend(_entries(value, trigger, events))
            elif isinstance(value, generic.ArrayObject):
                stack.extend((item, trigger, events) for item in value.iterate() if _more(item))
        except Exception:  # a broken object: the rest is still worth reading
            found.add(UNCHECKED)
    if stack:
        found.add(UNCHECKED)
    return found


def _action(value: generic.DictionaryObject) -> str | None:
    """The kind of action ``value`` is, when it runs something (a /JS entry is JavaScript,
    whatever /S says: some viewers run it regardless)."""
    kind = dict.get(value, "/S")
    if kind in ACTIONS:
        return untrusted_text(kind)
    return "/JavaScript" if "/JS" in value else None


def _more(value: generic.PdfObject) -> bool:
    """Whether ``value`` may hold more objects (numbers, names and strings hold none)."""
    return isinstance(value, CONTAINERS)


def _entries(value: generic.DictionaryObject, trigger: str, events: bool):
    """The dictionary's values to look at next, each with the trigger it would run on; the
    entries of an /AA dictionary are events, each triggering its action."""
    for key, item in dict.items(value):
        if not _more(item):
            continue
        if key in TRIGGERS:
            yield item, TRIGGERS[key], key == "/AA"
        elif events or key in ONWARD:
            yield item, trigger, False
        else:
            yield item, "", False
