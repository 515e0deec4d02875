"""The words for a verification's results, one wording wherever they are shown: the inbox,
the verification report (terminal and HTML) and the audit say the same verdict the same way.

ETSI EN 319 102-1 indications and sub-indications are codes for machines; people read these
words, the code kept beside them (a tooltip on the pages) for whoever needs to look it up.
"""

from edoc.bilingual import Text

VERDICTS = {
    "compliant": Text("Hợp lệ", "Compliant"),
    "non_compliant": Text("Không hợp lệ", "Non-compliant"),
    "indeterminate": Text("Chưa xác định", "Indeterminate"),
}

INDICATIONS = {
    "TOTAL_PASSED": Text("Chữ ký đúng", "Signature holds"),
    "TOTAL_FAILED": Text("Chữ ký sai", "Signature fails"),
    "INDETERMINATE": Text("Chưa kết luận được", "Cannot conclude yet"),
}

SUB_INDICATIONS = {
    "FORMAT_FAILURE": Text("chữ ký sai định dạng", "the signature is malformed"),
    "HASH_FAILURE": Text("nội dung đã bị sửa sau khi ký", "the content was changed after signing"),
    "SIG_CRYPTO_FAILURE": Text("giá trị chữ ký không khớp", "the signature value does not match"),
    "REVOKED": Text("chứng thư số đã bị thu hồi", "the certificate was revoked"),
    "EXPIRED": Text("chứng thư số đã hết hạn", "the certificate had expired"),
    "NOT_YET_VALID": Text("chứng thư số chưa có hiệu lực", "the certificate was not yet valid"),
    "NO_CERTIFICATE_CHAIN_FOUND": Text(
        "chứng thư số không dẫn tới nơi cấp được tin cậy",
        "the certificate leads to no trusted issuer",
    ),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": Text(
        "không kiểm tra được chuỗi chứng thư", "the certificate chain could not be checked"
    ),
    "CHAIN_CONSTRAINTS_FAILURE": Text(
        "chuỗi chứng thư không đạt yêu cầu", "the certificate chain does not meet the rules"
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": Text(
        "thuật toán dưới mức tối thiểu", "an algorithm below the floor"
    ),
    "SIG_CONSTRAINTS_FAILURE": Text(
        "chữ ký không đạt yêu cầu của chính sách", "the signature does not meet the policy"
    ),
    "TRY_LATER": Text(
        "chưa biết tình trạng thu hồi, sẽ kiểm tra lại",
        "revocation status not known yet; checked again later",
    ),
    "OUT_OF_BOUNDS_NO_POE": Text(
        "ký ngoài thời hạn hiệu lực", "signed outside the certificate's validity"
    ),
    "OUT_OF_BOUNDS_NOT_REVOKED": Text(
        "chứng thư số đã hết hạn, dù chưa bị thu hồi",
        "the certificate has expired, though not revoked",
    ),
    "REVOKED_NO_POE": Text(
        "chứng thư số đã bị thu hồi, không chứng minh được đã ký trước đó",
        "the certificate was revoked; signing before that is not proven",
    ),
    "REVOKED_CA_NO_POE": Text(
        "nơi cấp chứng thư số đã bị thu hồi", "the certificate's issuer was revoked"
    ),
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": Text(
        "thông tin thu hồi nằm ngoài thời hạn hiệu lực",
        "the revocation data is outside its validity",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": Text(
        "thuật toán nay dưới mức tối thiểu", "an algorithm now below the floor"
    ),
    "NO_POE": Text("không chứng minh được thời điểm ký", "the time of signing is not proven"),
    "TIMESTAMP_ORDER_FAILURE": Text(
        "thứ tự dấu thời gian không hợp lệ", "the timestamps are out of order"
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": Text(
        "không tìm thấy chứng thư số của người ký", "the signer's certificate was not found"
    ),
    "SIGNED_DATA_NOT_FOUND": Text(
        "không tìm thấy nội dung đã ký", "the signed content was not found"
    ),
    "POLICY_PROCESSING_ERROR": Text(
        "không áp dụng được chính sách chữ ký", "the signature policy could not be applied"
    ),
    "SIGNATURE_POLICY_NOT_AVAILABLE": Text(
        "không có chính sách chữ ký", "no signature policy is available"
    ),
    "GENERIC": Text("không kết luận được", "no conclusion could be reached"),
}

LEVELS = {
    "error": Text("Lỗi", "Error"),
    "warning": Text("Cảnh báo", "Warning"),
    "notice": Text("Lưu ý", "Notice"),
    "ignore": Text("Bỏ qua", "Ignore"),
}

#: The checks that say a signature is not to be trusted: only these make a badge say so.
TRUST_CODES = ("CERT_UNTRUSTED", "CERT_REVOKED", "CERT_EXPIRED", "CERT_NOT_YET_VALID")


def verdict_word(verdict: str, lang: str = "vi") -> str:
    """A document's verdict (compliant, non_compliant, indeterminate) in words."""
    return _word(VERDICTS, verdict, lang)


def indication_word(indication: str, sub_indication: str | None, lang: str = "vi") -> str:
    """A signature's ETSI indication in words, with its sub-indication's when it has one."""
    main = _word(INDICATIONS, indication, lang)
    if not sub_indication:
        return main
    return f"{main}: {sub_indication_word(sub_indication, lang)}"


def sub_indication_word(sub_indication: str, lang: str = "vi") -> str:
    """An ETSI sub-indication (what a validation found, e.g. REVOKED) in words."""
    return _word(SUB_INDICATIONS, sub_indication, lang)


def indication_code(indication: str, sub_indication: str | None) -> str:
    """The ETSI code of a signature's result, as a tooltip beside its words."""
    return f"{indication} / {sub_indication}" if sub_indication else indication


def level_word(level: str, lang: str = "vi") -> str:
    """A finding's level (error, warning, notice, ignore) in words."""
    return _word(LEVELS, level, lang)


def _word(words: dict[str, Text], code: str, lang: str) -> str:
    """The word for ``code`` in ``lang``; the code itself when no word is known for it."""
    text = words.get(code)
    return text.in_(lang) if text else code
