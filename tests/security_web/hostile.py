"""What an attacker writes (script in text, in file names), and how the tests of this folder
look at what the inbox did with it: the files a request left, the name a file is served as.
"""

from urllib.parse import unquote

from cryptography.hazmat.primitives import serialization

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = "javascript:alert(1)"


def hostile(what: str) -> str:
    """A field's text as an attacker writes it, named so that the page shows which field."""
    return f"{what} {SCRIPT} {IMG} {LINK}"


def hostile_file(what: str, extension: str = ".pdf") -> str:
    """A file name as an attacker writes it (no / nor ", which browsers do not send)."""
    return f"{what} {IMG[2:]} {LINK}{extension}"


BEARER = {"Authorization": "Bearer hub-token", "Content-Type": "application/xml"}


def files_in(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def only_blobs_added(root, before: dict[str, bytes]) -> None:
    """Nothing was written under ``root`` but the database and files named by their SHA-256
    in the blob store."""
    import hashlib

    for path, data in files_in(root).items():
        if path in before or path.startswith("edoc.sqlite"):
            continue
        digest = hashlib.sha256(data).hexdigest()
        assert path == f"blobs/{digest[:2]}/{digest[2:4]}/{digest}", path


def served_name(answer) -> str:
    disposition = answer.headers["Content-Disposition"]
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert not {"/", "\\", ";", " ", '"'} & set(encoded)
    return unquote(encoded)


def pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)
