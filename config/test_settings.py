"""Settings for the test suite: the real settings, with a throwaway secret and fast hashing."""

import os

os.environ.setdefault("LINKWELL_ALLOW_INSECURE_KEY", "true")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LINKWELL_TESTING = True
# The owner's USER and PASSWORD for the flush between transactional tests while the suite runs as
# the application role (LINKWELL_TEST_DB_ROLE); set by tests/db_roles.py, empty otherwise.
LINKWELL_TEST_OWNER_LOGIN: dict[str, str] = {}
# The test client and the browser tests' live server speak plain HTTP; the HTTPS settings
# themselves are tested by importing config.settings in a subprocess (core/tests/test_settings.py).
SECURE_SSL_REDIRECT = False
# WhiteNoise rescans node_modules for every new test client when it serves from finders; the
# browser tests' live server serves static files itself.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# A fast per-process cache for the tests (each test clears it as needed); the shared database
# cache and its table are tested on their own (linkwell/core/tests/test_cache.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
}
