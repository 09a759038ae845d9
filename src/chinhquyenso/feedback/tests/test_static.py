"""Vendored static files must survive production `collectstatic` (whitenoise's
CompressedManifestStaticFilesStorage): a `sourceMappingURL` to a file that is not there makes the
manifest step fail, and with it the deployment of docs/setup.md."""

import re

from django.contrib.staticfiles import finders

# The patterns ManifestStaticFilesStorage rewrites (django/contrib/staticfiles/storage.py).
SOURCE_MAP = {
    ".js": re.compile(r"(?m)^//# (?-i:sourceMappingURL)=(.*)$"),
    ".css": re.compile(r"(?m)^/\*#[ \t](?-i:sourceMappingURL)=(.*?)[ \t]*\*/$"),
}


def test_every_source_map_reference_points_to_a_vendored_file():
    missing = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            pattern = SOURCE_MAP.get(path[path.rfind("."):])
            if pattern is None:
                continue
            with storage.open(path) as handle:
                text = handle.read().decode("utf-8", "replace")
            for target in pattern.findall(text):
                target = target.strip()
                if target.startswith("data:"):
                    continue
                wanted = "/".join([*path.split("/")[:-1], target])
                if finders.find(wanted) is None:
                    missing.append(f"{path} → {target}")
    assert missing == []
