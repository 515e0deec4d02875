"""Helpers the test modules share: the fixtures registered in ``tests/conftest.py`` and the
functions and constants the tests import (logging in, CSRF tokens, keys, letters, statuses,
nodes, drafts, the browser). Nothing here is installed with edoc."""
