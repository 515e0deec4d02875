"""Reading untrusted XML safely: the limits on what is read, a parser that resolves no
entity and loads no DTD, refusing stray bytes before the declaration and any DTD, and
repairing the undeclared prefixes real senders write (with a warning)."""

import io
import re
from dataclasses import dataclass

from lxml import etree

from edoc.envelope.names import NS, XLINK
from edoc.errors import EnvelopeError


@dataclass(frozen=True)
class Limits:
    """How much an envelope may hold; larger ones are refused before they cost memory."""

    envelope_bytes: int = 512 * 2**20
    attachment_bytes: int = 256 * 2**20
    attachments: int = 1000
    zip_ratio: int = 200
    unknown_elements: int = 1000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class EnvelopeWarning:
    """Something odd that was accepted: the message was read, but a person should know;
    ``line`` is the line of the file it was first seen on, when one is known."""

    code: str
    message_vi: str
    message_en: str
    line: int | None = None


_BOM = b"\xef\xbb\xbf"


def xml_parser() -> etree.XMLParser:
    """The parser edoc reads envelopes with: no entities, no network, no DTD, and text nodes
    as long as the limits allow (an attachment is one)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=False,
    )


#: Prefixes real senders use without declaring them, and the namespaces they mean: ``xlink``
#: on Reference, ``edXML`` on AttachmentEncoded outside the envelope that declares it.
_KNOWN_PREFIXES = {"xlink": XLINK, "edXML": NS}


_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")


#: What may come before the root: whitespace, the XML declaration and other processing
#: instructions, comments (a DTD is refused).
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


#: The root's start tag, its attribute values in quotes (where '>' may stand); group 1 is its
#: end, where declarations go.
_START_TAG = re.compile(rb"""<[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?>)""")


def read_tree(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[etree._ElementTree, list]:
    """Parse the XML safely, declaring the known prefixes a sender used without declaring
    them; returns the tree and warnings."""
    if len(data) > limits.envelope_bytes:
        raise EnvelopeError(
            f"Gói tin lớn {len(data)} byte, quá giới hạn {limits.envelope_bytes} byte.",
            f"The envelope is {len(data)} bytes, over the limit of {limits.envelope_bytes}.",
        )
    body = data.removeprefix(_BOM)
    if not body.startswith(b"<"):
        stray = len(body) - len(body.lstrip())
        count = stray or body.find(b"<")
        raise EnvelopeError(
            f"Có {count} byte lạ trước khai báo XML: tệp không phải XML hợp lệ.",
            f"There are {count} stray bytes before the XML declaration: not valid XML.",
        )
    root_start = _PROLOG.match(body).end()  # where the root's start tag, or a DTD, begins
    if body.startswith((b"<!DOCTYPE", b"<!ENTITY"), root_start):
        raise EnvelopeError(
            "Gói tin chứa DTD (DOCTYPE/ENTITY): bị từ chối vì lý do an toàn.",
            "The envelope contains a DTD (DOCTYPE/ENTITY): refused for safety.",
        )
    parser = xml_parser()
    try:
        tree = etree.parse(io.BytesIO(body), parser)
        prefixes: dict[str, int] = {}
    except etree.XMLSyntaxError as error:
        prefixes = _undeclared_prefixes(parser.error_log)
        tree = _with_prefixes_declared(body, root_start, list(prefixes), error)
    if tree.docinfo.doctype:
        raise EnvelopeError(
            "Gói tin chứa DTD: bị từ chối vì lý do an toàn.",
            "The envelope contains a DTD: refused for safety.",
        )
    return tree, [_undeclared(prefix, line) for prefix, line in prefixes.items()]


def _undeclared_prefixes(log: etree._ListErrorLog) -> dict[str, int]:
    """The prefixes the parser found used without a declaration, each with its first line."""
    found: dict[str, int] = {}
    for entry in log:
        match = _UNDECLARED.search(entry.message)
        if match:
            found.setdefault(match[1], entry.line)
    return found


def _with_prefixes_declared(
    body: bytes, root_start: int, prefixes: list[str], error: etree.XMLSyntaxError
) -> etree._ElementTree:
    """The tree of ``body`` with the known ``prefixes`` declared on its root; what still
    does not parse, or uses other prefixes, is refused with the parser's first word on
    ``body`` (``error``), never one about edoc's edit."""
    start_tag = _START_TAG.match(body, root_start)
    if not prefixes or not set(prefixes) <= _KNOWN_PREFIXES.keys() or start_tag is None:
        raise _not_xml(error) from error
    end = start_tag.start(1)
    declarations = "".join(f' xmlns:{p}="{_KNOWN_PREFIXES[p]}"' for p in prefixes)
    try:
        return etree.parse(
            io.BytesIO(body[:end] + declarations.encode() + body[end:]), xml_parser()
        )
    except etree.XMLSyntaxError:
        raise _not_xml(error) from error


def _undeclared(prefix: str, line: int) -> EnvelopeWarning:
    return EnvelopeWarning(
        "ENV_XLINK_UNDECLARED" if prefix == "xlink" else "ENV_PREFIX_UNDECLARED",
        f"Tiền tố {prefix} được dùng mà không khai báo (dòng {line}), tức không phải XML hợp "
        "lệ; edoc đã tự bổ sung khai báo để đọc.",
        f"The {prefix} prefix is used without being declared (line {line}), which is not "
        "well-formed XML; edoc added the declaration to read it.",
        line,
    )


def fragment(xml: str) -> etree._Element:
    """One element from its XML text (an element kept in the model), read as safely as an
    envelope."""
    tree, _ = read_tree(xml.encode("utf-8"))
    return tree.getroot()


def _not_xml(error: etree.XMLSyntaxError) -> EnvelopeError:
    return EnvelopeError(
        f"Không phải XML hợp lệ: {error.msg} (dòng {error.lineno}).",
        f"Not well-formed XML: {error.msg} (line {error.lineno}).",
    )
