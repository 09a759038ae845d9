"""Bench-only settings: the project's settings (production mode is chosen by the environment the
runner sets: DJANGO_ENV=production, DEBUG off, WhiteNoise with compressed hashed files) plus a
URLconf that adds one bare view, the framework ceiling. Never used outside bench/load."""

import os

from chinhquyenso.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"

# --smoke only (CI, minutes count): static files straight from the apps through WhiteNoise's
# finders, uncompressed — production collectstatic (hashing + gzip + brotli of ~38 MB) takes
# ~90 s of CPU. The full run always uses the production storage.
if os.environ.get("BENCH_STATIC") == "finders":
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
    WHITENOISE_USE_FINDERS = True
