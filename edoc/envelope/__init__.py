"""The edXML exchange envelope of QCVN 102:2016: build, parse, validate and sign."""
