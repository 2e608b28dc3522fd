"""Public route of the reading room (included under /ysqgk/results/ by gongkai/urls.py)."""

from django.urls import path

from gongkai.info_requests import views_publication

app_name = "ysqgk_results"

urlpatterns = [
    path("<slug:agency_slug>/", views_publication.reading_room, name="reading_room"),
]
