"""The words for a verification's results, one wording wherever they are shown: the inbox,
the verification report (terminal and HTML) and the audit say the same verdict the same way.

ETSI EN 319 102-1 indications and sub-indications are codes for machines; people read these
words, the code kept beside them (a tooltip on the pages) for whoever needs to look it up.
"""

VERDICTS = {
    "vi": {
        "compliant": "Hợp lệ",
        "non_compliant": "Không hợp lệ",
        "indeterminate": "Chưa xác định",
    },
    "en": {
        "compliant": "Compliant",
        "non_compliant": "Non-compliant",
        "indeterminate": "Indeterminate",
    },
}

INDICATIONS = {
    "vi": {
        "TOTAL_PASSED": "Chữ ký đúng",
        "TOTAL_FAILED": "Chữ ký sai",
        "INDETERMINATE": "Chưa kết luận được",
    },
    "en": {
        "TOTAL_PASSED": "Signature holds",
        "TOTAL_FAILED": "Signature fails",
        "INDETERMINATE": "Cannot conclude yet",
    },
}

SUB_INDICATIONS = {
    "vi": {
        "FORMAT_FAILURE": "chữ ký sai định dạng",
        "HASH_FAILURE": "nội dung đã bị sửa sau khi ký",
        "SIG_CRYPTO_FAILURE": "giá trị chữ ký không khớp",
        "REVOKED": "chứng thư số đã bị thu hồi",
        "EXPIRED": "chứng thư số đã hết hạn",
        "NOT_YET_VALID": "chứng thư số chưa có hiệu lực",
        "NO_CERTIFICATE_CHAIN_FOUND": "chứng thư số không dẫn tới nơi cấp được tin cậy",
        "CERTIFICATE_CHAIN_GENERAL_FAILURE": "không kiểm tra được chuỗi chứng thư",
        "CHAIN_CONSTRAINTS_FAILURE": "chuỗi chứng thư không đạt yêu cầu",
        "CRYPTO_CONSTRAINTS_FAILURE": "thuật toán dưới mức tối thiểu",
        "SIG_CONSTRAINTS_FAILURE": "chữ ký không đạt yêu cầu của chính sách",
        "TRY_LATER": "chưa biết tình trạng thu hồi, sẽ kiểm tra lại",
        "OUT_OF_BOUNDS_NO_POE": "ký ngoài thời hạn hiệu lực",
        "OUT_OF_BOUNDS_NOT_REVOKED": "chứng thư số đã hết hạn, dù chưa bị thu hồi",
        "REVOKED_NO_POE": "chứng thư số đã bị thu hồi, không chứng minh được đã ký trước đó",
        "REVOKED_CA_NO_POE": "nơi cấp chứng thư số đã bị thu hồi",
        "REVOCATION_OUT_OF_BOUNDS_NO_POE": "thông tin thu hồi nằm ngoài thời hạn hiệu lực",
        "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "thuật toán nay dưới mức tối thiểu",
        "NO_POE": "không chứng minh được thời điểm ký",
        "TIMESTAMP_ORDER_FAILURE": "thứ tự dấu thời gian không hợp lệ",
        "NO_SIGNING_CERTIFICATE_FOUND": "không tìm thấy chứng thư số của người ký",
        "SIGNED_DATA_NOT_FOUND": "không tìm thấy nội dung đã ký",
        "POLICY_PROCESSING_ERROR": "không áp dụng được chính sách chữ ký",
        "SIGNATURE_POLICY_NOT_AVAILABLE": "không có chính sách chữ ký",
        "GENERIC": "không kết luận được",
    },
    "en": {
        "FORMAT_FAILURE": "the signature is malformed",
        "HASH_FAILURE": "the content was changed after signing",
        "SIG_CRYPTO_FAILURE": "the signature value does not match",
        "REVOKED": "the certificate was revoked",
        "EXPIRED": "the certificate had expired",
        "NOT_YET_VALID": "the certificate was not yet valid",
        "NO_CERTIFICATE_CHAIN_FOUND": "the certificate leads to no trusted issuer",
        "CERTIFICATE_CHAIN_GENERAL_FAILURE": "the certificate chain could not be checked",
        "CHAIN_CONSTRAINTS_FAILURE": "the certificate chain does not meet the rules",
        "CRYPTO_CONSTRAINTS_FAILURE": "an algorithm below the floor",
        "SIG_CONSTRAINTS_FAILURE": "the signature does not meet the policy",
        "TRY_LATER": "revocation status not known yet; checked again later",
        "OUT_OF_BOUNDS_NO_POE": "signed outside the certificate's validity",
        "OUT_OF_BOUNDS_NOT_REVOKED": "the certificate has expired, though not revoked",
        "REVOKED_NO_POE": "the certificate was revoked; signing before that is not proven",
        "REVOKED_CA_NO_POE": "the certificate's issuer was revoked",
        "REVOCATION_OUT_OF_BOUNDS_NO_POE": "the revocation data is outside its validity",
        "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "an algorithm now below the floor",
        "NO_POE": "the time of signing is not proven",
        "TIMESTAMP_ORDER_FAILURE": "the timestamps are out of order",
        "NO_SIGNING_CERTIFICATE_FOUND": "the signer's certificate was not found",
        "SIGNED_DATA_NOT_FOUND": "the signed content was not found",
        "POLICY_PROCESSING_ERROR": "the signature policy could not be applied",
        "SIGNATURE_POLICY_NOT_AVAILABLE": "no signature policy is available",
        "GENERIC": "no conclusion could be reached",
    },
}

LEVELS = {
    "vi": {"error": "Lỗi", "warning": "Cảnh báo", "notice": "Lưu ý", "ignore": "Bỏ qua"},
    "en": {"error": "Error", "warning": "Warning", "notice": "Notice", "ignore": "Ignore"},
}

#: The checks that say a signature is not to be trusted: only these make a badge say so.
TRUST_CODES = ("CERT_UNTRUSTED", "CERT_REVOKED", "CERT_EXPIRED", "CERT_NOT_YET_VALID")


def _language(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def verdict_word(verdict: str, lang: str = "vi") -> str:
    """A document's verdict (compliant, non_compliant, indeterminate) in words."""
    return VERDICTS[_language(lang)].get(verdict, verdict)


def indication_word(indication: str, sub_indication: str | None, lang: str = "vi") -> str:
    """A signature's ETSI indication in words, with its sub-indication's when it has one."""
    main = INDICATIONS[_language(lang)].get(indication, indication)
    if not sub_indication:
        return main
    return f"{main}: {sub_indication_word(sub_indication, lang)}"


def sub_indication_word(sub_indication: str, lang: str = "vi") -> str:
    """An ETSI sub-indication (what a validation found, e.g. REVOKED) in words."""
    return SUB_INDICATIONS[_language(lang)].get(sub_indication, sub_indication)


def indication_code(indication: str, sub_indication: str | None) -> str:
    """The ETSI code of a signature's result, as a tooltip beside its words."""
    return f"{indication} / {sub_indication}" if sub_indication else indication


def level_word(level: str, lang: str = "vi") -> str:
    """A finding's level (error, warning, notice, ignore) in words."""
    return LEVELS[_language(lang)].get(level, level)
