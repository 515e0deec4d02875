"""The fuzzers of hostile input (``python -m tests.fuzz.run TARGET``), the whole path a
received document takes, the seeds they start from and the inputs that once crashed edoc
(``crashes/``, replayed by the tests)."""
