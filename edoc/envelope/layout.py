"""Where each element of an edXML message belongs, as edoc reads it.

Senders write the elements in different orders, so edoc reads them by name, never by
position. This layout says which names edoc knows in each block, from the root down, which
of them may repeat and which MessageHeader must hold: the parser walks a message against it
to find what it does not know (kept and reported, never dropped), and the validator checks
with it what the schema's open MessageHeader cannot say. Types and length limits are the
schema's (``schema/edxml.xsd``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from edoc.envelope.names import DSIG, q


@dataclass(frozen=True)
class Layout:
    """An element as edoc knows it: its known children by qualified name, whether it may
    repeat, and whether its parent must hold it. ``children`` is empty for an element that
    holds text, and None for one whose inside is not edoc's to read (a signature).
    ``required`` is said where the schema cannot say it, in MessageHeader (whose children
    come in any order); the schema says it everywhere else."""

    children: Mapping[str, "Layout"] | None
    repeats: bool = False
    required: bool = False

    @property
    def is_block(self) -> bool:
        """Whether the element holds elements edoc reads (not text, not a signature)."""
        return bool(self.children)


TEXT = Layout({})
OPAQUE = Layout(None)


def _block(children: Mapping[str, Layout]) -> Layout:
    return Layout({q(name): layout for name, layout in children.items()})


def _texts(*names: str) -> Layout:
    return _block(dict.fromkeys(names, TEXT))


def _many(layout: Layout) -> Layout:
    return replace(layout, repeats=True)


def _required(layout: Layout) -> Layout:
    return replace(layout, required=True)


def required_children(layout: Layout) -> list[str]:
    """The qualified names of the children an element must hold."""
    return [name for name, child in (layout.children or {}).items() if child.required]


def depth(layout: Layout) -> int:
    """How many blocks deep the layout goes below the element: the most steps a path to a
    block edoc knows can have."""
    return max(
        (1 + depth(child) for child in layout.children.values() if child.is_block), default=0
    )


ORGANIZATION = _texts(
    "OrganId",
    "OrganizationInCharge",
    "OrganName",
    "OrganAdd",
    "Email",
    "Telephone",
    "Fax",
    "Website",
)
RESPONSE_FOR = _texts("OrganId", "Code", "PromulgationDate", "DocumentId")
STAFF_INFO = _texts("Department", "DepartmentId", "Staff", "StaffId", "Email", "Mobile")

DOCUMENT_HEADER = _block(
    {
        "From": _required(ORGANIZATION),
        "To": _required(_many(ORGANIZATION)),
        "DocumentId": _required(TEXT),
        "Code": _required(_texts("CodeNumber", "CodeNotation")),
        "PromulgationInfo": _required(_texts("Place", "PromulgationDate")),
        "DocumentType": _required(_texts("Type", "TypeDetail", "TypeName")),
        "Subject": _required(TEXT),
        "Content": TEXT,
        "SignerInfo": _required(_texts("Competence", "Position", "FullName")),
        "DueDate": TEXT,
        "ToPlaces": _block({"Place": _many(TEXT)}),
        "OtherInfo": _block(
            {
                "Priority": TEXT,
                "SphereOfPromulgation": TEXT,
                "TyperNotation": TEXT,
                "PromulgationAmount": TEXT,
                "PageAmount": TEXT,
                "Appendixes": _block({"Appendix": _many(TEXT)}),
                "Direction": TEXT,
                "ReplyFors": TEXT,
                "ReferenceCodes": TEXT,
            }
        ),
        "ResponseFor": _many(RESPONSE_FOR),
        "SteeringType": TEXT,
        "ResponseForTask": _block({"TaskCode": _many(TEXT)}),
        "ApplicationType": TEXT,
    }
)
"""MessageHeader of a document message."""

STATUS_HEADER = _block(
    {
        "From": _required(ORGANIZATION),
        "ResponseFor": _required(RESPONSE_FOR),
        "StaffInfo": STAFF_INFO,
        "StatusCode": _required(TEXT),
        "Description": TEXT,
        "Timestamp": _required(TEXT),
    }
)
"""MessageHeader of a status message."""

BUSINESS = _block(
    {
        "DocumentId": TEXT,
        "BussinessDocType": TEXT,
        "BussinessDocReason": TEXT,
        "Paper": TEXT,
        "BussinessDocumentInfo": _block(
            {
                "DocumentInfo": TEXT,
                "DocumentReceiver": TEXT,
                "ReceiverList": _block({"Receiver": _many(_texts("OrganId", "ReceiverType"))}),
            }
        ),
        "ReplacementInfoList": _block(
            {
                "ReplacementInfo": _many(
                    _block({"DocumentId": TEXT, "OrganIdList": _block({"OrganId": _many(TEXT)})})
                )
            }
        ),
        "StaffInfo": STAFF_INFO,
    }
)

TRACES = _block({"TraceHeader": _many(_texts("OrganId", "Timestamp")), "Bussiness": BUSINESS})
"""TraceHeaderList: the document's route, and what it does to an earlier one."""

MANIFEST = _block(
    {"Reference": _many(_texts("ContentId", "ContentType", "Description", "AttachmentName"))}
)
ATTACHMENTS = _block(
    {
        "Attachment": _many(
            _texts(
                "ContentId",
                "AttachmentName",
                "Description",
                "ContentType",
                "ContentTransferEncoded",
            )
        )
    }
)

_SIGNATURES = {q("Signature"): OPAQUE, f"{{{DSIG}}}Signature": OPAQUE}
"""XML-DSig's signature, and the SDK's in edXML's namespace: neither is edoc's to read."""


def _header(blocks: Mapping[str, Layout]) -> Layout:
    """edXMLHeader holding ``blocks`` and the envelope's signature."""
    return Layout({**_block(blocks).children, **_SIGNATURES})


DOCUMENT = _block(
    {
        "edXMLEnvelope": _block(
            {
                "edXMLHeader": _header(
                    {"MessageHeader": DOCUMENT_HEADER, "TraceHeaderList": TRACES}
                ),
                "edXMLBody": _block({"edXMLManifest": MANIFEST}),
            }
        ),
        "AttachmentEncoded": ATTACHMENTS,
    }
)
"""A document message, from its root."""

STATUS = _block(
    {"edXMLEnvelope": _block({"edXMLHeader": _header({"MessageHeader": STATUS_HEADER})})}
)
"""A status message, from its root: no hops, no body, no attachments ("no TraceHeaderList,
no body", as the standard says)."""
