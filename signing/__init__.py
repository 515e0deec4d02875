"""PAdES signing and verification of official documents, and the checks of Nghị định 30."""
