"""The fixed-window call limit, counted per client address in the cache."""

from __future__ import annotations

from gongkai.official_stats.ratelimit import Limits, count_call

LIMITS = Limits(max_calls=3, window_seconds=10, max_data_cells=100)


def test_it_allows_the_limit_and_refuses_the_next_call_until_the_window_ends() -> None:
    decisions = [count_call("10.0.0.1", LIMITS, now=1000.0 + i) for i in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[3].retry_after == 7  # the window [1000, 1010) ends in 7 s
    assert count_call("10.0.0.1", LIMITS, now=1010.0).allowed


def test_each_address_has_its_own_count() -> None:
    for _ in range(3):
        count_call("10.0.0.1", LIMITS, now=2000.0)
    assert not count_call("10.0.0.1", LIMITS, now=2000.5).allowed
    assert count_call("10.0.0.2", LIMITS, now=2000.5).allowed


def test_retry_after_is_at_least_one_second() -> None:
    for _ in range(3):
        count_call("10.0.0.3", LIMITS, now=3009.9)
    assert count_call("10.0.0.3", LIMITS, now=3009.95).retry_after == 1
