from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "gongkai.engagement"
    label = "engagement"
    verbose_name = "专题与公众参与"
