"""Public routes of 政府信息公开工作年度报告 (included under /ndbg/ by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.annual_reports import views

app_name = "annual_reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:agency_slug>/<int:year>/", views.report, name="report"),
    path("<slug:agency_slug>/<int:year>.<str:fmt>", views.download, name="download"),
]
