"""Settings of bench/release_minute.py: production settings, with the data API's per-address
call limit lifted (all benchmark clients share 127.0.0.1)."""

from gongkai.settings import *  # noqa: F403

STATS_API_MAX_CALLS = 10**9
