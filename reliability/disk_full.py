"""Drill 4: the disk fills up while applicants upload attachments.

The applicants' private upload directory (``<GONGKAI_VAR_DIR>/private``) is a 1 MB tmpfs
mounted for the drill (needs root; without it the drill is skipped and the unit tests in
gongkai/core/tests/test_unavailable.py, which fake ENOSPC, are what remains). Applicants
post the application form with a 150 KB attachment each, one after another, until well
past the point where the file system is full.

Verdict PASS when every answer is either a number (200) or the 503 page “暂时无法提交” saying
the storage is full, with the applicant's text kept; every stored attachment record points
to a file whose SHA-256 matches; no file lies on disk without a record; no half-written
(``.part``) file remains; and the applications the disk could not take were not stored.

    .venv/bin/python reliability/disk_full.py
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from common import (
    Client,
    drill_database,
    free_port,
    gunicorn,
    hidden_value,
    log,
    python,
    source_address,
    verdict,
)
from pg_restart import fields_for

NUMBER = re.compile(r'<strong class="result-value">([^<]+)</strong>')
TMPFS_SIZE = "1m"
ATTACHMENT_BYTES = 150 * 1024
APPLICANTS = 12


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----gongkai" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                 f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_with_file(client: Client, path: str, fields: dict[str, str], content: bytes
                   ) -> tuple[int, str]:
    import http.client

    body, content_type = multipart(
        {**fields, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
        "补充说明.txt", content)
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=120,
                                            source_address=(client.source, 0))
    try:
        connection.request("POST", path, body=body, headers={
            "Content-Type": content_type, "Host": f"127.0.0.1:{client.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
            "Referer": f"http://127.0.0.1:{client.port}{path}"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


CHECK = """
from gongkai.info_requests.models import Application, ApplicationAttachment, private_media_root
run = {run!r}
rows = [(a.application.description, a.file.name, a.sha256) for a in
        ApplicationAttachment.objects.select_related("application")
        .filter(application__description__contains=run)]
print(json.dumps({{"root": str(private_media_root()), "rows": rows,
                  "applications": Application.objects.filter(description__contains=run).count()}}))
"""


def drill(env: dict[str, str], logdir: Path) -> bool:
    if os.geteuid() != 0:
        print("disk-full drill skipped: mounting a tmpfs needs root")
        return True
    private = Path(env["GONGKAI_VAR_DIR"]) / "private"
    private.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(private)],
                   check=True)
    run = "DF" + uuid.uuid4().hex[:6].upper()
    answers: dict[str, Any] = {"numbers": 0, "storage_full_pages": 0, "other": []}
    try:
        port = free_port()
        with gunicorn(env, port, 2, logdir / "disk_full.gunicorn.log"):
            for n in range(APPLICANTS):
                marker = f"{run}-{n:04d}"
                client = Client(port, source_address(9000 + n))
                path = "/ysqgk/tjj/apply/"
                key = hidden_value(client.get(path)[1], "idempotency_key")
                content = (f"{marker} 补充说明\n".encode() * 20000)[:ATTACHMENT_BYTES]
                status, html = post_with_file(client, path, {
                    **fields_for("application", 9000 + n, marker), "idempotency_key": key},
                    content)
                if status == 200 and NUMBER.search(html):
                    answers["numbers"] += 1
                elif status == 503 and "存储空间暂时不足" in html and marker in html:
                    answers["storage_full_pages"] += 1
                else:
                    answers["other"].append(f"{status}: {html[:150]!r}")
            log(f"{answers['numbers']} stored, {answers['storage_full_pages']} refused "
                "(disk full)")
        stored = python(env, CHECK.format(run=run))
        root = Path(stored["root"])
        referenced = {name for _, name, _ in stored["rows"]}
        missing = [name for _, name, _ in stored["rows"] if not (root / name).is_file()]
        corrupt = [name for _, name, digest in stored["rows"] if (root / name).is_file()
                   and hashlib.sha256((root / name).read_bytes()).hexdigest() != digest]
        on_disk = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
        partial = [p for p in on_disk if p.endswith(".part")]
        orphans = [p for p in on_disk if p not in referenced and not p.endswith(".part")]
        usage = subprocess.run(["df", "-k", str(private)], capture_output=True,
                               text=True).stdout.splitlines()[-1].split()
    finally:
        subprocess.run(["umount", str(private)], check=False)
    figures = {
        "tmpfs": TMPFS_SIZE, "attachment_kb": ATTACHMENT_BYTES // 1024,
        "applicants": APPLICANTS, "answered_with_number": answers["numbers"],
        "answered_storage_full_with_form_kept": answers["storage_full_pages"],
        "other_answers": answers["other"][:3], "applications_stored": stored["applications"],
        "records_pointing_to_missing_files": len(missing), "corrupt_files": len(corrupt),
        "half_written_files": len(partial), "files_without_record": len(orphans),
        "tmpfs_used_kb": int(usage[2]),
    }
    ok = (not answers["other"] and answers["storage_full_pages"] > 0 and answers["numbers"] > 0
          and stored["applications"] == answers["numbers"] and not missing and not corrupt
          and not partial and not orphans)
    return verdict("disk-full-upload", ok, figures)


def main() -> int:
    with drill_database() as (_pg, env, logdir):
        ok = drill(env, logdir)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
