"""Synthetic-province generator, one module per kind of record (dossiers.py, reports.py; questions
and documents can be added as their own modules with the same `generate(ctx, n)` shape)."""
