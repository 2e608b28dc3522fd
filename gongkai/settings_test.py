"""Settings for the test suite: production settings with test-only defaults.

DEBUG stays off as in production. Tasks run immediately, and static files are served by
name (hashed names need `collectstatic`, which tests do not run).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from gongkai.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
GONGKAI_FIELD_KEYS_DERIVED = True  # encrypted fields: a key derived from SECRET_KEY

# Search indexing on every page save costs two tasks per save; tests that exercise
# search switch it back on with override_settings.
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # noqa: F405

# Most tests sign staff in with force_login and travel in time between requests; the tests
# of the second factor and the idle timeout switch these back on.
GONGKAI_STAFF_2FA = "optional"
GONGKAI_STAFF_IDLE_TIMEOUT = 0
