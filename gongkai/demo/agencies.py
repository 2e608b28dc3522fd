"""The demo's agencies: 鞍山市统计局 and its seven county/district bureaus.

The names and the administrative division codes are real. Every other value — the
统一社会信用代码, addresses, phone numbers, e-mail, ICP/公安备案 numbers and 网站标识码 —
is invented in a believable format, so each agency is saved with ``is_demo=True`` and the
site labels it 示例.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongkai.core.enums import AgencyLevel
from gongkai.core.validators import uscc_check_char

CITY_SLUG = "anshan"
OFFICE_HOURS = "周一至周五（法定节假日除外）上午8:30—11:30，下午13:30—17:00"
DEMO_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class AgencySpec:
    slug: str
    name: str
    short_name: str
    division: str        # GB/T 2260 code of the county/district (real)
    district: str        # the district the invented office address lies in
    street: str          # invented street address
    postcode: str
    phone_tail: str      # invented; 7-digit local numbers behind the 0412 area code
    level: AgencyLevel = AgencyLevel.COUNTY


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(CITY_SLUG, "鞍山市统计局", "鞍山市局", "210300", "铁东区", "胜利南路示例大厦8层",
               "114001", "555", AgencyLevel.CITY),
    AgencySpec("haicheng", "海城市统计局", "海城市局", "210381", "海城市", "海州管理区示例路12号",
               "114200", "556"),
    AgencySpec("taian", "台安县统计局", "台安县局", "210321", "台安县", "台安镇示例街36号",
               "114100", "557"),
    AgencySpec("xiuyan", "岫岩满族自治县统计局", "岫岩县局", "210323", "岫岩满族自治县",
               "岫岩镇示例路8号", "114300", "558"),
    AgencySpec("tiedong", "铁东区统计局", "铁东区局", "210302", "铁东区", "园林路示例楼3层",
               "114001", "561"),
    AgencySpec("tiexi", "铁西区统计局", "铁西区局", "210303", "铁西区", "人民路示例楼5层",
               "114013", "562"),
    AgencySpec("lishan", "立山区统计局", "立山区局", "210304", "立山区", "胜利北路示例楼2层",
               "114031", "563"),
    AgencySpec("qianshan", "千山区统计局", "千山区局", "210311", "千山区", "千山中路示例楼4层",
               "114041", "564"),
)


def agency_spec(slug: str) -> AgencySpec:
    return next(spec for spec in AGENCIES if spec.slug == slug)


def _uscc(division: str, serial: int) -> str:
    # 11 = 机关; then the division code; "MB" + 7 digits stands in for the invented
    # organisation code; the check character follows GB 32100.
    first17 = f"11{division}MB{serial:07d}"
    return first17 + uscc_check_char(first17)


def _phone(spec: AgencySpec, extension: int) -> str:
    return f"0412-{spec.phone_tail}{extension:04d}"


def agency_fields(spec: AgencySpec, sort_order: int) -> dict[str, Any]:
    """Everything ``create_agency`` needs, except the parent agency."""
    serial = 190000 + sort_order + 1
    # 公安备案 numbers start with the code of the district the server is registered in; a
    # city bureau registers in a district (its office is in 铁东区), never under 210300.
    police_division = "210302" if spec.level == AgencyLevel.CITY else spec.division
    return {
        "name": spec.name,
        "short_name": spec.short_name,
        "slug": spec.slug,
        "code": _uscc(spec.division, serial),
        "level": spec.level,
        "sort_order": sort_order,
        "office_name": f"{spec.name}办公室",
        "office_address": f"辽宁省鞍山市{spec.district}{spec.street}",
        "office_postcode": spec.postcode,
        "office_hours": OFFICE_HOURS,
        "office_phone": _phone(spec, 1201),
        "office_fax": _phone(spec, 1202),
        "office_email": f"{spec.slug}tjj@demo.example",
        "office_web": f"{DEMO_BASE_URL}/{spec.slug}/zwgk/ysqgk/",
        "consultation_phone": _phone(spec, 1203),
        "supervision_phone": _phone(spec, 1209),
        "sponsor": spec.name,
        "organizer": f"{spec.name}办公室",
        "contact": f"{_phone(spec, 1201)}（工作日 8:30—17:00）",
        "site_code": f"{spec.division}0{sort_order + 101:03d}",
        "icp_number": f"辽ICP备{19050100 + sort_order:08d}号",
        "police_number": f"辽公网安备 {police_division}02{sort_order + 1:06d}号",
        "conac_url": f"https://bszs.conac.cn/sitename?method=show&id=DEMO{spec.division}",
        "is_demo": True,
    }
