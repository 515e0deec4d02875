"""``edoc demo``: a workspace set up on the embedded defaults and an exchange between three
agencies through a hub, for people to try edoc and for the tests to exercise it whole.

The top layer: it builds on the test fixtures, the core and the web inbox, and nothing
below it imports it. :mod:`demo.run` sets the workspace up (database, test PKI, token,
sample documents), :mod:`demo.exchange` runs the hub and the nodes.
"""
