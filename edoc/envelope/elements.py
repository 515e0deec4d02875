"""Element helpers of the envelope reader and builder: names and namespaces matched without
prefixes, the paths that say where an element was, unknown elements kept as XML and their
limit."""

from copy import deepcopy

from lxml import etree

from edoc.envelope.safe_xml import Limits
from edoc.errors import EnvelopeError


def too_many_unknown_elements(limits: Limits) -> EnvelopeError:
    """The error of an envelope holding more unknown elements than ``limits`` allow."""
    return EnvelopeError(
        f"Gói tin có hơn {limits.unknown_elements} phần tử lạ (không thuộc QCVN 102 hay phần "
        "mở rộng đã biết): bị từ chối.",
        f"The envelope holds more than {limits.unknown_elements} unknown elements (neither of "
        "QCVN 102 nor of a known extension): refused.",
    )


def joined(path: str, step: str) -> str:
    """The path of a child: paths start at the root's children, the root's own is ""."""
    return f"{path}/{step}" if path else step


def path_step(element: etree._Element, position: int) -> str:
    """An element's step in a path: its local name, with its 1-based position among the
    siblings of its name where there are several."""
    several = position > 1 or next(element.itersiblings(element.tag), None) is not None
    return f"{local_name(element)}[{position}]" if several else local_name(element)


def namespace_of(element: etree._Element) -> str:
    """The element's namespace, "" for none."""
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def holds_no_namespace(element: etree._Element) -> bool:
    """Whether the element, or one inside it, is in no namespace: written into an edXML
    envelope (whose root declares edXML's as the default), it would fall into edXML's, since
    lxml never writes ``xmlns=""``."""
    return any(not namespace_of(node) for node in element.iter(etree.Element))


def has_children(element: etree._Element) -> bool:
    """Whether the element holds elements (not only text, comments or processing instructions)."""
    return any(isinstance(child.tag, str) for child in element)


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace (lxml's QName refuses namespaces with odd
    characters, which a parsed document may still have)."""
    return element.tag.rsplit("}", 1)[-1]


def kept_xml(element: etree._Element) -> str:
    """An element as edoc keeps it: exclusive canonical XML, without the indentation a pretty
    printer adds; lxml's own serialisation where C14N cannot (a relative namespace URI), so
    that such an element never makes the envelope unreadable."""
    copy = deepcopy(element)
    for node in copy.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not copy and node.tail is not None and not node.tail.strip():
            node.tail = None
    try:
        return etree.tostring(copy, method="c14n", exclusive=True, with_tail=False).decode()
    except etree.C14NError:
        return etree.tostring(copy, encoding="unicode", with_tail=False)
