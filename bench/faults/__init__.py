"""Fault tests: the platform behind a proxy with two app processes, two task workers and its own
PostgreSQL cluster, driven at load while processes and the database are killed and restarted;
then the invariants are checked against what the clients saw. Entry point: run.py."""
