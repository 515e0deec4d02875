"""The inbox and the node API against hostile input, one module per concern."""
