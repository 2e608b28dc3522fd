"""Public routes of 专题与公众参与 (included by gongkai/urls.py at /zt/). Campaign, event,
material and survey pages themselves are Wagtail pages in the agency's 专题专栏."""

from django.urls import URLPattern, URLResolver, path

from gongkai.engagement import views

app_name = "engagement"

urlpatterns: list[URLPattern | URLResolver] = [
    path("registrations/<int:pk>/<str:token>/cancel/", views.cancel_registration,
         name="cancel_registration"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscriptions/<int:pk>/<str:token>/confirm/", views.confirm_subscription,
         name="confirm_subscription"),
    path("subscriptions/<int:pk>/<str:token>/unsubscribe/", views.unsubscribe,
         name="unsubscribe"),
    path("subscribers/<int:pk>/<str:token>/unsubscribe/", views.unsubscribe_all,
         name="unsubscribe_all"),
]
