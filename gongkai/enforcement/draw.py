"""The verifiable “双随机” draw: pure functions, no database, no clock (docs/enforcement.md).

Anyone holding a draw file (JSON, downloadable from the draw's public page) can recompute
everything in it with this module alone, so the module depends on the standard library
only. The method (rule version ``gongkai-draw-v1``):

1. **Freeze.** The candidate enterprises, the inspector pool and the recorded exclusions
   (回避) are each serialised canonically — UTF-8 CSV, a header row, rows sorted by their
   identifier, ``\\n`` line ends — and hashed with SHA-256. The hashes, the freeze time and
   the declared seed source (a public value that does not exist yet, e.g. a named future
   lottery draw) are published *before* the draw.
2. **Seed.** When the declared value is public it is entered verbatim (whitespace
   normalised). The key is ``SHA-256("gongkai-draw-v1" ␟ plan ␟ candidates hash ␟
   inspectors hash ␟ exclusions hash ␟ seed value)`` (␟ = U+001F), so a seed only works
   with the list it was declared for.
3. **Rank.** Each enterprise gets ``HMAC-SHA256(key, "enterprise" ␟ 统一社会信用代码)`` and
   each inspector ``HMAC-SHA256(key, "inspector" ␟ 执法证号)``; both lists are sorted by
   that value (hex, ascending). The first ``sample_size`` enterprises are drawn.
4. **Assign (published rule).** The ranked inspectors form a queue. For each drawn
   enterprise, in rank order, the team is the first ``team_size`` inspectors in the queue
   who are not excluded from that enterprise; an excluded inspector is skipped (the skip is
   part of the result) and keeps its place at the head of the queue. The team members then
   move to the back of the queue, so work is shared out evenly.
5. **Record.** The draw record holds every input and the result, the hash of the previous
   draw record of the same agency (``prev_hash``) and its own ``record_hash`` =
   SHA-256 of the record's canonical JSON without ``record_hash``. Deleting, repeating or
   editing a draw breaks the chain.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RULE_VERSION = "gongkai-draw-v1"
FORMAT = "gongkai-draw"
CHAIN_FORMAT = "gongkai-draw-chain"
GENESIS_HASH = "0" * 64
SEP = "\x1f"

CANDIDATE_FIELDS = ("uscc", "name", "region", "industry")
INSPECTOR_FIELDS = ("cert_no", "name", "agency")
EXCLUSION_FIELDS = ("cert_no", "uscc")


class DrawError(ValueError):
    """The inputs cannot produce a draw (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Candidate:
    uscc: str
    name: str
    region: str = ""
    industry: str = ""


@dataclass(frozen=True)
class Inspector:
    cert_no: str
    name: str
    agency: str = ""


@dataclass(frozen=True)
class Exclusion:
    cert_no: str
    uscc: str


@dataclass(frozen=True)
class Assignment:
    rank: int
    uscc: str
    name: str
    score: str
    inspectors: tuple[str, ...]
    skipped: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "uscc": self.uscc, "name": self.name, "score": self.score,
                "inspectors": list(self.inspectors), "skipped": list(self.skipped)}


@dataclass(frozen=True)
class Result:
    enterprises: tuple[Assignment, ...]
    inspector_order: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"enterprises": [a.as_dict() for a in self.enterprises],
                "inspector_order": list(self.inspector_order)}


# --- Canonical serialisation and hashes ---------------------------------------------------


def _canonical_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def candidates_csv(candidates: Iterable[Candidate]) -> str:
    rows = sorted(candidates, key=lambda c: c.uscc)
    return _canonical_csv(CANDIDATE_FIELDS,
                          ((c.uscc, c.name, c.region, c.industry) for c in rows))


def inspectors_csv(inspectors: Iterable[Inspector]) -> str:
    rows = sorted(inspectors, key=lambda i: i.cert_no)
    return _canonical_csv(INSPECTOR_FIELDS, ((i.cert_no, i.name, i.agency) for i in rows))


