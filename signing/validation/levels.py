"""The PAdES baseline level a signature reaches (ETSI EN 319 142-1 §6.3), as the EU DSS
validator decides it.

- NOT_PADES: the SubFilter is not ETSI.CAdES.detached, or the CMS misses what B-B requires
  (detached content; message-digest and signing-certificate(-v2) signed attributes);
- B-B, then B-T: a signature timestamp in the CMS, or a document timestamp added later;
- B-LT: the document carries the validation data for the signer's chain and for the chain
  of every timestamp over the signature (except the last archive timestamp): each
  certificate that is not self-signed or OCSP-no-check has its issuer present and an OCSP
  answer or a CRL of that issuer, gathered from every revision's DSS and the CMS;
- B-LTA: a document timestamp after a revision that has a DSS.

A dictionary with SubFilter ETSI.RFC3161 and /Type /Sig is neither a signature nor a
document timestamp, and counts for nothing (as in DSS).
"""

import contextlib
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from asn1crypto import cms, ocsp, x509
from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

from signing.baseline import Level

PADES = "/ETSI.CAdES.detached"
RFC3161 = "/ETSI.RFC3161"


def kind_of(signature_object: generic.DictionaryObject) -> str | None:
    """``"signature"``, ``"timestamp"`` (a document timestamp) or None (neither)."""
    sub_filter, kind = signature_object.get("/SubFilter"), signature_object.get("/Type")
    if sub_filter == RFC3161:
        return "timestamp" if kind in (None, "/DocTimeStamp") else None
    return "signature" if kind in (None, "/Sig") else None


@dataclass(frozen=True)
class _Signed:
    name: str
    kind: str
    revision: int
    signed_data: cms.SignedData


@dataclass
class _ValidationData:
    certificates: dict = field(default_factory=dict)  # sha256 -> certificate
    ocsp_ids: set = field(default_factory=set)
    crls: list = field(default_factory=list)
    dss_revisions: set = field(default_factory=set)

    def add_certificate(self, certificate) -> None:
        if isinstance(certificate, x509.Certificate):
            self.certificates.setdefault(certificate.sha256, certificate)

    def add_ocsp(self, response: ocsp.OCSPResponse) -> None:
        basic = response["response_bytes"]["response"].parsed
        for certificate in basic["certs"] or []:
            self.add_certificate(certificate)
        for single in basic["tbs_response_data"]["responses"]:
            cert_id = single["cert_id"]
            self.ocsp_ids.add(
                (
                    cert_id["issuer_name_hash"].native,
                    cert_id["issuer_key_hash"].native,
                    cert_id["serial_number"].native,
                    cert_id["hash_algorithm"]["algorithm"].native,
                )
            )

    def add_cms(self, signed_data: cms.SignedData) -> None:
        for choice in signed_data["certificates"] or []:
            if choice.name == "certificate":
                self.add_certificate(choice.chosen)
        for choice in signed_data["crls"] or []:
            _quietly(self._add_revocation_choice, choice)
        for attribute in signed_data["signer_infos"][0]["signed_attrs"] or []:
            if attribute["type"].native == "adobe_revocation_info_archival":
                archival = attribute["values"][0]
                for item in archival["crl"] or []:
                    self.crls.append(item)
                for response in archival["ocsp"] or []:
                    _quietly(self.add_ocsp, response)

    def _add_revocation_choice(self, choice) -> None:
        if choice.name == "crl":
            self.crls.append(choice.chosen)
        elif choice.chosen["other_rev_info_format"].native == "ocsp_response":
            self.add_ocsp(choice.chosen["other_rev_info"].parsed)


def _quietly(function, *args) -> None:
    """Validation data that cannot be parsed is no validation data; it never stops a report
    (asn1crypto raises many kinds on hostile or odd encodings)."""
    with contextlib.suppress(Exception):
        function(*args)


def _streams(array) -> list[bytes]:
    found = []
    for reference in array.get_object() if array is not None else []:
        try:
            found.append(reference.get_object().data)
        except Exception:  # a broken stream holds no validation data
            continue
    return found


def _read_dss(reader: PdfFileReader, data: _ValidationData) -> None:
    """Every revision's DSS and its VRI entries: a later DSS may replace an earlier one."""
    seen: set[bytes] = set()
    for revision in range(reader.xrefs.total_revisions):
        try:
            dss = reader.get_historical_resolver(revision).root.get("/DSS")
        except Exception:  # a revision too broken to read has no DSS to offer
            continue
        if dss is None:
            continue
        dss = dss.get_object()
        data.dss_revisions.add(revision)
        dictionaries = [dss]
        vri = dss.get("/VRI")
        if vri is not None:
            dictionaries += [
                v.get_object()
                for v in vri.get_object().values()
                if isinstance(v.get_object(), generic.DictionaryObject)
            ]
        for dictionary in dictionaries:
            certificates = _streams(dictionary.get("/Certs")) + _streams(dictionary.get("/Cert"))
            for raw in _unseen(certificates, seen):
                _quietly(lambda r=raw: data.add_certificate(x509.Certificate.load(r)))
            responses = _streams(dictionary.get("/OCSPs")) + _streams(dictionary.get("/OCSP"))
            for raw in _unseen(responses, seen):
                _quietly(lambda r=raw: data.add_ocsp(ocsp.OCSPResponse.load(r)))
            for raw in _unseen(
                _streams(dictionary.get("/CRLs")) + _streams(dictionary.get("/CRL")), seen
            ):
                data.crls.append(asn1_crl.CertificateList.load(raw))


