"""PAdES signatures the way Nghị định 30/2020 wants them on an official document.

The competent person signs first, with the blue image of their handwritten signature centred
in the signer block; the clerk then signs for the agency in a new incremental revision, with
the red seal at its real size covering about the left third of the personal signature image.
Both are PAdES (SubFilter ETSI.CAdES.detached) with SHA-256, at level B-B, or B-T with an
RFC 3161 timestamp. What would make a non-compliant document is refused before signing.
"""

import asyncio
import datetime as dt
import io
import re
import urllib.request
from dataclasses import dataclass

from asn1crypto import cms, tsp
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from edoc.errors import SigningError
from edoc.floor import key_floor
from edoc.timezone import to_vietnam
from edoc.untrusted import untrusted_text
from signing import aio
from signing.baseline import SIGNED_LEVELS, Level
from signing.certificates import asn1_certificate
from signing.geometry import POINTS_PER_MM, Box, image_box, media_box, seal_box
from signing.pdf import open_pdf
from signing.roles import Role, certificate_role
from signing.sign.images import CachedPdfImage, encode_png
from signing.sign.keys import SigningKey
from signing.sign.position import Anchor, Field, find_anchor
from signing.sign.signer import signer_for
from signing.sign.stamp_font import StampFontFactory

PERSONAL_FIELD = "ChuKyCaNhan"
ORGANISATION_FIELD = "ChuKyCoQuan"


@dataclass(frozen=True)
class Options:
    """The level to sign at, the TSA that B-T and B-LT need, the roots B-LT validates against."""

    level: Level = Level.B_B
    tsa_url: str | None = None
    trust: tuple[x509.Certificate, ...] = ()


DEFAULT_OPTIONS = Options()


class UrlTimeStamper(TimeStamper):
    """An RFC 3161 client over plain HTTP(S), with a timeout: no extra HTTP library needed."""

    def __init__(self, url: str, timeout: float = 15) -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self._post, req.dump())

    def _post(self, body: bytes) -> tsp.TimeStampResp:
        request = urllib.request.Request(
            self.url, body, {"Content-Type": "application/timestamp-query"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return tsp.TimeStampResp.load(response.read())
        except OSError as error:
            raise SigningError(
                f"Không lấy được dấu thời gian từ {self.url}: {error}.",
                f"Cannot get a timestamp from {self.url}: {error}.",
            ) from error


def _check_key(key: SigningKey, role: Role) -> None:
    public = key.certificate.public_key()
    bits = getattr(public, "key_size", 0)
    floor = key_floor(public)
    if bits < floor:
        raise SigningError(
            f"Khóa {bits} bit dưới mức tối thiểu {floor} bit: không ký.",
            f"The key has {bits} bits, below the floor of {floor}: not signing.",
        )
    decision = certificate_role(key.certificate)
    if decision.role is not role:
        personal = role is Role.PERSONAL
        wanted_vi = "cá nhân" if personal else "cơ quan, tổ chức"
        wanted_en = "a personal" if personal else "an organisation"
        raise SigningError(
            f"Chứng thư số không phải của {wanted_vi} ({decision.reason_vi}): không ký.",
            f"The certificate is not {wanted_en} certificate ({decision.reason_en}): not signing.",
        )


def _reader(pdf: bytes) -> PdfFileReader:
    return open_pdf(pdf, SigningError)


def _free_name(reader: PdfFileReader, base: str) -> str:
    taken = {name for name, _, _ in _signature_fields(reader)}
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, 1000) if f"{base}{n}" not in taken)


def _image_style(image: bytes, writer: IncrementalPdfFileWriter) -> StaticStampStyle:
    return StaticStampStyle(
        background=CachedPdfImage(encode_png(image), writer),
        border_width=0,
        background_opacity=1,
    )


@dataclass(frozen=True)
class Signed:
    """A signed document, and the name of the signature field its new signature fills."""

    pdf: bytes
    field: str


def _sign(
    pdf: bytes,
    key: SigningKey,
    box: Box,
    appearance: bytes | TextStampStyle,
    field_name: str,
    options: Options,
    reason: str | None = None,
    new_field: bool = True,
) -> Signed:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_count = int(writer.root["/Pages"]["/Count"])
    if not 1 <= box.page <= page_count:
        raise SigningError(
            f"Trang {box.page} không có trong tài liệu ({page_count} trang).",
            f"Page {box.page} is not in the document ({page_count} pages).",
        )
    if new_field:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(field_name, on_page=box.page - 1, box=box.rect)
        )
    level = options.level
    if level not in SIGNED_LEVELS:
        raise SigningError(f"edoc không ký ở mức {level}.", f"edoc does not sign at level {level}.")
    if level in (Level.B_T, Level.B_LT) and not options.tsa_url:
        raise SigningError(
            f"Mức {level} cần địa chỉ máy chủ cấp dấu thời gian (--tsa).",
            f"Level {level} needs a timestamp server (--tsa).",
        )
    if level is Level.B_LT and not options.trust:
        raise SigningError(
            "Mức B-LT cần neo tin cậy (--trust) để thu thập dữ liệu kiểm tra.",
            "Level B-LT needs trust anchors (--trust) to gather validation data.",
        )
    style = (
        appearance if isinstance(appearance, TextStampStyle) else _image_style(appearance, writer)
    )
    pdf_out = aio.run(_sign_async(writer, key, style, field_name, options, reason))
    return Signed(pdf_out, field_name)


