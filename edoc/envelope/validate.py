"""Checking an envelope against edoc's XSD of QCVN 102:2016, with every violation explained.

The schema (``schema/edxml.xsd``, shipped in the package) holds the standard's length limits,
code ranges, required elements and date formats. libxml2 words its findings in English for
schema authors; each is reworded here for a clerk, in Vietnamese and in English, with the path
of the element concerned. MessageHeader takes its children in any order, which XSD 1.0 can
only say with a repeated choice: what such a choice cannot check (a required child missing, a
single one repeated, a child of the other kind of message) is checked here, worded the same.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from lxml import etree

from edoc.envelope.layout import DOCUMENT_HEADER, STATUS_HEADER, required_children
from edoc.envelope.names import NS, q
from edoc.envelope.parse import DEFAULT_LIMITS, Limits, parse, read_tree
from edoc.errors import EnvelopeError


@dataclass(frozen=True)
class Violation:
    """One way an envelope breaks the schema or cannot be read."""

    path: str
    line: int | None
    message_vi: str
    message_en: str


@cache
def schema() -> etree.XMLSchema:
    """The envelope schema, loaded once."""
    source = files("edoc.envelope").joinpath("schema/edxml.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(source))


def _name(qualified: str) -> str:
    return qualified.replace(f"{{{NS}}}", "")


def _names(text: str) -> str:
    return ", ".join(_name(part.strip()) for part in text.strip(" ()").split(","))


#: libxml2's wording, and how we say it: (pattern, Vietnamese, English), most specific first.
_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(
            r"\[facet 'maxLength'\] The value has a length of '(\d+)'; this exceeds the "
            r"allowed maximum length of '(\d+)'"
        ),
        "dài {0} ký tự, vượt quá giới hạn {1} ký tự",
        "is {0} characters long, over the limit of {1}",
    ),
    (
        re.compile(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set"),
        "giá trị «{0}» không nằm trong các mã được định nghĩa",
        "value '{0}' is not one of the defined codes",
    ),
    (
        re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern"),
        "giá trị «{0}» không đúng định dạng quy định",
        "value '{0}' does not have the required form",
    ),
    (
        re.compile(
            r"\[facet '(?:maxInclusive|minInclusive)'\] The value '(.*?)' is "
            r"(?:greater|less) than the (?:maximum|minimum) value allowed \('(.*)'\)"
        ),
        "giá trị {0} ngoài khoảng cho phép (giới hạn {1})",
        "value {0} is out of the allowed range (limit {1})",
    ),
    (
        re.compile(r"'(.*)' is not a valid value of the (?:atomic|union|local atomic) type"),
        "giá trị «{0}» không hợp lệ",
        "value '{0}' is not valid",
    ),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?(\(.*\))"),
        "thiếu phần tử con, cần có: {0}",
        "a child element is missing; expected: {0}",
    ),
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?(\(.*\))"),
        "phần tử này không được phép ở đây; cần: {0}",
        "this element is not allowed here; expected: {0}",
    ),
    (
        re.compile(r"This element is not expected\."),
        "phần tử này không được phép ở đây",
        "this element is not allowed here",
    ),
    (
        re.compile(r"No matching global declaration available for the validation root"),
        "phần tử gốc không phải edXML của QCVN 102",
        "the root element is not the edXML of QCVN 102",
    ),
]


def _explain(error) -> Violation:
    message = error.message
    element = re.match(r"Element '([^']*)'(?:, attribute '([^']*)')?: (.*)", message, re.S)
    detail = element.group(3) if element else message
    subject = _name(element.group(1)) if element else ""
    for pattern, vi, en in _RULES:
        match = pattern.search(detail)
        if match:
            groups = [_names(g) if g and g.startswith("(") else g for g in match.groups()]
            return Violation(
                error.path or "",
                error.line,
                f"{subject}: {vi.format(*groups)}" if subject else vi.format(*groups),
                f"{subject}: {en.format(*groups)}" if subject else en.format(*groups),
            )
    return Violation(error.path or "", error.line, f"Vi phạm lược đồ: {message}", message)


def _message_header_violations(tree: etree._ElementTree) -> list[Violation]:
    """What the schema's repeated choice lets through in MessageHeader (an element it does
    not know at all, the schema reports itself)."""
    header = tree.getroot().find(f"{q('edXMLEnvelope')}/{q('edXMLHeader')}/{q('MessageHeader')}")
    if header is None:
        return []
    status = header.find(q("StatusCode")) is not None
    kind, layout, other = (
        ("status", STATUS_HEADER, DOCUMENT_HEADER)
        if status
        else ("document", DOCUMENT_HEADER, STATUS_HEADER)
    )
    present = Counter(child.tag for child in header)
    violations = [
        Violation(
            tree.getpath(header),
            header.sourceline,
            f"MessageHeader: thiếu phần tử con, cần có: {_name(name)}",
            f"MessageHeader: a child element is missing; expected: {_name(name)}",
        )
        for name in required_children(layout)
        if not present[name]
    ]
    seen: Counter = Counter()
    for child in header.iterchildren(f"{{{NS}}}*"):
        seen[child.tag] += 1
        known = layout.children.get(child.tag)
        if known is None and child.tag in other.children:
            where = "gói tin trạng thái" if status else "gói tin văn bản"
            vi = f"phần tử này không được phép ở đây (trong {where})"
            en = f"this element is not allowed here (in a {kind} message)"
        elif known is not None and seen[child.tag] > 1 and not known.repeats:
            vi, en = "phần tử này chỉ được có một lần", "this element may appear only once"
        else:
            continue
        name = _name(child.tag)
        violations.append(
            Violation(tree.getpath(child), child.sourceline, f"{name}: {vi}", f"{name}: {en}")
        )
    return violations


SHOWN = 100  # a hostile envelope can break the schema a million times; a person reads a few


def validate(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Violation]:
    """Every violation of the envelope schema, and any reason the envelope cannot be read."""
    try:
        tree, _ = read_tree(data, limits)
    except EnvelopeError as error:
        return [Violation("", None, error.message_vi, error.message_en)]
    checker = schema()
    errors = [] if checker.validate(tree) else list(checker.error_log)
    header = _message_header_violations(tree)
    violations = ([_explain(e) for e in errors[:SHOWN]] + header)[:SHOWN]
    if len(errors) + len(header) > SHOWN:
        more = len(errors) + len(header) - SHOWN
        violations.append(
            Violation("", None, f"… và {more} vi phạm khác.", f"… and {more} more violations.")
        )
    try:
        parse(data, limits)
    except EnvelopeError as error:
        violations.append(Violation("", None, error.message_vi, error.message_en))
    return violations
