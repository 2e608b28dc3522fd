from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from gongkai.core import crypto, edge_cache, page_cache, public_changes
        from gongkai.core.search import pages
        from gongkai.core.security import checks as _checks  # noqa: F401 - registers them
        from gongkai.core.security import signals as security_signals

        pages.connect()
        public_changes.connect()
        # The page-cache generation first: after a commit it must be new before nginx's
        # purge lets requests in that would otherwise reuse a schedule read under the old
        # one (edge_cache.scheduled_changes).
        page_cache.connect()
        edge_cache.connect()
        crypto.register_encrypted_field("core.StaffAuthState", "totp_secret_encrypted")
        security_signals.connect()
