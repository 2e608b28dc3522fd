from csp.decorators import csp
from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from gongkai.api import api
from gongkai.catalog import feeds
from gongkai.catalog import views as catalog_views
from gongkai.core import views as core_views
from gongkai.core.search import views as search_views
from gongkai.enforcement.sitemaps import DrawSitemap, PenaltySitemap
from gongkai.official_stats.sitemaps import ReleaseSitemap
from gongkai.site import views as site_views
from gongkai.site.sitemaps import PageSitemap

admin_patterns = decorate_urlpatterns(
    wagtailadmin_urls.urlpatterns, csp(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
)

# A POST stopped by a database or storage fault keeps what was typed (core/unavailable.py).
handler500 = "gongkai.core.unavailable.server_error"

urlpatterns = [
    path("admin/", include(admin_patterns)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", api.urls),
    path("xxgkml/", catalog_views.platform_catalog, name="platform_catalog"),
    path("search/", search_views.site_search, name="site_search"),
    path("tools/workdays/", core_views.workday_calculator, name="workday_calculator"),
    path("ysqgk/results/", include("gongkai.info_requests.urls_publication")),
    path("ysqgk/", include("gongkai.info_requests.urls")),
    path("sjfb/", include("gongkai.official_stats.urls")),
    path("hdjl/", include("gongkai.consultations.urls")),
    path("zfgk/", include("gongkai.enforcement.urls")),
    path("ndbg/", include("gongkai.annual_reports.urls")),
    path("zt/", include("gongkai.engagement.urls")),
    path("feeds/<slug:agency_slug>/rss.xml", feeds.AgencyRssFeed(), name="agency_rss"),
    path("feeds/<slug:agency_slug>/atom.xml", feeds.AgencyAtomFeed(), name="agency_atom"),
    path("feeds/column/<int:page_id>/rss.xml", feeds.ColumnRssFeed(), name="column_rss"),
    path("feeds/column/<int:page_id>/atom.xml", feeds.ColumnAtomFeed(), name="column_atom"),
    path("sitemap.xml", sitemap,
         {"sitemaps": {"pages": PageSitemap, "stat_releases": ReleaseSitemap,
                       "penalties": PenaltySitemap, "draws": DrawSitemap}},
         name="django.contrib.sitemaps.views.sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("sitemap/", site_views.site_map, name="site_map"),
    path("mode/script/<str:script>/", site_views.set_script_mode, name="script_mode"),
    path("mode/<str:mode>/", site_views.set_reading_mode, name="reading_mode"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
