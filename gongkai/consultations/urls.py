"""Public routes of 互动交流 (included under /hdjl/ by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from gongkai.consultations import views

app_name = "consultations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("phones/", views.phones, name="phones"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
    path("jubao/track/", views.report_track, name="report_track"),
    path("<slug:agency_slug>/", views.agency_index, name="agency"),
    path("<slug:agency_slug>/write/", views.write, name="write"),
    path("<slug:agency_slug>/faq/", views.faq, name="faq"),
    path("<slug:agency_slug>/jubao/", views.report, name="report"),
    path("<slug:agency_slug>/<str:number>/", views.detail, name="detail"),
]
