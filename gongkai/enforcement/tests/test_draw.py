"""The pure draw: determinism, the published exclusion rule, and tampering detection."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from gongkai.enforcement import draw as drawing
from gongkai.enforcement.tests.factories import candidates, inspectors

SEED = "福利彩票双色球第2026138期开奖号码：03 07 12 19 25 31 + 09"


def inputs(n_candidates: int = 30, n_inspectors: int = 8,
           exclusions: tuple[drawing.Exclusion, ...] = ()) -> drawing.FrozenInputs:
    return drawing.FrozenInputs(tuple(candidates(n_candidates)), tuple(inspectors(n_inspectors)),
                                exclusions)


def record(*, seed: str = SEED, sequence: int = 1, prev: str = drawing.GENESIS_HASH,
           frozen: drawing.FrozenInputs | None = None, sample_size: int = 5) -> dict[str, Any]:
    return drawing.build_record(
        agency={"name": "鞍山市统计局", "code": "11210300001"}, plan={"key": "P/2026",
                                                                  "year": 2026, "title": "计划"},
        sequence=sequence, inputs=frozen or inputs(), frozen_at="2026-05-08T09:00:00+08:00",
        seed_source="福利彩票双色球第2026138期开奖号码", seed_value=seed,
        seed_entered_at="2026-05-12T09:00:00+08:00", sample_size=sample_size, team_size=2,
        drawn_at="2026-05-12T09:00:00+08:00", prev_hash=prev)


def key_for(frozen: drawing.FrozenInputs, seed: str = SEED) -> bytes:
    h = frozen.hashes
    return drawing.draw_key(plan="P/2026", candidates_hash=h["candidates_sha256"],
                            inspectors_hash=h["inspectors_sha256"],
                            exclusions_hash=h["exclusions_sha256"], seed=seed)


def test_the_same_inputs_give_the_same_draw_whatever_the_input_order():
    frozen = inputs()
    shuffled = list(frozen.candidates)
    random.Random(7).shuffle(shuffled)
    reordered = drawing.FrozenInputs(tuple(shuffled), tuple(reversed(frozen.inspectors)), ())
    assert reordered.hashes == frozen.hashes
    first = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                             inspectors=frozen.inspectors, exclusions=(), sample_size=5)
    again = drawing.run_draw(key=key_for(reordered), candidates=reordered.candidates,
                             inspectors=reordered.inspectors, exclusions=(), sample_size=5)
    assert first == again
    assert record() == record()


def test_a_different_seed_gives_a_different_draw():
    frozen = inputs()
    one = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                           inspectors=frozen.inspectors, exclusions=(), sample_size=5)
    other = drawing.run_draw(key=key_for(frozen, SEED + "0"), candidates=frozen.candidates,
                             inspectors=frozen.inspectors, exclusions=(), sample_size=5)
    assert [a.uscc for a in one.enterprises] != [a.uscc for a in other.enterprises]


def test_the_seed_is_recorded_with_its_whitespace_normalised():
    assert drawing.normalise_seed("  03\u300007   12 \n+ 09 ") == "03 07 12 + 09"
    frozen = inputs()
    assert key_for(frozen, "03  07") == key_for(frozen, " 03 07 ")


def test_ranking_is_by_the_keyed_hash_and_a_larger_sample_keeps_the_first_picks():
    frozen = inputs()
    key = key_for(frozen)
    five = drawing.run_draw(key=key, candidates=frozen.candidates, inspectors=frozen.inspectors,
                            exclusions=(), sample_size=5)
    ten = drawing.run_draw(key=key, candidates=frozen.candidates, inspectors=frozen.inspectors,
                           exclusions=(), sample_size=10)
    assert [a.uscc for a in ten.enterprises[:5]] == [a.uscc for a in five.enterprises]
    scores = [a.score for a in ten.enterprises]
    assert scores == sorted(scores)
    first = ten.enterprises[0]
    assert first.score == drawing.score(key, "enterprise", first.uscc)


def test_every_drawn_enterprise_gets_two_different_inspectors_shared_out_in_turn():
    frozen = inputs(n_inspectors=6)
    result = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                              inspectors=frozen.inspectors, exclusions=(), sample_size=3)
    order = list(result.inspector_order)
    teams = [a.inspectors for a in result.enterprises]
    assert teams == [tuple(order[0:2]), tuple(order[2:4]), tuple(order[4:6])]


def test_an_excluded_inspector_is_skipped_and_keeps_its_place_for_the_next_team():
    frozen = inputs(n_inspectors=6)
    plain = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                             inspectors=frozen.inspectors, exclusions=(), sample_size=2)
    first, order = plain.enterprises[0], plain.inspector_order
    excluded = drawing.Exclusion(order[0], first.uscc)
    result = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                              inspectors=frozen.inspectors, exclusions=(excluded,),
                              sample_size=2)
    assert result.enterprises[0].inspectors == (order[1], order[2])
    assert result.enterprises[0].skipped == (order[0],)
    assert result.enterprises[1].inspectors == (order[0], order[3])
    assert order[0] not in result.enterprises[0].inspectors


def test_it_refuses_when_exclusions_leave_too_few_inspectors():
    frozen = inputs(n_inspectors=3)
    target = drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                              inspectors=frozen.inspectors, exclusions=(),
                              sample_size=1).enterprises[0].uscc
    excluded = tuple(drawing.Exclusion(i.cert_no, target) for i in frozen.inspectors[:2])
    with pytest.raises(drawing.DrawError, match="回避后可派的执法检查人员不足"):
        drawing.run_draw(key=key_for(frozen), candidates=frozen.candidates,
                         inspectors=frozen.inspectors, exclusions=excluded, sample_size=1)


def test_it_refuses_a_sample_larger_than_the_list_or_a_one_person_team():
    frozen = inputs(n_candidates=3)
    with pytest.raises(drawing.DrawError, match="超过"):
        drawing.run_draw(key=b"k", candidates=frozen.candidates, inspectors=frozen.inspectors,
                         exclusions=(), sample_size=4)
    with pytest.raises(drawing.DrawError, match="至少需要2名"):
        drawing.run_draw(key=b"k", candidates=frozen.candidates, inspectors=frozen.inspectors,
                         exclusions=(), sample_size=1, team_size=1)


def test_the_canonical_list_is_sorted_csv_with_a_header_and_quoting():
    rows = [drawing.Candidate("B", "乙,公司", "", ""), drawing.Candidate("A", "甲", "x", "y")]
    assert drawing.candidates_csv(rows) == 'uscc,name,region,industry\nA,甲,x,y\nB,"乙,公司",,\n'


def test_an_untouched_record_verifies():
    assert drawing.verify_record(record()).ok


def test_a_changed_list_is_detected():
    tampered = copy.deepcopy(record())
    tampered["candidates"][0]["name"] = "另一家公司"
    failures = {c.name for c in drawing.verify_record(tampered).failures}
    assert "candidates_sha256" in failures


def test_a_changed_list_with_a_matching_hash_still_breaks_the_record_hash():
    tampered = copy.deepcopy(record())
    del tampered["candidates"][-1]
    frozen = drawing.FrozenInputs(
        tuple(drawing.Candidate(**row) for row in tampered["candidates"]),
        tuple(drawing.Inspector(**row) for row in tampered["inspectors"]), ())
    tampered["freeze"].update(frozen.hashes)
    failures = {c.name for c in drawing.verify_record(tampered).failures}
    assert "record_hash" in failures


def test_a_changed_seed_is_detected():
    tampered = copy.deepcopy(record())
    tampered["seed"]["value"] = SEED.replace("09", "10")
    failures = {c.name for c in drawing.verify_record(tampered).failures}
    assert {"result", "record_hash"} <= failures


def test_a_changed_result_is_detected():
    tampered = copy.deepcopy(record())
    tampered["result"]["enterprises"][0]["inspectors"].reverse()
    failures = {c.name for c in drawing.verify_record(tampered).failures}
    assert {"result", "record_hash"} <= failures


def test_a_resealed_changed_result_is_still_detected_by_recomputation():
    tampered = copy.deepcopy(record())
    tampered["result"]["enterprises"][0], tampered["result"]["enterprises"][1] = (
        tampered["result"]["enterprises"][1], tampered["result"]["enterprises"][0])
    resealed = drawing.seal(tampered)
    failures = {c.name for c in drawing.verify_record(resealed).failures}
    assert failures == {"result"}


def chain(length: int = 3) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    prev = drawing.GENESIS_HASH
    for n in range(1, length + 1):
        made = record(sequence=n, prev=prev, seed=f"{SEED} 第{n}次")
        records.append(made)
        prev = made["record_hash"]
    return records


def test_an_intact_chain_verifies():
    assert drawing.verify_document({"format": drawing.CHAIN_FORMAT, "draws": chain()}).ok


def test_a_deleted_draw_breaks_the_chain():
    records = chain()
    del records[1]
    failures = {c.name for c in drawing.verify_chain(records).failures}
    assert failures == {"#3 sequence", "#3 prev_hash"}


def test_a_repeated_draw_inserted_in_the_chain_is_detected():
    records = chain()
    records.insert(1, copy.deepcopy(records[0]))
    failures = {c.name for c in drawing.verify_chain(records).failures}
    assert "#1 prev_hash" in failures


def test_a_broken_link_is_detected():
    records = chain()
    records[2] = drawing.seal({**records[2], "prev_hash": "f" * 64})
    failures = {c.name for c in drawing.verify_chain(records).failures}
    assert failures == {"#3 prev_hash"}


def test_a_file_that_is_not_a_draw_record_is_unreadable():
    with pytest.raises(drawing.Unreadable):
        drawing.verify_document(drawing.load_document(b"not json"))
    with pytest.raises(drawing.Unreadable):
        drawing.verify_document({"format": "something else"})
    broken = record()
    del broken["candidates"]
    with pytest.raises(drawing.Unreadable):
        drawing.verify_document(json.loads(json.dumps(broken)))
