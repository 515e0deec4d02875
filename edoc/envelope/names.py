"""The names and formats of edXML: namespaces, date formats."""

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
DSIG = "http://www.w3.org/2000/09/xmldsig#"

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