async def _sign_async(
    writer: IncrementalPdfFileWriter,
    key: SigningKey,
    style: StaticStampStyle | TextStampStyle,
    field_name: str,
    options: Options,
    reason: str | None,
) -> bytes:
    fetchers = AIOHttpFetcherBackend() if options.level is Level.B_LT else None
    context = None
    if fetchers is not None:
        context = ValidationContext(
            trust_roots=[asn1_certificate(c) for c in options.trust],
            allow_fetching=True,
            revocation_mode="hard-fail",
            fetcher_backend=fetchers,
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        use_pades_lta=False,
        embed_validation_info=context is not None,
        validation_context=context,
    )
    signer = signer_for(key)
    pdf_signer = signers.PdfSigner(
        metadata,
        signer,
        timestamper=(
            UrlTimeStamper(options.tsa_url)
            if options.tsa_url and options.level is not Level.B_B
            else None
        ),
        stamp_style=style,
    )
    output = io.BytesIO()
    try:
        await pdf_signer.async_sign_pdf(
            writer,
            output=output,
            bytes_reserved=signer.reserved_bytes(options.level is not Level.B_B),
        )
    except (PathBuildingError, PathValidationError) as error:
        raise SigningError(
            f"Không kiểm tra được chứng thư số để ký: {error}.",
            f"Cannot validate the certificate to sign: {error}.",
        ) from error
    except PyHankoSigningError as error:
        reason = error.__cause__ or error
        validation = isinstance(reason, PathBuildingError | PathValidationError)
        raise SigningError(
            f"Không kiểm tra được chứng thư số để ký: {reason}."
            if validation
            else f"Không ký được: {reason}.",
            f"Cannot validate the certificate to sign: {reason}."
            if validation
            else f"Cannot sign: {reason}.",
        ) from error
    finally:
        if fetchers is not None:
            await fetchers.close()
    return output.getvalue()


def sign_personal(
    pdf: bytes,
    key: SigningKey,
    image: bytes,
    where: Box | Anchor | Field,
    options: Options = DEFAULT_OPTIONS,
) -> Signed:
    """The competent person's signature, their image centred in the signer block.

    ``where`` is the block's free area, an :class:`Anchor` (the signer's printed name) that
    finds it, or an empty signature :class:`Field` of the document.
    """
    _check_key(key, Role.PERSONAL)
    reader = _reader(pdf)
    if isinstance(where, Field):
        box = _empty_field_box(reader, where.name)
        return _sign(pdf, key, box, image, where.name, options, new_field=False)
    area = where
    if isinstance(where, Anchor):
        area = find_anchor(pdf, where, int(reader.root["/Pages"]["/Count"]))
    name = _free_name(reader, PERSONAL_FIELD)
    return _sign(pdf, key, image_box(area, image), image, name, options)


def _page_numbers(reader: PdfFileReader) -> dict[int, int]:
    """Page number (1-based) by the object number of each page and of each annotation on it."""
    pages: dict[int, int] = {}
    count = 0
    pending = [reader.root.raw_get("/Pages")]
    seen: set[int] = set()
    while pending:
        ref = pending.pop()
        if not isinstance(ref, generic.IndirectObject) or ref.idnum in seen:
            continue
        seen.add(ref.idnum)
        node = ref.get_object()
        if "/Kids" in node:
            pending.extend(reversed(list(node["/Kids"])))
            continue
        count += 1
        pages[ref.idnum] = count
        for annotation in node.get("/Annots", []):
            if isinstance(annotation, generic.IndirectObject):
                pages.setdefault(annotation.idnum, count)
    return pages


