"""The command groups of ``edoc``, one module each, as pyHanko's ``cli/commands/``: the
root group in :mod:`cli` loads them when they are run (``cli.COMMANDS``) and they share its
options, its :class:`cli.CliContext` and its error handling.

Above the web layer: they build on the core (:mod:`edoc`), the signing library
(:mod:`signing`) and, to serve, :mod:`web`; only the demo (:mod:`demo`) is above them.
"""
