"""Chính quyền số — open platform for Vietnamese local digital government."""