def _unseen(blobs: list[bytes], seen: set[bytes]) -> list[bytes]:
    """The blobs not read before: every revision's DSS repeats the earlier ones' data."""
    fresh = [blob for blob in dict.fromkeys(blobs) if blob not in seen]
    seen.update(fresh)
    return fresh


def _signature_timestamps(signed_data: cms.SignedData) -> list[cms.SignedData]:
    return list(extract_tst_data_iter(signed_data["signer_infos"][0], signed=False))


def _signer_certificate(signed_data: cms.SignedData, data: _ValidationData):
    sid = signed_data["signer_infos"][0]["sid"]
    for certificate in data.certificates.values():
        if sid.name == "issuer_and_serial_number":
            wanted = (sid.chosen["issuer"], sid.chosen["serial_number"].native)
            if (certificate.issuer, certificate.serial_number) == wanted:
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _issuer(certificate, data: _ValidationData):
    return next(
        (
            c
            for c in data.certificates.values()
            if c.subject == certificate.issuer and c.sha256 != certificate.sha256
        ),
        None,
    )


def _crl_of(issuer, crl) -> bool:
    try:
        if crl["tbs_cert_list"]["issuer"] != issuer.subject:
            return False
        DefaultSignatureValidator().validate_signature(
            crl["signature"].native,
            crl["tbs_cert_list"].dump(),
            issuer.public_key,
            crl["signature_algorithm"],
        )
        return True
    except Exception:  # a CRL that does not verify is no revocation data
        return False


def _has_revocation(certificate, issuer, data: _ValidationData) -> bool:
    for name_hash, key_hash, serial, algorithm in data.ocsp_ids:
        if serial != certificate.serial_number:
            continue
        digest = lambda b, a=algorithm: hashlib.new(a, b).digest()  # noqa: E731
        key = issuer.public_key["public_key"].contents[1:]
        if name_hash == digest(issuer.subject.dump()) and key_hash == digest(key):
            return True
    return any(_crl_of(issuer, crl) for crl in data.crls)


def _chain_complete(certificate, data: _ValidationData) -> bool:
    seen = set()
    while certificate is not None and certificate.sha256 not in seen:
        seen.add(certificate.sha256)
        if certificate.self_signed != "no":
            return True
        issuer = _issuer(certificate, data)
        if issuer is None:
            return False
        extensions = certificate["tbs_certificate"]["extensions"] or []
        no_check = any(e["extn_id"].native == "ocsp_no_check" for e in extensions)
        if not no_check and not _has_revocation(certificate, issuer, data):
            return False
        certificate = issuer
    return True


def _baseline_b(signed_data: cms.SignedData) -> bool:
    """The structural CMS requirements of B-B: detached, with message-digest and
    signing-certificate(-v2) signed attributes."""
    if signed_data["encap_content_info"]["content"].native is not None:
        return False
    try:
        types = {a["type"].native for a in signed_data["signer_infos"][0]["signed_attrs"] or []}
    except Exception:  # unreadable signed attributes
        return False
    return "message_digest" in types and bool(
        types & {"signing_certificate", "signing_certificate_v2"}
    )


class DocumentLevels:
    """The levels of a document's signatures; its validation data is gathered once, and only
    when a signature has a timestamp (most documents stop at B-B without that work)."""

    def __init__(self, reader: PdfFileReader, fields: list) -> None:
        """``fields``: the document's filled signature fields, as pyHanko's
        ``enumerate_sig_fields`` lists them (listed once by the caller)."""
        self.reader = reader
        self.fields = fields
        self._signed: list[_Signed] | None = None
        self._data: _ValidationData | None = None

    def _collect(self) -> tuple[list[_Signed], _ValidationData]:
        if self._signed is None or self._data is None:
            signed, data = [], _ValidationData()
            _read_dss(self.reader, data)
            for name, value, reference in self.fields:
                try:
                    kind = kind_of(value.get_object())
                    if kind is None:
                        continue
                    embedded = EmbeddedPdfSignature(self.reader, reference.get_object(), name)
                except Exception:  # unreadable: reported as such elsewhere
                    continue
                signed.append(_Signed(name, kind, embedded.signed_revision, embedded.signed_data))
                data.add_cms(embedded.signed_data)
                for token in _signature_timestamps(embedded.signed_data):
                    data.add_cms(token)
            self._signed, self._data = signed, data
        return self._signed, self._data

    @cached_property
    def _has_document_timestamps(self) -> bool:
        return any(kind_of(value.get_object()) == "timestamp" for _, value, _ in self.fields)

    def level(self, embedded: EmbeddedPdfSignature) -> Level:
        """The level of ``embedded``, a signature of this document."""
        if embedded.sig_object.get("/SubFilter") != PADES or not _baseline_b(embedded.signed_data):
            return Level.NOT_PADES
        timestamps = _signature_timestamps(embedded.signed_data)
        if not timestamps and not self._has_document_timestamps:
            return Level.B_B
        signed, data = self._collect()
        later = [
            s for s in signed if s.kind == "timestamp" and s.revision > embedded.signed_revision
        ]
        if not timestamps and not later:
            return Level.B_B
        archives = [t for t in later if any(r <= t.revision for r in data.dss_revisions)]
        last_archive = max(archives, key=lambda t: t.revision) if archives else None
        chains = [embedded.signed_data, *timestamps]
        chains += [t.signed_data for t in later if t is not last_archive]
        long_term = bool(data.dss_revisions) and bool(data.ocsp_ids or data.crls)
        long_term = long_term and all(
            (certificate := _signer_certificate(c, data)) is not None
            and _chain_complete(certificate, data)
            for c in chains
        )
        if not long_term:
            return Level.B_T
        return Level.B_LTA if last_archive is not None else Level.B_LT
