"""Public JSON API of 互动交流 (mounted by gongkai/api.py)."""

from ninja import Router

router = Router(tags=["互动交流"])
