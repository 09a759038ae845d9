"""HTML pages: the citizen portal (citizen.py) and the officers' workspace (office.py)."""