def _field_box(field, pages: dict[int, int]) -> Box | None:
    rect = field.get("/Rect")
    page_ref = field.raw_get("/P") if "/P" in field else field.container_ref
    page = pages.get(page_ref.idnum) if page_ref is not None else None
    if rect is None or page is None:
        return None
    x1, y1, x2, y2 = (float(v) for v in rect)
    return Box(page, min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _empty_field_box(reader: PdfFileReader, name: str) -> Box:
    for field_name, field, value_ref in _signature_fields(reader):
        if field_name != name:
            continue
        if value_ref is not None:
            raise SigningError(
                f"Trường chữ ký «{field_name}» đã được ký.",
                f"The signature field '{field_name}' is already signed.",
            )
        box = _field_box(field, _page_numbers(reader))
        if box is not None:
            return box
    raise SigningError(
        f"Văn bản không có trường chữ ký trống «{name}».",
        f"The document has no empty signature field '{name}'.",
    )


@dataclass(frozen=True)
class PlacedSignature:
    """A signature already in a document: its field, signer role and where its widget is."""

    field: str
    role: Role
    box: Box | None
    certificate: x509.Certificate


def placed_signatures(pdf: bytes, *, boxes: bool = True) -> list[PlacedSignature]:
    """The signatures of a PDF in signing order, with each one's role and widget box.

    This runs several times per document in a batch, so it reads only what it needs: the
    signer's certificate from each CMS, found through the signature's /ByteRange in the raw
    bytes (pyHanko would parse the whole hexadecimal /Contents character by character), and
    it validates nothing: verification does that. With ``boxes=False`` the widgets' pages
    and rectangles are not looked up (box is None), which saves walking the page tree.
    """
    return _placed(_reader(pdf), pdf, boxes)


def _placed(reader: PdfFileReader, pdf: bytes, boxes: bool = True) -> list[PlacedSignature]:
    pages = _page_numbers(reader) if boxes else {}
    found = []
    for name, field, value_ref in _signature_fields(reader):
        located = _signature_contents(pdf, reader, value_ref) if value_ref else None
        certificate = _signer_certificate(located[0]) if located else None
        if located is None or certificate is None:
            continue
        box = _field_box(field, pages) if boxes else None
        placed = PlacedSignature(name, certificate_role(certificate).role, box, certificate)
        found.append((located[1], placed))
    return [placed for _, placed in sorted(found, key=lambda pair: pair[0])]


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _signature_fields(reader: PdfFileReader):
    """(qualified name, field dictionary, reference of its value or None) of signature fields.

    The value (the signature dictionary) is not dereferenced: reading it would parse its
    /Contents.
    """
    try:
        roots = list(reader.root["/AcroForm"]["/Fields"])
    except KeyError:
        return
    pending = [(ref, "", None) for ref in roots]
    seen: set[int] = set()
    while pending:
        ref, parent, inherited_type = pending.pop(0)
        if ref.idnum in seen:
            continue
        seen.add(ref.idnum)
        field = ref.get_object()
        partial = untrusted_text(field["/T"]) if "/T" in field else ""
        name = f"{parent}.{partial}" if parent and partial else partial or parent
        field_type = field.get("/FT", inherited_type)
        kids = [kid for kid in field.get("/Kids", []) if "/T" in kid.get_object()]
        pending.extend((kid, name, field_type) for kid in kids)
        if field_type == "/Sig" and not kids:
            yield name, field, field.raw_get("/V") if "/V" in field else None


def _signature_contents(pdf: bytes, reader: PdfFileReader, value_ref) -> tuple[bytes, int] | None:
    """The CMS bytes of a signature dictionary, and where its signed bytes end."""
    offset = reader.xrefs[value_ref.reference]
    if not isinstance(offset, int):
        return None
    end = pdf.find(b"endobj", offset)
    match = _BYTE_RANGE.search(pdf, offset, end if end != -1 else len(pdf))
    if match is None:
        return None
    start, length, resume, rest = (int(group) for group in match.groups())
    digits = pdf[start + length + 1 : resume - 1]
    try:
        return bytes.fromhex(digits.decode("ascii")), resume + rest
    except ValueError:
        return None


def _signer_certificate(contents: bytes) -> x509.Certificate | None:
    """The certificate of the (first) signer of a CMS SignedData, or None if unreadable."""
    try:
        signed_data = cms.ContentInfo.load(contents, strict=False)["content"]
        signer = signed_data["signer_infos"][0]["sid"]
        for candidate in signed_data["certificates"]:
            certificate = candidate.chosen
            if signer.name == "issuer_and_serial_number":
                wanted = signer.chosen
                if (
                    certificate.serial_number == wanted["serial_number"].native
                    and certificate.issuer.dump() == wanted["issuer"].dump()
                ):
                    return x509.load_der_x509_certificate(certificate.dump())
            elif certificate.key_identifier == signer.chosen.native:
                return x509.load_der_x509_certificate(certificate.dump())
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return None


def sign_organisation(
    pdf: bytes,
    key: SigningKey,
    seal: bytes,
    *,
    diameter_mm: float = 36.0,
    allow_missing_personal: bool = False,
    options: Options = DEFAULT_OPTIONS,
) -> Signed:
    """The agency's signature over the personal one, the seal covering its left third."""
    _check_key(key, Role.ORGANISATION)
    reader = _reader(pdf)
    personal = [s for s in _placed(reader, pdf) if s.role is Role.PERSONAL and s.box]
    reason = None
    if personal:
        box = seal_box(personal[-1].box, diameter_mm)
    elif allow_missing_personal:
        reason = "Không có chữ ký số cá nhân / no personal digital signature"
        box = _missing_personal_box(reader, diameter_mm)
    else:
        raise SigningError(
            "Văn bản chưa có chữ ký số của người có thẩm quyền: không ký số của cơ quan "
            "(dùng --allow-missing-personal nếu thật sự cần).",
            "The document has no personal signature of the competent person: not applying "
            "the organisation signature (use --allow-missing-personal if you must).",
        )
    name = _free_name(reader, ORGANISATION_FIELD)
    return _sign(pdf, key, box, seal, name, options, reason)


def _media_box(reader: PdfFileReader, index: int) -> tuple[float, float, float, float]:
    return media_box(reader.find_page_for_modification(index)[0].get_object())


def _missing_personal_box(reader: PdfFileReader, diameter_mm: float) -> Box:
    """With no personal signature to follow, the seal goes bottom right of the last page."""
    count = int(reader.root["/Pages"]["/Count"])
    _, y1, x2, _ = _media_box(reader, count - 1)
    diameter = diameter_mm * POINTS_PER_MM
    margin = 20 * POINTS_PER_MM
    left = x2 - margin - 2 * diameter
    return Box(count, left, y1 + margin, left + diameter, y1 + margin + diameter)


#: The text stamp of an attachment or an electronic copy: top right of page 1, inside the
#: margins of Nghị định 30 (top 20 mm, right 15 mm).
STAMP_WIDTH = 60 * POINTS_PER_MM
STAMP_HEIGHT = 20 * POINTS_PER_MM
STAMP_MARGIN_TOP = 20 * POINTS_PER_MM
STAMP_MARGIN_RIGHT = 15 * POINTS_PER_MM
STAMP_FONT_SIZE = 10

_ISO_BASIC = "%Y-%m-%dT%H:%M:%S%z"


class VietnamTimeStampStyle(TextStampStyle):
    """A text stamp whose ``%(ts)s`` is the signing time in ISO 8601, Vietnam time (+07:00).

    pyHanko formats the signing time with strftime in the machine's zone, and Python 3.11's
    strftime has no ``+07:00`` form: the time is read back and written as the rule asks.
    """

    def create_stamp(self, writer, box, text_params: dict):
        params = dict(text_params)
        moment = dt.datetime.strptime(params["ts"], _ISO_BASIC)
        params["ts"] = to_vietnam(moment).isoformat(timespec="seconds")
        return super().create_stamp(writer, box, params)


def _stamp_style(text: str) -> VietnamTimeStampStyle:
    font = StampFontFactory(STAMP_FONT_SIZE)
    return VietnamTimeStampStyle(
        stamp_text=text.replace("%", "%%") + "\n%(ts)s",
        text_box_style=TextBoxStyle(font=font, leading=12, text_color=(0, 0, 0)),
        border_width=0,
        background=None,
        timestamp_format=_ISO_BASIC,
    )


def _stamp_box(reader: PdfFileReader) -> Box:
    _, _, x2, y2 = _media_box(reader, 0)
    right, top = x2 - STAMP_MARGIN_RIGHT, y2 - STAMP_MARGIN_TOP
    return Box(1, right - STAMP_WIDTH, top - STAMP_HEIGHT, right, top)


def _sign_stamped(pdf: bytes, key: SigningKey, text: str, options: Options) -> Signed:
    _check_key(key, Role.ORGANISATION)
    reader = _reader(pdf)
    name = _free_name(reader, ORGANISATION_FIELD)
    return _sign(pdf, key, _stamp_box(reader), _stamp_style(text), name, options)


def sign_attachment(
    pdf: bytes, key: SigningKey, code: str, options: Options = DEFAULT_OPTIONS
) -> Signed:
    """The agency's signature on an attachment or appendix: its number/notation and the time."""
    return _sign_stamped(pdf, key, code, options)


def sign_copy(
    pdf: bytes,
    key: SigningKey,
    copy_form: str,
    agency_name: str,
    options: Options = DEFAULT_OPTIONS,
) -> Signed:
    """The copying agency's signature on an electronic copy (SAO Y, SAO LỤC, TRÍCH SAO)."""
    return _sign_stamped(pdf, key, f"{copy_form}\n{agency_name}", options)
