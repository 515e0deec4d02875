"""PAdES signing and verification of official documents, and the compliance checks of Nghị định 30."""
