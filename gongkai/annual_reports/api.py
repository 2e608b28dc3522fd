"""Public JSON API of 政府信息公开工作年度报告 (mounted by gongkai/api.py)."""

from ninja import Router

router = Router(tags=["政府信息公开工作年度报告"])
