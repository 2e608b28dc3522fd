"""Public JSON API of 专题与公众参与 (mounted by gongkai/api.py)."""

from ninja import Router

router = Router(tags=["专题与公众参与"])
