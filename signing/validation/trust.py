"""Trust anchors from configuration: PEM or DER certificate files, or folders of them.

edoc never ships the national roots as a hidden default (signature-format.md §5): whoever
signs at B-LT or verifies names the roots they trust.
"""

from collections.abc import Iterable
from pathlib import Path

from cryptography import x509

from edoc.errors import EdocError
from edoc.files import read_input

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def load_certificates(paths: Iterable[Path]) -> list[x509.Certificate]:
    """Every certificate in the given files and folders (a folder: its certificate files)."""
    certificates: list[x509.Certificate] = []
    for path in paths:
        files = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        for file in files:
            certificates.extend(read_certificates(read_input(file), file))
    return certificates


def read_certificates(data: bytes, source: Path | str) -> list[x509.Certificate]:
    """The certificates of PEM or DER ``data`` read from ``source`` (a file, an upload),
    which errors name."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as error:  # the parser's words are no one's: said in the reader's
        raise EdocError(
            "Không phải chứng thư số PEM hay DER: tệp hỏng hoặc là loại tệp khác.",
            "Not a PEM or DER certificate: the file is damaged or of another kind.",
            path=source,
        ) from error
