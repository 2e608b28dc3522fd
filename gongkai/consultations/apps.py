from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "gongkai.consultations"
    label = "consultations"
    verbose_name = "互动交流"

    def ready(self) -> None:
        from gongkai.consultations import search
        from gongkai.core import crypto

        search.connect()
        crypto.register_encrypted_field("consultations.ViolationReport", "identity_token")
