"""Selection expressions of the data API, modelled on PxWebApi 2.0.

A query names, per dimension, the values it wants: ``valueCodes[region]=210300,210381``.
Each comma-separated term is one of

=====================  =====================================================================
``210300``             one code (it must exist)
``[a,b]``              one code that itself contains a comma
``*``                  every value
``2103*``, ``*01``     a wildcard pattern (``*`` any run, ``?`` one character; at most two ``*``)
``top(n[,offset])``    the first *n* values; on the time dimension the *latest* n periods
``bottom(n[,offset])`` the last *n* values; on the time dimension the *earliest* n periods
``from(x)``            x and every value after it
``to(x)``              every value up to and including x
``range(x,y)``         x to y inclusive
=====================  =====================================================================

Function names are case-insensitive (``TOP(12)`` = ``top(12)``). The answer lists the
selected codes in the dimension's own order (chronological for periods), each once.
A dimension the query leaves out gets its default selection. Bad input raises
:class:`SelectionError` with a message in Chinese that the API returns with HTTP 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_TERMS = 200
MAX_WILDCARDS = 2
_FUNCTION = re.compile(r"^(top|bottom|from|to|range)\((.*)\)$", re.IGNORECASE | re.DOTALL)
_QUERY_KEY = re.compile(r"^valueCodes\[([^\]]+)\]$", re.IGNORECASE)


class SelectionError(ValueError):
    """A selection the API cannot answer; ``str(error)`` is the message for the user."""


@dataclass(frozen=True, slots=True)
class Variable:
    """One dimension as the selection sees it: its codes in order, and whether it is time."""

    id: str
    label: str
    codes: Sequence[str]
    is_time: bool = False
    default: str = "*"


def split_terms(expression: str) -> list[str]:
    """Split on top-level commas: not inside ``(...)`` nor inside ``[...]``."""
    terms: list[str] = []
    depth = 0
    current: list[str] = []
    for char in expression:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                raise SelectionError(f"括号不匹配：“{expression}”。")
        if char == "," and depth == 0:
            terms.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if depth != 0:
        raise SelectionError(f"括号不匹配：“{expression}”。")
    terms.append("".join(current).strip())
    if any(term == "" for term in terms):
        raise SelectionError(f"选择表达式中有空项：“{expression}”。")
    if len(terms) > MAX_TERMS:
        raise SelectionError(f"一个维度最多可写{MAX_TERMS}项。")
    return terms


def _unbracket(term: str) -> str:
    return term[1:-1] if term.startswith("[") and term.endswith("]") else term


def _position(variable: Variable, code: str) -> int:
    code = _unbracket(code.strip())
    try:
        return list(variable.codes).index(code)
    except ValueError:
        raise SelectionError(f"“{variable.label}”中没有代码“{code}”。") from None


def _count_args(variable: Variable, name: str, args: list[str]) -> tuple[int, int]:
    if not 1 <= len(args) <= 2 or not all(a.strip().isdigit() for a in args):
        raise SelectionError(
            f"{name.upper()}的参数应为正整数，例如 {name.upper()}(12) 或 {name.upper()}(12,1)。")
    count = int(args[0])
    offset = int(args[1]) if len(args) == 2 else 0
    if count < 1:
        raise SelectionError(f"{name.upper()}的个数至少为1。")
    return count, offset


def _function_positions(variable: Variable, name: str, inner: str) -> range | list[int]:
    args = split_terms(inner) if inner.strip() else []
    size = len(variable.codes)
    if name in ("top", "bottom"):
        count, offset = _count_args(variable, name, args)
        # Periods are held oldest first, so "the top" of a time dimension is its end.
        from_end = (name == "top") == variable.is_time
        if from_end:
            stop = max(size - offset, 0)
            return range(max(stop - count, 0), stop)
        return range(min(offset, size), min(offset + count, size))
    expected = 2 if name == "range" else 1
    if len(args) != expected:
        example = "RANGE(起,止)" if name == "range" else f"{name.upper()}(代码)"
        raise SelectionError(f"{name.upper()}的参数个数不对，应写作 {example}。")
    if name == "from":
        return range(_position(variable, args[0]), size)
    if name == "to":
        return range(0, _position(variable, args[0]) + 1)
    start, stop = _position(variable, args[0]), _position(variable, args[1])
    if start > stop:
        raise SelectionError(f"RANGE的起点“{args[0]}”在终点“{args[1]}”之后。")
    return range(start, stop + 1)


def _pattern(term: str) -> re.Pattern[str]:
    if term.count("*") > MAX_WILDCARDS:
        raise SelectionError(f"通配符“*”在一项中最多使用{MAX_WILDCARDS}次：“{term}”。")
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in term)
    return re.compile(f"^{body}$", re.DOTALL)


def term_positions(variable: Variable, term: str) -> list[int] | range:
    """The positions (in the variable's order) that one term selects."""
    if term == "*":
        return range(len(variable.codes))
    match = _FUNCTION.match(term)
    if match:
        return _function_positions(variable, match.group(1).lower(), match.group(2))
    if term.startswith("[") and term.endswith("]"):
        return [_position(variable, term)]
    if "*" in term or "?" in term:
        pattern = _pattern(term)
        return [i for i, code in enumerate(variable.codes) if pattern.match(code)]
    if "(" in term or ")" in term:
        raise SelectionError(
            f"无法识别的选择表达式：“{term}”。可用：代码、*、TOP、BOTTOM、FROM、TO、RANGE。")
    return [_position(variable, term)]


def select(variable: Variable, expression: str | None) -> list[str]:
    """The codes an expression selects on one dimension, in the dimension's order."""
    text = (expression if expression is not None else variable.default).strip()
    if not text:
        raise SelectionError(f"“{variable.label}”的选择为空。")
    chosen: set[int] = set()
    for term in split_terms(text):
        chosen.update(term_positions(variable, term))
    if not chosen:
        raise SelectionError(f"“{variable.label}”没有选中任何值：“{text}”。")
    return [variable.codes[i] for i in sorted(chosen)]


def resolve(variables: Sequence[Variable], value_codes: Mapping[str, str]) -> dict[str, list[str]]:
    """Every dimension's selection; dimensions are named case-insensitively."""
    by_id = {v.id.lower(): v for v in variables}
    for name in value_codes:
        if name.lower() not in by_id:
            known = "、".join(v.id for v in variables)
            raise SelectionError(f"没有名为“{name}”的维度；可用的维度：{known}。")
    given = {name.lower(): expr for name, expr in value_codes.items()}
    return {v.id: select(v, given.get(v.id.lower())) for v in variables}


def value_codes_from_query(query: Mapping[str, str]) -> dict[str, str]:
    """``valueCodes[dim]=…`` parameters of a query string, by dimension name."""
    found: dict[str, str] = {}
    for key, value in query.items():
        match = _QUERY_KEY.match(key)
        if match:
            found[match.group(1).strip()] = value
    return found


def cell_count(selection: Mapping[str, Sequence[str]]) -> int:
    count = 1
    for codes in selection.values():
        count *= len(codes)
    return count