def exclusions_csv(exclusions: Iterable[Exclusion]) -> str:
    rows = sorted(set(exclusions), key=lambda e: (e.cert_no, e.uscc))
    return _canonical_csv(EXCLUSION_FIELDS, ((e.cert_no, e.uscc) for e in rows))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def normalise_seed(value: str) -> str:
    """The seed as recorded: surrounding whitespace dropped, inner runs of whitespace
    (including full-width spaces) made one ASCII space."""
    return re.sub(r"\s+", " ", value.replace("\u3000", " ")).strip()


# --- The draw ------------------------------------------------------------------------------


def draw_key(*, plan: str, candidates_hash: str, inspectors_hash: str, exclusions_hash: str,
             seed: str) -> bytes:
    parts = (RULE_VERSION, plan, candidates_hash, inspectors_hash, exclusions_hash,
             normalise_seed(seed))
    return hashlib.sha256(SEP.join(parts).encode("utf-8")).digest()


def score(key: bytes, label: str, identifier: str) -> str:
    return hmac.new(key, f"{label}{SEP}{identifier}".encode(), hashlib.sha256).hexdigest()


def rank(key: bytes, label: str, identifiers: Iterable[str]) -> list[tuple[str, str]]:
    """(identifier, score) sorted by score, then identifier (a tie cannot happen in
    practice, but the order must never depend on the input order)."""
    base = hmac.new(key, digestmod=hashlib.sha256)  # copied per identifier: same result as
    scored = []                                     # score(), without re-keying each time
    for identifier in identifiers:
        mac = base.copy()
        mac.update(f"{label}{SEP}{identifier}".encode())
        scored.append((identifier, mac.hexdigest()))
    return sorted(scored, key=lambda pair: (pair[1], pair[0]))


def run_draw(*, key: bytes, candidates: Sequence[Candidate], inspectors: Sequence[Inspector],
             exclusions: Iterable[Exclusion], sample_size: int, team_size: int = 2) -> Result:
    """Draw ``sample_size`` enterprises and give each a team by the published rule."""
    _check_unique([c.uscc for c in candidates], "统一社会信用代码")
    _check_unique([i.cert_no for i in inspectors], "执法证号")
    if sample_size < 1:
        raise DrawError("抽取数量至少为1。")
    if sample_size > len(candidates):
        raise DrawError(f"抽取数量（{sample_size}）超过检查对象名录中的企业数"
                        f"（{len(candidates)}）。")
    if team_size < 2:
        raise DrawError("每个检查组至少需要2名执法检查人员。")
    if team_size > len(inspectors):
        raise DrawError(f"执法检查人员名录只有{len(inspectors)}人，"
                        f"不足以组成{team_size}人的检查组。")
    names = {c.uscc: c.name for c in candidates}
    excluded = {(e.cert_no, e.uscc) for e in exclusions}
    drawn = rank(key, "enterprise", names)[:sample_size]
    queue = [cert for cert, _score in rank(key, "inspector", [i.cert_no for i in inspectors])]
    order = tuple(queue)
    assignments = []
    for position, (uscc, value) in enumerate(drawn, start=1):
        team, skipped = _team(queue, uscc, excluded, team_size)
        queue = [cert for cert in queue if cert not in team] + list(team)
        assignments.append(Assignment(rank=position, uscc=uscc, name=names[uscc], score=value,
                                      inspectors=team, skipped=skipped))
    return Result(enterprises=tuple(assignments), inspector_order=order)


