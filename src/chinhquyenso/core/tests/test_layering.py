"""Lower apps never import higher ones (ARCHITECTURE.md): the order is settings.LOCAL_APPS."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "chinhquyenso":
                found.add(parts[1])
    return found


def test_no_app_imports_a_higher_app():
    order = [label.split(".")[-1] for label in settings.LOCAL_APPS]
    rank = {app: i for i, app in enumerate(order)}
    violations = []
    for app in order:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for other in _imported_apps(path) & rank.keys():
                if rank[other] > rank[app]:
                    violations.append(f"{path.relative_to(ROOT)} imports {other}")
    assert violations == []


def test_every_local_app_is_checked():
    order = [label.split(".")[-1] for label in settings.LOCAL_APPS]
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert packages == set(order)
