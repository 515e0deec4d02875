"""Signatures found in the raw bytes of a PDF that no reader can open.

Attacks and damage often break a file's structure (shifted cross-reference offsets, a
shortened /Contents): pyHanko then cannot open it, yet the file still says what it was
signed as. Each ``/ByteRange [a b c d]`` found in the bytes is checked on its own: two
ranges from byte 0, in order, inside the file, the gap exactly one hex string (the
signature value); the CMS decodes; the digest of the ranges equals the signed
message-digest. What fails is a finding; what passes proves nothing more than that, so a
file with only clean raw signatures is still reported as unreadable.
"""

import hashlib
import re
from dataclasses import dataclass

from asn1crypto import cms

from edoc.bilingual import Text

_BYTE_RANGE = re.compile(
    rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]"
)
_MAX_SIGNATURES = 200


@dataclass(frozen=True)
class RawSignature:
    """One signature dictionary found in the bytes, and what is wrong with it (vi, en)."""

    offset: int
    byte_range_problem: Text | None = None
    integrity_problem: Text | None = None


#: The ranges leave something other than the signature value out: nothing to decode.
_BAD_GAP = Text(
    "khoảng hở giữa hai đoạn không đúng là giá trị chữ ký",
    "the gap between the ranges is not exactly the signature value",
)


def _gap_problem(data: bytes, start: int, length: int, other: int, size: int):
    if start != 0:
        return Text(
            f"đoạn đầu bắt đầu ở byte {start}, không phải 0",
            f"the first range starts at byte {start}, not 0",
        )
    if other <= length:
        return Text(
            "hai đoạn chồng lấn hoặc sai thứ tự",
            "the two ranges overlap or are out of order",
        )
    if other + size > len(data):
        return Text(
            f"các đoạn kết thúc ở byte {other + size}, tệp chỉ có {len(data)} byte",
            f"the ranges end at byte {other + size}, the file has {len(data)} bytes",
        )
    gap = data[length:other]
    if not (gap.startswith(b"<") and gap.endswith(b">")) or b">" in gap[1:-1]:
        return _BAD_GAP
    return None


def _integrity_problem(data: bytes, byte_range: tuple[int, int, int, int]):
    start, length, other, size = byte_range
    hex_value = data[length + 1 : other - 1].translate(None, b" \t\r\n\f\x00")
    signed = data[start : start + length] + data[other : other + size]
    try:
        value = bytes.fromhex((hex_value + b"0" * (len(hex_value) % 2)).decode("ascii"))
        signed_data = cms.ContentInfo.load(value, strict=False)["content"]
        content = signed_data["encap_content_info"]["content"].native
        if content is not None:  # adbe.pkcs7.sha1: the signed content is the SHA-1 of the file
            expected, digest = content, hashlib.sha1(signed)
        else:
            signer = signed_data["signer_infos"][0]
            algorithm = signer["digest_algorithm"]["algorithm"].native
            attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
            expected = attributes["message_digest"].native
            digest = hashlib.new(algorithm.replace("sha3_", "sha3-"), signed)
    except Exception as error:  # anything undecodable: the signature is unusable
        reason = type(error).__name__
        return Text(
            f"không giải mã được chữ ký ({reason})",
            f"the signature cannot be decoded ({reason})",
        )
    if digest.digest() != expected:
        return Text(
            "giá trị băm của phần đã ký không khớp giá trị băm được ký",
            "the signed bytes do not hash to the signed message digest",
        )
    return None


def raw_signatures(data: bytes) -> list[RawSignature]:
    """Every signature dictionary in ``data`` with its problems, in file order."""
    found = []
    for match in _BYTE_RANGE.finditer(data):
        if len(found) >= _MAX_SIGNATURES:
            break
        byte_range = tuple(int(n) for n in match.groups())
        problem = _gap_problem(data, *byte_range)
        integrity = None if problem is _BAD_GAP else _integrity_problem(data, byte_range)
        found.append(RawSignature(match.start(), problem, integrity))
    return found
