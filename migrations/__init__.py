"""Alembic migrations for the verifier database (applied automatically on connect)."""
