from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = "政府信息公开目录"

    def ready(self) -> None:
        from gongkai.catalog import search, signal_handlers  # noqa: F401

        search.connect()

        from gongkai.catalog.legacy import register as register_legacy_importer

        register_legacy_importer()
