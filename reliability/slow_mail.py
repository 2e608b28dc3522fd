"""E-mail backend for the worker drill: the file backend plus the latency of a real SMTP
server (each message takes SLOW_MAIL_SECONDS to send), so a kill lands mid-send."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def __init__(self, *args: Any, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, file_path=file_path or os.environ["EMAIL_FILE_PATH"], **kwargs)

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.05")))
        return int(super().send_messages(email_messages))
