"""Fuzzing the legacy importer (issue 9 §3): any file an old site left behind is imported or
skipped with a reason, and `gongkai import legacy` ends with its summary, never a traceback."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.catalog.legacy import LegacyDocument, document_from_bytes, import_legacy
from gongkai.core.models import Agency
from gongkai.core.text.decode import UndecodableError
from gongkai.fuzzing import ENCODINGS, FUZZ, HUGE, damaged, encoded, texts

PAGE = ("<html><head><title>{title}_鞍山市统计局</title></head><body><div class=\"nav\">首页</div>"
        "<div id=\"content\"><h1>{title}</h1><p>{body}</p><table><tr><th>{title}</th></tr>"
        "<tr><td>{body}</td></tr></table></div></body></html>")


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    title, body = draw(texts()), draw(st.one_of(texts(), st.just(HUGE[:5000])))
    html = draw(st.sampled_from((PAGE, "{title}\n{body}\n", "<p>{body}", "<table><td>{body}")))
    return encoded(html.format(title=title, body=body), draw(st.sampled_from(ENCODINGS)))


@FUZZ
@given(damaged(pages()), st.sampled_from((".html", ".htm", ".txt")))
def test_any_file_is_read_as_a_document_or_refused_with_a_reason(data: bytes,
                                                                 suffix: str) -> None:
    try:
        document = document_from_bytes(data, suffix)
    except UndecodableError as exc:
        assert str(exc)
    else:
        assert isinstance(document, LegacyDocument) and isinstance(document.title, str)


MANIFEST_HEADER = ("file", "title", "doc_number", "formed_on", "published_on", "agency",
                   "column")


@st.composite
def manifests(draw: st.DrawFn) -> tuple[str, bytes]:
    if draw(st.booleans()):
        rows = draw(st.lists(st.lists(st.one_of(st.sampled_from(("a.txt", "anshan", "tzgg",
                                                                 "2023-02-30", "")),
                                                texts(), st.just(HUGE)), max_size=8),
                             max_size=4))
        lines = [",".join(MANIFEST_HEADER), *(",".join(row) for row in rows)]
        return "manifest.csv", draw(damaged(st.just("\r".join(lines).encode())))
    value = draw(st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                st.dictionaries(st.sampled_from(("file", "files", "title",
                                                                 "formed_on", "agency")),
                                                inner, max_size=4)), max_leaves=8))
    import json
    return "manifest.json", draw(damaged(st.just(json.dumps(value).encode())))


@pytest.mark.django_db
@settings(FUZZ, max_examples=8)
@given(st.lists(damaged(pages()), min_size=1, max_size=3), st.one_of(st.none(), manifests()))
def test_an_import_ends_with_a_summary_or_refuses_the_manifest(anshan: Agency,
                                                               files: list[bytes],
                                                               manifest: tuple[str, bytes] | None
                                                               ) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for index, data in enumerate(files):
            (folder / f"{index}.{'html' if index % 2 else 'txt'}").write_bytes(data)
        if manifest is not None:
            (folder / manifest[0]).write_bytes(manifest[1])
        try:
            summary = import_legacy(folder, agency_slug="anshan", dry_run=True)
        except ValueError as exc:
            assert "清单文件无法读取" in str(exc)
        else:
            assert len(summary.created) + len(summary.skipped) == len(files)
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import", "legacy", name, "--agency", "anshan", "--dry-run",
                         stdout=out, stderr=err)
        except CommandError as exc:
            assert exc.returncode in (1, 2)


@pytest.mark.parametrize(("name", "content"), [
    ("manifest.json", b"[null]"),                      # found by the fuzzer: AttributeError
    ("manifest.json", b"5"),                           # found by the fuzzer: TypeError
    ("manifest.csv", b"file,title\r" + b"a.txt," + HUGE.encode()),  # csv field limit
])
def test_a_malformed_manifest_is_refused_with_a_reason(tmp_path: Path, name: str,
                                                       content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ValueError, match="清单文件无法读取"):
        import_legacy(tmp_path, agency_slug="anshan")


def test_a_manifest_with_old_mac_line_ends_is_read(tmp_path: Path) -> None:
    from gongkai.catalog.legacy import read_manifest

    (tmp_path / "manifest.csv").write_bytes("file,title\ra.txt,标题\r".encode())
    assert read_manifest(tmp_path)["a.txt"]["title"] == "标题"
