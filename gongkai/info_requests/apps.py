from django.apps import AppConfig


class InfoRequestsConfig(AppConfig):
    name = "gongkai.info_requests"
    label = "info_requests"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from gongkai.info_requests import search

        search.connect()
