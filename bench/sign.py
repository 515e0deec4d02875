"""Signing throughput: edoc's batch against plain pyHanko, in the same run, same documents.

Each document is a 2-page Công văn that gets the personal signature (blue image in the
signer block) and then the organisation signature (red seal over it), at B-B with PKCS#12
keys. Two plain-pyHanko baselines, both in one process: the *heavy* one is what a script would
write from its documentation (SimpleSigner from the PKCS#12 file for every signature, the
images drawn); the *lean* one is the least pyHanko itself does (keys loaded once, no
appearance images), so that edoc's speed is not credited with the baseline's waste. edoc
runs ``sign_batch`` on every core. B-T throughput with the local TSA is reported too.

    .venv/bin/python -m bench.sign [--documents 1000] [--baseline 20] [--jobs N]
"""

import argparse
import io
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from edoc.server import free_port
from fixtures.agencies import HA_NOI
from fixtures.documents import SampleDocument, cong_van
from fixtures.export import TEST_PASSWORD, write_pki
from fixtures.images import seal_image, signature_image
from fixtures.pki import TestPKI, build_pki
from fixtures.services import PKIServer
from signing.baseline import Level
from signing.geometry import Box, image_box, seal_box
from signing.sign.batch import KeySource, Kind, SignSpec, plan, sign_batch
from signing.sign.pades import Options


def plain_pyhanko(
    pdf: bytes, person: Path, agency: Path, images: tuple[bytes, bytes], block
) -> bytes:
    """Personal then organisation signature, the way pyHanko's documentation shows."""
    signature, seal = images
    area = Box(block.page, *block.signature_box)
    personal_box = image_box(area, signature)
    boxes = ((person, personal_box, signature), (agency, seal_box(personal_box, 36), seal))
    for number, (p12, box, image) in enumerate(boxes):
        signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=TEST_PASSWORD.encode())
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        name = f"Signature{number}"
        fields.append_signature_field(
            writer, fields.SigFieldSpec(name, on_page=box.page - 1, box=box.rect)
        )
        meta = signers.PdfSignatureMetadata(
            field_name=name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
        )
        style = StaticStampStyle(background=PdfImage(Image.open(io.BytesIO(image)), writer=writer))
        out = io.BytesIO()
        signers.PdfSigner(meta, signer, stamp_style=style).sign_pdf(writer, output=out)
        pdf = out.getvalue()
    return pdf


def lean_pyhanko(pdf: bytes, keys: tuple[signers.Signer, signers.Signer]) -> bytes:
    """Personal then organisation signature with signers loaded once and no appearance
    (invisible fields): what pyHanko costs without the heavy baseline's repeated work."""
    for number, signer in enumerate(keys):
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=f"Signature{number}",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        out = io.BytesIO()
        signers.PdfSigner(meta, signer).sign_pdf(writer, output=out)
        pdf = out.getvalue()
    return pdf


def edoc_batch(
    folder: Path, keys: Path, images: tuple[bytes, bytes], area: Box, jobs: int, options: Options
) -> int:
    """Both signatures over the folder ``in`` with sign_batch; returns documents signed."""
    signature, seal = images
    personal = SignSpec(
        Kind.PERSONAL,
        KeySource(keys / "h26-deputy.p12", TEST_PASSWORD),
        signature,
        where=area,
        options=options,
    )
    organisation = SignSpec(
        Kind.ORGANISATION, KeySource(keys / "h26-org.p12", TEST_PASSWORD), seal, options=options
    )
    first = list(sign_batch(personal, plan([folder / "in"], folder / "personal"), jobs))
    second = list(sign_batch(organisation, plan([folder / "personal"], folder / "both"), jobs))
    failed = [o for o in first + second if o.status != "signed"]
    if failed:
        raise SystemExit(f"edoc failed: {failed[0]}")
    return len(second)


def arguments(description: str) -> argparse.Namespace:
    """The options every benchmark takes: how many documents, for edoc and for the baseline."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=20, help="documents for plain pyHanko")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    return parser.parse_args()


@dataclass(frozen=True)
class Workspace:
    """A scratch folder with the test PKI written out, the letter and its two images."""

    root: Path
    pki: TestPKI
    letter: SampleDocument
    images: tuple[bytes, bytes]

    def copies(self, folder: Path, count: int) -> None:
        """``count`` copies of the unsigned letter in ``folder``."""
        folder.mkdir(parents=True)
        for number in range(count):
            (folder / f"{number:05d}.pdf").write_bytes(self.letter.pdf)


@contextmanager
def workspace() -> Iterator[Workspace]:
    letter = cong_van(HA_NOI)
    images = (signature_image(HA_NOI.deputy), seal_image(HA_NOI))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        pki = build_pki(base_url=f"http://127.0.0.1:{free_port()}", key_cache=root / "cache")
        write_pki(pki, root / "pki")
        yield Workspace(root, pki, letter, images)


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with workspace() as work:
        root, pki, letter, images = work.root, work.pki, work.letter, work.images
        keys = root / "pki" / "keys"

        start = time.perf_counter()
        for _ in range(args.baseline):
            plain_pyhanko(letter.pdf, keys / "h26-deputy.p12", keys / "h26-org.p12", images,
                          letter.signer_block)  # fmt: skip
        plain = args.baseline / (time.perf_counter() - start)

        lean_keys = tuple(
            signers.SimpleSigner.load_pkcs12(str(keys / name), passphrase=TEST_PASSWORD.encode())
            for name in ("h26-deputy.p12", "h26-org.p12")
        )
        start = time.perf_counter()
        for _ in range(args.baseline):
            lean_pyhanko(letter.pdf, lean_keys)
        lean = args.baseline / (time.perf_counter() - start)

        results = {}
        with PKIServer(pki):
            for label, options in (
                ("B-B", Options()),
                ("B-T", Options(Level.B_T, pki.tsa_url)),
            ):
                folder = root / label
                work.copies(folder / "in", args.documents)
                start = time.perf_counter()
                area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
                count = edoc_batch(folder, keys, images, area, args.jobs, options)
                results[label] = count / (time.perf_counter() - start)

    print(f"plain pyHanko, 1 process:      {plain:7.1f} documents/s ({args.baseline} documents, "
          "personal + organisation, B-B)")  # fmt: skip
    print(f"lean pyHanko, 1 process:       {lean:7.1f} documents/s ({args.baseline} documents, "
          "keys loaded once, no images, B-B)")  # fmt: skip
    for label, rate in results.items():
        print(f"edoc sign_batch, {args.jobs} processes, {label}: {rate:7.1f} documents/s "
              f"({args.documents} documents)")  # fmt: skip
    print(f"ratio B-B: {results['B-B'] / plain:.1f}x plain pyHanko")
    print(f"ratio B-B: {results['B-B'] / lean:.1f}x lean pyHanko (target: 30x)")


if __name__ == "__main__":
    main()
