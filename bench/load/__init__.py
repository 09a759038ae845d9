"""Load benchmark (bench/load/run.py): the project under granian + wrk on PostgreSQL."""
