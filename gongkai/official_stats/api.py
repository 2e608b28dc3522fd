"""Public JSON API of 统计数据发布 (mounted by gongkai/api.py)."""

from ninja import Router

router = Router(tags=["统计数据发布"])
