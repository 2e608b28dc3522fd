"""Public routes of 统计执法公开 (included under /zfgk/ by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.enforcement import views

app_name = "enforcement"

urlpatterns: list[URLPattern | URLResolver] = [
    path("verify/", views.verify, name="verify"),
    path("<slug:agency_slug>/", views.index, name="index"),
    path("<slug:agency_slug>/chain.json", views.chain_file, name="chain_file"),
    path("<slug:agency_slug>/freezes/<int:pk>/", views.freeze_detail, name="freeze"),
    path("<slug:agency_slug>/freezes/<int:pk>/<slug:kind>.csv", views.freeze_file,
         name="freeze_file"),
    path("<slug:agency_slug>/draws/<int:sequence>/", views.draw_detail, name="draw"),
    path("<slug:agency_slug>/draws/<int:sequence>.json", views.draw_file, name="draw_file"),
    path("<slug:agency_slug>/xzcf/", views.penalties, name="penalties"),
    path("<slug:agency_slug>/xzcf/<int:pk>/", views.penalty, name="penalty"),
]
