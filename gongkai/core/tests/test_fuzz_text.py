"""Fuzzing the text tools (issue 9 §3): the decoder, the restorer and the PII detector never
crash, whatever bytes or text an old site or an applicant hands them."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.text.decode import Decoded, UndecodableError, decode_bytes
from gongkai.core.text.pii import find_personal_data, mask_personal_data
from gongkai.core.text.restore import Restoration, describe_report, restore
from gongkai.fuzzing import ENCODINGS, FUZZ, damaged, encoded, texts

TEXT_FILES = st.builds(encoded, texts(), st.sampled_from(ENCODINGS))


@FUZZ
@given(damaged(TEXT_FILES))
def test_the_decoder_reads_or_refuses_any_bytes(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        assert str(exc)  # a reason the import summary can show
    else:
        assert isinstance(decoded, Decoded) and isinstance(decoded.text, str)


@FUZZ
@given(texts())
def test_the_restorer_returns_text_and_a_report_for_any_text(text: str) -> None:
    restored = restore(text)
    assert isinstance(restored, Restoration) and isinstance(restored.text, str)
    assert 0 <= restored.report.damage_score <= 1
    assert isinstance(describe_report(restored.report.as_dict()), str)
    if not restored.report.changed:
        assert restored.text == text


@FUZZ
@given(texts(), st.lists(st.sampled_from(("0412-2220000", "13812345678", "a@b.cn", " ", "")),
                         max_size=3))
def test_the_pii_detector_finds_and_masks_without_crashing(text: str, allowed: list[str]) -> None:
    findings = find_personal_data(text, allowed=allowed)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    masked = mask_personal_data(text, allowed=allowed)
    for finding in findings:
        assert finding.value not in masked or finding.value == finding.masked
