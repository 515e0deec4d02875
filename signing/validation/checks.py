"""The check catalogue of signature-format.md §7: stable codes and their messages.

Reports name every finding by its code, so auditors can count them across agencies and
years; the level of each check (error, warning, notice, ignore) is a policy's to set
(``signing/validation/policies/default.toml`` holds the levels that follow the Vietnamese
rules).
"""

import enum
from dataclasses import dataclass

from edoc.bilingual import Text


class Severity(enum.StrEnum):
    """How much a finding weighs: an error makes a document non-compliant."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Check:
    """One check of the catalogue: its code and message template (``{detail}`` in it)."""

    code: str
    message: Text


_CATALOGUE = [
    Check("SIG_INTEGRITY", Text(
        "Giá trị băm hoặc chữ ký không khớp nội dung đã ký{detail}.",
        "The signed bytes' digest or the signature value does not verify{detail}.")),
    Check("SIG_BYTERANGE", Text(
        "ByteRange sai dạng, chồng lấn hoặc để hở ngoài giá trị chữ ký{detail}.",
        "The ByteRange is malformed, overlaps another or leaves gaps{detail}.")),
    Check("SIG_MODIFIED", Text(
        "Tệp bị thay đổi sau khi ký theo cách không được phép{detail}.",
        "The file was changed after signing in a way that is not allowed{detail}.")),
    Check("CERT_UNTRUSTED", Text(
        "Chứng thư số không dẫn tới một neo tin cậy đã cấu hình{detail}.",
        "No chain to a configured trust anchor{detail}.")),
    Check("CERT_REVOKED", Text(
        "Chứng thư số đã bị thu hồi tại thời điểm ký{detail}.",
        "The certificate was revoked at signing time{detail}.")),
    Check("CERT_EXPIRED", Text(
        "Chứng thư số đã hết hạn tại thời điểm ký{detail}.",
        "The certificate had expired at signing time{detail}.")),
    Check("CERT_NOT_YET_VALID", Text(
        "Chứng thư số chưa có hiệu lực tại thời điểm ký{detail}.",
        "The certificate was not yet valid at signing time{detail}.")),
    Check("REVOCATION_UNKNOWN", Text(
        "Không xác định được tình trạng thu hồi của chứng thư số{detail}.",
        "The revocation status could not be established{detail}.")),
    Check("ALG_WEAK_HASH", Text(
        "Hàm băm dưới mức tối thiểu (SHA-1, MD5){detail}.",
        "A hash below the floor (SHA-1, MD5){detail}.")),
    Check("ALG_WEAK_KEY", Text(
        "Khóa dưới mức tối thiểu (RSA < 2048, ECDSA < 256 bit){detail}.",
        "A key below the floor (RSA < 2048, ECDSA < 256 bits){detail}.")),
    Check("ALG_RSA_PKCS1V15", Text(
        "Chữ ký RSA theo PKCS#1 v1.5 thay vì RSASSA-PSS{detail}.",
        "An RSA PKCS#1 v1.5 signature rather than RSASSA-PSS{detail}.")),
    Check("FMT_LEGACY_SUBFILTER", Text(
        "Định dạng chữ ký PDF cũ, không phải PAdES{detail}.",
        "A legacy PDF signature format, not PAdES{detail}.")),
    Check("FMT_NO_TIMESTAMP", Text(
        "Chữ ký không có dấu thời gian (chỉ PAdES B-B){detail}.",
        "No signature timestamp (PAdES B-B only){detail}.")),
    Check("FMT_NO_LTV", Text(
        "Không kèm dữ liệu kiểm tra dài hạn (dưới B-LT){detail}.",
        "No embedded validation data for long-term checking (below B-LT){detail}.")),
    Check("VN_NO_SIGNATURE", Text(
        "Văn bản không có chữ ký số{detail}.",
        "The document carries no digital signature{detail}.")),
    Check("VN_MISSING_PERSONAL", Text(
        "Không có chữ ký số hợp lệ của người có thẩm quyền{detail}.",
        "No valid personal signature of the competent person{detail}.")),
    Check("VN_MISSING_ORGANISATION", Text(
        "Không có chữ ký số hợp lệ của cơ quan, tổ chức{detail}.",
        "No valid organisation signature{detail}.")),
    Check("VN_ORDER", Text(
        "Chữ ký của cơ quan, tổ chức được ký trước chữ ký cá nhân{detail}.",
        "The organisation signature was applied before the personal one{detail}.")),
    Check("VN_ROLE_UNKNOWN", Text(
        "Không xác định được chữ ký là của cá nhân hay cơ quan{detail}.",
        "A signature's role cannot be told from its certificate{detail}.")),
    Check("VN_SCANNED_ORIGINAL", Text(
        "Văn bản là bản quét giấy, không có chữ ký số cá nhân{detail}.",
        "The pages are scanned images with no personal digital signature{detail}.")),
    Check("VN_PERSONAL_APPEARANCE", Text(
        "Chữ ký cá nhân không có hình ảnh hoặc nằm ngoài trang{detail}.",
        "The personal signature has no visible image or sits outside the page{detail}.")),
    Check("VN_SEAL_APPEARANCE", Text(
        "Chữ ký cơ quan không có hình dấu hoặc không trùm khoảng 1/3 chữ ký cá nhân{detail}.",
        "The organisation signature shows no seal or does not cover about the left third "
        "of the personal signature{detail}.")),
    Check("VN_ATTACHMENT_STAMP", Text(
        "Chữ ký trên phụ lục không ở góc trên bên phải trang 1 hoặc thiếu số, ký hiệu và "
        "thời gian{detail}.",
        "An attachment's organisation signature is not top right of page 1 or lacks the "
        "number/notation and ISO 8601 time{detail}.")),
    Check("VN_SIGNER_MISMATCH", Text(
        "Người ký trong gói tin không khớp chứng thư số của chữ ký cá nhân{detail}.",
        "The envelope's signer does not match the personal signature's certificate{detail}.")),
    Check("VN_ORGANISATION_MISMATCH", Text(
        "Cơ quan gửi trong gói tin không khớp chứng thư số của chữ ký cơ quan{detail}.",
        "The envelope's sender does not match the organisation signature's certificate"
        "{detail}.")),
    Check("ENV_SIGNATURE", Text(
        "Chữ ký XML của gói tin thiếu, hỏng hoặc dùng SHA-1{detail}.",
        "The envelope's XML signature is missing, broken or uses SHA-1{detail}.")),
]  # fmt: skip

CATALOGUE: dict[str, Check] = {check.code: check for check in _CATALOGUE}
