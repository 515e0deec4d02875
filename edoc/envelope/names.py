"""The names and formats of edXML: namespaces, date formats."""

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
DSIG = "http://www.w3.org/2000/09/xmldsig#"

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"


def q(name: str) -> str:
    """The qualified name of the edXML element ``name``, as lxml writes it: ``{namespace}name``."""
    return f"{{{NS}}}{name}"
