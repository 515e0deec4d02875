"""Checking an envelope against edoc's XSD of QCVN 102:2016, with every violation explained.

The schema (``schema/edxml.xsd``, shipped in the package) holds the standard's length limits,
code ranges, required elements and date formats. libxml2 words its findings in English for
schema authors; each is reworded here for a clerk, in Vietnamese and in English, with the path
of the element concerned. MessageHeader takes its children in any order, which XSD 1.0 can
only say with a repeated choice: what such a choice cannot check (a required child missing, a
single one repeated, a child of the other kind of message) is checked here, worded the same,
as is what the schema does not know of kinds (a status message has no hops, no body and no
attachments) and what edoc had to repair to read the file at all (an undeclared prefix).
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from itertools import chain, islice

from lxml import etree

from edoc.bilingual import Text
from edoc.envelope.layout import DOCUMENT, STATUS, Layout, required_children
from edoc.envelope.names import NS, q
from edoc.envelope.parse import kind_of, parse
from edoc.envelope.safe_xml import DEFAULT_LIMITS, Limits, read_tree
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
_RULES: list[tuple[re.Pattern[str], Text]] = [
    (
        re.compile(
            r"\[facet 'maxLength'\] The value has a length of '(\d+)'; this exceeds the "
            r"allowed maximum length of '(\d+)'"
        ),
        Text(
            "dài {0} ký tự, vượt quá giới hạn {1} ký tự",
            "is {0} characters long, over the limit of {1}",
        ),
    ),
    (
        re.compile(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set"),
        Text(
            "giá trị «{0}» không nằm trong các mã được định nghĩa",
            "value '{0}' is not one of the defined codes",
        ),
    ),
    (
        re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern"),
        Text(
            "giá trị «{0}» không đúng định dạng quy định",
            "value '{0}' does not have the required form",
        ),
    ),
    (
        re.compile(
            r"\[facet '(?:maxInclusive|minInclusive)'\] The value '(.*?)' is "
            r"(?:greater|less) than the (?:maximum|minimum) value allowed \('(.*)'\)"
        ),
        Text(
            "giá trị {0} ngoài khoảng cho phép (giới hạn {1})",
            "value {0} is out of the allowed range (limit {1})",
        ),
    ),
    (
        re.compile(r"'(.*)' is not a valid value of the (?:atomic|union|local atomic) type"),
        Text(
            "giá trị «{0}» không hợp lệ",
            "value '{0}' is not valid",
        ),
    ),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?(\(.*\))"),
        Text(
            "thiếu phần tử con, cần có: {0}",
            "a child element is missing; expected: {0}",
        ),
    ),
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?(\(.*\))"),
        Text(
            "phần tử này không được phép ở đây; cần: {0}",
            "this element is not allowed here; expected: {0}",
        ),
    ),
    (
        re.compile(r"This element is not expected\."),
        Text(
            "phần tử này không được phép ở đây",
            "this element is not allowed here",
        ),
    ),
    (
        re.compile(r"No matching global declaration available for the validation root"),
        Text(
            "phần tử gốc không phải edXML của QCVN 102",
            "the root element is not the edXML of QCVN 102",
        ),
    ),
]


def _explain(error) -> Violation:
    message = error.message
    element = re.match(r"Element '([^']*)'(?:, attribute '([^']*)')?: (.*)", message, re.S)
    detail = element.group(3) if element else message
    subject = _name(element.group(1)) if element else ""
    for pattern, said in _RULES:
        match = pattern.search(detail)
        if match:
            groups = [_names(g) if g and g.startswith("(") else g for g in match.groups()]
            return Violation(
                error.path or "",
                error.line,
                f"{subject}: {said.vi.format(*groups)}" if subject else said.vi.format(*groups),
                f"{subject}: {said.en.format(*groups)}" if subject else said.en.format(*groups),
            )
    return Violation(error.path or "", error.line, f"Vi phạm lược đồ: {message}", message)


@dataclass(frozen=True)
class _Finding:
    """A violation edoc's own checks found, not yet placed: its path costs a walk among the
    element's siblings, so only the violations shown are placed."""

    element: etree._Element
    message_vi: str
    message_en: str

    def violation(self) -> Violation:
        path = self.element.getroottree().getpath(self.element)
        return Violation(path, self.element.sourceline, self.message_vi, self.message_en)


