"""Exchange between agencies: nodes that send and receive, a hub that routes."""
