"""简/繁 conversion through OpenCC (the official C++ bindings).

A converter is built once per configuration and reused: construction reads the
dictionaries from disk, conversion itself runs at millions of characters a second.
"""

from __future__ import annotations

import functools
import threading

import opencc

_lock = threading.Lock()


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(f"{config}.json")


def convert(text: str, config: str) -> str:
    """Convert with an OpenCC configuration such as ``t2s`` or ``s2t``."""
    if not text:
        return text
    converter = _converter(config)
    # The binding's converter is not documented as thread-safe; the lock costs
    # microseconds and gunicorn's sync workers hardly contend for it.
    with _lock:
        return str(converter.convert(text))


def to_simplified(text: str) -> str:
    """Traditional to simplified, phrase-aware (OpenCC ``t2s``)."""
    return convert(text, "t2s")


def to_traditional(text: str) -> str:
    """Simplified to traditional with phrase conversion (OpenCC ``s2t``)."""
    return convert(text, "s2t")
