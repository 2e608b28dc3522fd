"""Public JSON API of 统计执法公开 (mounted by gongkai/api.py)."""

from ninja import Router

router = Router(tags=["统计执法公开"])
