"""The “双随机” draw and its verification on a large 名录库 (docs/enforcement.md).

Builds N synthetic enterprises (valid-looking identifiers), 200 inspectors and 500
exclusions, then times, over several runs: the freeze (canonical CSV + SHA-256 of the
three lists), the draw with record building (ranking every enterprise by HMAC-SHA256,
assigning teams), and the verification of the record (everything recomputed from the
record's own inputs, as `gongkai enforcement verify` does). Pure functions: no database.

    .venv/bin/python bench/enforcement_draw.py [--enterprises 100000] [--sample 500] [--runs 5]

Prints the median of each step in seconds, the draw file's size, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.enforcement import draw as drawing  # noqa: E402  (standard library only)


def inputs(n: int, n_inspectors: int = 200, n_exclusions: int = 500) -> drawing.FrozenInputs:
    candidates = tuple(drawing.Candidate(f"91210300MA{i:08d}", f"示例企业{i:06d}有限公司",
                                         "铁东区", "制造业") for i in range(n))
    inspectors = tuple(drawing.Inspector(f"2103002026{i:04d}", f"检查员{i:03d}", "鞍山市统计局")
                       for i in range(n_inspectors))
    exclusions = tuple(drawing.Exclusion(inspectors[i % n_inspectors].cert_no,
                                         candidates[(i * 7919) % n].uscc)
                       for i in range(n_exclusions))
    return drawing.FrozenInputs(candidates, inspectors, exclusions)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    frozen = inputs(args.enterprises)
    freeze_s, _hashes = timed(lambda: frozen.hashes, args.runs)

    def build() -> dict[str, Any]:
        return drawing.build_record(
            agency={"name": "鞍山市统计局", "code": "x"}, plan={"key": "bench/2026"}, sequence=1,
            inputs=frozen, frozen_at="2026-05-08T10:00:00+08:00", seed_source="bench",
            seed_value="04 09 13 22 27 31 + 12", seed_entered_at="2026-05-11T09:30:00+08:00",
            sample_size=args.sample, team_size=2, drawn_at="2026-05-11T09:30:00+08:00",
            prev_hash=drawing.GENESIS_HASH)

    draw_s, record = timed(build, args.runs)
    size = len(json.dumps(record, ensure_ascii=False).encode())
    verify_s, result = timed(lambda: drawing.verify_record(json.loads(json.dumps(record))),
                             args.runs)
    assert result.ok
    figures = {"enterprises": args.enterprises, "sample": args.sample, "runs": args.runs,
               "freeze_s": round(freeze_s, 3), "draw_s": round(draw_s, 3),
               "verify_s": round(verify_s, 3), "draw_file_mb": round(size / 1e6, 1)}
    print(f"冻结（三份名录规范化并计算哈希）：{freeze_s:.3f} s")
    print(f"摇号（排序、派员、生成记录）：{draw_s:.3f} s")
    print(f"验证（按记录重算）：{verify_s:.3f} s；摇号记录文件 {size / 1e6:.1f} MB")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
