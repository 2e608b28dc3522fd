"""Test data for 统计执法公开: valid enterprises and inspectors, a plan with loaded lists."""

from __future__ import annotations

from gongkai.enforcement import draw as drawing
from gongkai.testing import valid_uscc


def uscc(n: int) -> str:
    return valid_uscc(f"91210300MA{n:07d}")


def candidates(count: int) -> list[drawing.Candidate]:
    regions = ("铁东区", "铁西区", "立山区", "千山区", "海城市", "台安县", "岫岩满族自治县")
    return [drawing.Candidate(uscc(n), f"鞍山示例企业{n:03d}有限公司", regions[n % len(regions)],
                              "制造业" if n % 2 else "批发和零售业")
            for n in range(1, count + 1)]


def inspectors(count: int) -> list[drawing.Inspector]:
    return [drawing.Inspector(f"21030020{n:04d}", f"检查员{n:02d}", "鞍山市统计局")
            for n in range(1, count + 1)]


def enterprises_csv(count: int, *, extra: str = "") -> bytes:
    lines = ["统一社会信用代码,企业名称,所在地区,行业"]
    lines += [f"{c.uscc},{c.name},{c.region},{c.industry}" for c in candidates(count)]
    return ("\n".join(lines) + "\n" + extra).encode()


def inspectors_csv(count: int) -> bytes:
    lines = ["执法证号,姓名,所在单位"]
    lines += [f"{i.cert_no},{i.name},{i.agency}" for i in inspectors(count)]
    return ("\n".join(lines) + "\n").encode()