def _findings(tree: etree._ElementTree) -> Iterator[_Finding]:
    """What the schema cannot say: the children MessageHeader must hold or may hold once
    (its children come in any order), and elements of the other kind of message."""
    status = kind_of(tree) == "status"
    layout, other = (STATUS, DOCUMENT) if status else (DOCUMENT, STATUS)
    header = tree.getroot().find("/".join(map(q, _MESSAGE_HEADER)))
    if header is not None:
        yield from _message_header_findings(header, _block_at(layout, _MESSAGE_HEADER))
    yield from _other_kind_findings(tree.getroot(), layout, other, status)


_MESSAGE_HEADER = ("edXMLEnvelope", "edXMLHeader", "MessageHeader")


def _block_at(layout: Layout, path: tuple[str, ...]) -> Layout:
    """What the layout knows of the block at ``path`` (local names from the root)."""
    for name in path:
        layout = layout.children[q(name)]
    return layout


def _message_header_findings(header: etree._Element, layout: Layout) -> Iterator[_Finding]:
    """A required child missing, a single one repeated: what a repeated choice lets by."""
    present = {child.tag for child in header}
    for name in required_children(layout):
        if name not in present:
            yield _Finding(
                header,
                f"MessageHeader: thiếu phần tử con, cần có: {_name(name)}",
                f"MessageHeader: a child element is missing; expected: {_name(name)}",
            )
    seen: Counter = Counter()
    for child in header.iterchildren(f"{{{NS}}}*"):
        seen[child.tag] += 1
        known = layout.children.get(child.tag)
        if known is not None and seen[child.tag] > 1 and not known.repeats:
            name = _name(child.tag)
            yield _Finding(
                child,
                f"{name}: phần tử này chỉ được có một lần",
                f"{name}: this element may appear only once",
            )


def _other_kind_findings(
    element: etree._Element, layout: Layout, other: Layout, status: bool
) -> Iterator[_Finding]:
    """Elements only the other kind of message has, in the blocks both kinds share: a
    status's hops, body or attachments ("no TraceHeaderList, no body"), a document's
    StaffInfo or Description."""
    where_vi, where_en = (
        ("gói tin trạng thái", "status") if status else ("gói tin văn bản", "document")
    )
    for child in element.iterchildren(f"{{{NS}}}*"):
        known, elsewhere = layout.children.get(child.tag), other.children.get(child.tag)
        if known is None and elsewhere is not None:
            name = _name(child.tag)
            yield _Finding(
                child,
                f"{name}: phần tử này không được phép ở đây (trong {where_vi})",
                f"{name}: this element is not allowed here (in a {where_en} message)",
            )
        elif known is not None and elsewhere is not None and known.children != elsewhere.children:
            yield from _other_kind_findings(child, known, elsewhere, status)


SHOWN = 100  # a hostile envelope can break the schema a million times; a person reads a few


def validate(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Violation]:
    """Every violation of the envelope schema, and any reason the envelope cannot be read.

    What edoc repaired to read the file (an undeclared prefix) is a violation too. Past
    ``SHOWN`` violations the rest are counted, not worded.
    """
    try:
        tree, repairs = read_tree(data, limits)
    except EnvelopeError as error:
        return [Violation("", None, error.message_vi, error.message_en)]
    checker = schema()
    errors = [] if checker.validate(tree) else checker.error_log
    found: Iterator[Callable[[], Violation]] = chain(
        (partial(Violation, "", r.line, r.message_vi, r.message_en) for r in repairs),
        (partial(_explain, error) for error in errors),
        (finding.violation for finding in _findings(tree)),
    )
    violations = [make() for make in islice(found, SHOWN)]
    more = sum(1 for _ in found)
    if more:
        violations.append(
            Violation("", None, f"… và {more} vi phạm khác.", f"… and {more} more violations.")
        )
    try:
        parse(data, limits)
    except EnvelopeError as error:
        violations.append(Violation("", None, error.message_vi, error.message_en))
    return violations
