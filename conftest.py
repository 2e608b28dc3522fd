import os

# Tests never need a real secret; DEBUG stays off as in production.
os.environ.setdefault("SECRET_KEY", "test-only")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
