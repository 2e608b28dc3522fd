"""Public routes of 互动交流 (included by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

app_name = "consultations"

urlpatterns: list[URLPattern | URLResolver] = []