def _team(queue: Sequence[str], uscc: str, excluded: set[tuple[str, str]],
          team_size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    team: list[str] = []
    skipped: list[str] = []
    for cert in queue:
        if len(team) == team_size:
            break
        if (cert, uscc) in excluded:
            skipped.append(cert)
        else:
            team.append(cert)
    if len(team) < team_size:
        raise DrawError(f"企业{uscc}回避后可派的执法检查人员不足{team_size}人。")
    return tuple(team), tuple(skipped)


def _check_unique(values: Sequence[str], label: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DrawError(f"{label}重复：{value}")
        seen.add(value)


# --- Draw records and their verification ---------------------------------------------------


def record_hash(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "record_hash"}
    return sha256_text(canonical_json(body))


def seal(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record with its ``record_hash`` set."""
    sealed = dict(record)
    sealed["record_hash"] = record_hash(sealed)
    return sealed


@dataclass(frozen=True)
class FrozenInputs:
    """What the freeze publishes (the lists themselves and their hashes)."""

    candidates: tuple[Candidate, ...]
    inspectors: tuple[Inspector, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def hashes(self) -> dict[str, str]:
        return {
            "candidates_sha256": sha256_text(candidates_csv(self.candidates)),
            "inspectors_sha256": sha256_text(inspectors_csv(self.inspectors)),
            "exclusions_sha256": sha256_text(exclusions_csv(self.exclusions)),
        }


def build_record(*, agency: Mapping[str, Any], plan: Mapping[str, Any], sequence: int,
                 inputs: FrozenInputs, frozen_at: str, seed_source: str, seed_value: str,
                 seed_entered_at: str, sample_size: int, team_size: int, drawn_at: str,
                 prev_hash: str, redraw_reason: str = "") -> dict[str, Any]:
    """Run the draw and return its sealed record (the DRAW_FILE)."""
    hashes = inputs.hashes
    key = draw_key(plan=str(plan["key"]), candidates_hash=hashes["candidates_sha256"],
                   inspectors_hash=hashes["inspectors_sha256"],
                   exclusions_hash=hashes["exclusions_sha256"], seed=seed_value)
    result = run_draw(key=key, candidates=inputs.candidates, inspectors=inputs.inspectors,
                      exclusions=inputs.exclusions, sample_size=sample_size,
                      team_size=team_size)
    record = {
        "format": FORMAT,
        "rule_version": RULE_VERSION,
        "agency": dict(agency),
        "plan": dict(plan),
        "sequence": sequence,
        "freeze": {"frozen_at": frozen_at, **hashes,
                   "candidate_count": len(inputs.candidates),
                   "inspector_count": len(inputs.inspectors),
                   "exclusion_count": len(set(inputs.exclusions))},
        "seed": {"source": seed_source, "value": normalise_seed(seed_value),
                 "entered_at": seed_entered_at},
        "parameters": {"sample_size": sample_size, "team_size": team_size},
        "candidates": [dict(zip(CANDIDATE_FIELDS, (c.uscc, c.name, c.region, c.industry),
                                strict=True))
                       for c in sorted(inputs.candidates, key=lambda c: c.uscc)],
        "inspectors": [dict(zip(INSPECTOR_FIELDS, (i.cert_no, i.name, i.agency), strict=True))
                       for i in sorted(inputs.inspectors, key=lambda i: i.cert_no)],
        "exclusions": [{"cert_no": e.cert_no, "uscc": e.uscc}
                       for e in sorted(set(inputs.exclusions),
                                       key=lambda e: (e.cert_no, e.uscc))],
        "result": result.as_dict(),
        "redraw_reason": redraw_reason,
        "drawn_at": drawn_at,
        "prev_hash": prev_hash,
    }
    return seal(record)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


class Unreadable(ValueError):
    """The file is not a draw record (or a chain of them) this module can read."""


def _inputs(record: Mapping[str, Any]) -> tuple[list[Candidate], list[Inspector],
                                                 list[Exclusion]]:
    try:
        candidates = [Candidate(**{f: str(row[f]) for f in CANDIDATE_FIELDS})
                      for row in record["candidates"]]
        inspectors = [Inspector(**{f: str(row[f]) for f in INSPECTOR_FIELDS})
                      for row in record["inspectors"]]
        exclusions = [Exclusion(**{f: str(row[f]) for f in EXCLUSION_FIELDS})
                      for row in record["exclusions"]]
    except (KeyError, TypeError) as exc:
        raise Unreadable(f"名单格式不正确：{exc}") from exc
    return candidates, inspectors, exclusions


def verify_record(record: Mapping[str, Any]) -> Verification:
    """Recompute a draw record from its own inputs: the list hashes, the result and the
    record hash. Raises :class:`Unreadable` when the record lacks a required part."""
    if not isinstance(record, Mapping) or record.get("format") != FORMAT:
        raise Unreadable("不是抽查摇号记录文件（format 应为 gongkai-draw）。")
    if record.get("rule_version") != RULE_VERSION:
        raise Unreadable(f"不支持的规则版本：{record.get('rule_version')}")
    try:
        freeze = record["freeze"]
        params = record["parameters"]
        seed = str(record["seed"]["value"])
        plan = str(record["plan"]["key"])
        sample_size, team_size = int(params["sample_size"]), int(params["team_size"])
        claimed = record["result"]
    except (KeyError, TypeError, ValueError) as exc:
        raise Unreadable(f"缺少必要内容：{exc}") from exc
    candidates, inspectors, exclusions = _inputs(record)
    hashes = {
        "candidates_sha256": sha256_text(candidates_csv(candidates)),
        "inspectors_sha256": sha256_text(inspectors_csv(inspectors)),
        "exclusions_sha256": sha256_text(exclusions_csv(exclusions)),
    }
    checks = [Check(name, freeze.get(name) == value,
                    f"记录 {freeze.get(name)}，重算 {value}") for name, value in hashes.items()]
    try:
        key = draw_key(plan=plan, candidates_hash=hashes["candidates_sha256"],
                       inspectors_hash=hashes["inspectors_sha256"],
                       exclusions_hash=hashes["exclusions_sha256"], seed=seed)
        result = run_draw(key=key, candidates=candidates, inspectors=inspectors,
                          exclusions=exclusions, sample_size=sample_size, team_size=team_size)
        same = result.as_dict() == claimed
        checks.append(Check("result", same, "" if same else "按记录中的输入重算的结果与记录不符"))
    except DrawError as exc:
        checks.append(Check("result", False, str(exc)))
    stored = record.get("record_hash")
    computed = record_hash(record)
    checks.append(Check("record_hash", stored == computed, f"记录 {stored}，重算 {computed}"))
    return Verification(tuple(checks))


def verify_chain(records: Sequence[Mapping[str, Any]]) -> Verification:
    """Verify every record and the links between them: sequence numbers without gaps from
    1, and each ``prev_hash`` equal to the previous record's ``record_hash``."""
    checks: list[Check] = []
    prev = GENESIS_HASH
    for expected, record in enumerate(records, start=1):
        sequence = record.get("sequence") if isinstance(record, Mapping) else None
        for check in verify_record(record).checks:
            checks.append(Check(f"#{sequence} {check.name}", check.ok, check.detail))
        checks.append(Check(f"#{sequence} sequence", sequence == expected,
                            f"应为第{expected}次摇号，记录为第{sequence}次"))
        checks.append(Check(f"#{sequence} prev_hash", record.get("prev_hash") == prev,
                            "与前一次摇号记录的哈希值不一致"))
        prev = str(record.get("record_hash"))
    return Verification(tuple(checks))


def verify_document(data: Any) -> Verification:
    """A draw file or a chain file (``{"format": "gongkai-draw-chain", "draws": [...]}``)."""
    if isinstance(data, Mapping) and data.get("format") == CHAIN_FORMAT:
        draws = data.get("draws")
        if not isinstance(draws, list) or not draws:
            raise Unreadable("摇号记录链为空。")
        return verify_chain(draws)
    return verify_record(data)


def load_document(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable(f"无法读取JSON：{exc}") from exc
