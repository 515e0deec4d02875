"""PAdES signing and verification of official documents, and the checks of Nghị định 30.

Two sub-packages, as pyHanko splits ``sign/``: :mod:`signing.sign` makes signatures and
:mod:`signing.validation` verifies them. The modules here serve both: opening a PDF
(:mod:`~signing.pdf`), the signatures a file's bytes show (:mod:`~signing.raw`), whose
certificate it is (:mod:`~signing.roles`), rectangles on pages (:mod:`~signing.geometry`),
certificates in pyHanko's form (:mod:`~signing.certificates`), the PAdES levels
(:mod:`~signing.baseline`), running pyHanko's coroutines (:mod:`~signing.aio`) and the
fast paths both sub-packages install (:mod:`~signing.speedups`). From ``edoc`` they use only
its foundation modules (errors, files, time zone, crypto floor, fonts, untrusted text).
"""
