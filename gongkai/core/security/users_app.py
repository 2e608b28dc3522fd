"""The app config that puts gongkai's user screens (users.py) in place of Wagtail's.

Kept apart from users.py: an app config module is imported before the app registry is
ready, so it must not import forms or views.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):  # type: ignore[misc]
    user_viewset = "gongkai.core.security.users.SeparatedUserViewSet"
