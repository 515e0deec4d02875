"""The verification policies shipped with edoc, as TOML files."""
