"""Public routes of 依申请公开 (included under /ysqgk/ by gongkai/urls.py)."""

from django.urls import path

from gongkai.info_requests import views

app_name = "ysqgk"

urlpatterns = [
    path("track/", views.track, name="track"),
    path("<slug:agency_slug>/apply/", views.apply, name="apply"),
]
