"""PDFs carrying content a viewer may run (JavaScript, a launched program, a form sent
somewhere), signed or not."""

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.images import seal_image, signature_image
from signing.geometry import Box
from signing.sign.pades import sign_organisation, sign_personal
from tests.support.keys import key_of

#: Where a script is put, and what finds it there.
PLACES = {
    "open": "/OpenAction /JavaScript",  # run when the file opens
    "names": "/Names /JavaScript",  # the document's scripts, run when it opens
    "page": "/AA /JavaScript",  # run when page 1 is shown
    "link": "/A /Launch",  # a link on page 1 that starts a program
    "chain": "/OpenAction /JavaScript",  # an innocent open action, then a script after it
    "submit": "/A /SubmitForm",  # a link that sends the form somewhere
}


def with_script(pdf: bytes, *places: str) -> bytes:
    """``pdf`` with a script (or an action as bad) at each of ``places`` (see PLACES)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))

    def action(kind: str, **entries: generic.PdfObject) -> generic.IndirectObject:
        entries = {f"/{key}": value for key, value in entries.items()}
        return writer.add_object(
            generic.DictionaryObject({"/S": generic.NameObject(kind), **entries})
        )

    def script() -> generic.IndirectObject:
        return action("/JavaScript", JS=generic.TextStringObject("app.alert('edoc')"))

    root = writer.root
    if "open" in places:
        root["/OpenAction"] = script()
    if "chain" in places:
        start = generic.ArrayObject([writer.root["/Pages"]["/Kids"].raw_get(0)])
        root["/OpenAction"] = action("/GoTo", D=start, Next=script())
    if "names" in places:
        tree = generic.DictionaryObject({"/Names": generic.ArrayObject([
            generic.TextStringObject("mo-tep"), script()])})  # fmt: skip
        root["/Names"] = generic.DictionaryObject({"/JavaScript": writer.add_object(tree)})
    writer.update_root()
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    if "page" in places:
        page["/AA"] = generic.DictionaryObject({"/O": script()})
    links = [
        action(kind, F=generic.TextStringObject("calc.exe"))
        for place, kind in (("link", "/Launch"), ("submit", "/SubmitForm"))
        if place in places
    ]
    if links:
        page["/Annots"] = generic.ArrayObject([
            writer.add_object(generic.DictionaryObject({
                "/Type": generic.NameObject("/Annot"), "/Subtype": generic.NameObject("/Link"),
                "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 99, 99)]),
                "/A": link,
            }))
            for link in links
        ])  # fmt: skip
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_with_script(pki) -> bytes:
    """A Hà Nội letter carrying a script at every place, signed by its deputy and the agency
    as any letter (its signatures hold)."""
    letter = cong_van(HA_NOI)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    pdf = with_script(letter.pdf, *PLACES)
    first = sign_personal(pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), area)
    return sign_organisation(first.pdf, key_of(pki, "h26-org"), seal_image(HA_NOI)).pdf
