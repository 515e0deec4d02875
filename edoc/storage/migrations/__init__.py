"""Alembic migrations of edoc's database schema."""
