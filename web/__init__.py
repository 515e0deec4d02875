"""The clerks' web inbox (Flask)."""
