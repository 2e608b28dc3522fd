"""The catalog's statutory vocabularies, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class DisclosureMethod(models.TextChoices):
    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")


class Genre(models.TextChoices):
    """体裁分类: the 15 kinds of official document (《党政机关公文处理工作条例》第八条) and others."""

    RESOLUTION = "jueyi", _("决议")
    DECISION = "jueding", _("决定")
    ORDER = "mingling", _("命令（令）")
    COMMUNIQUE = "gongbao", _("公报")
    ANNOUNCEMENT = "gonggao", _("公告")
    PUBLIC_NOTICE = "tonggao", _("通告")
    OPINION = "yijian", _("意见")
    NOTICE = "tongzhi", _("通知")
    CIRCULAR = "tongbao", _("通报")
    REPORT = "baogao", _("报告")
    REQUEST = "qingshi", _("请示")
    REPLY = "pifu", _("批复")
    MOTION = "yian", _("议案")
    LETTER = "han", _("函")
    MINUTES = "jiyao", _("纪要")
    STATISTICAL_BULLETIN = "tongjigongbao", _("统计公报")
    INTERPRETATION = "jiedu", _("解读")
    WORK_NEWS = "dongtai", _("工作动态")
    OTHER = "qita", _("其他")


class Article20Item(models.TextChoices):
    """Which item of 《条例》第二十条 (or 第二十一条) the information discloses.

    The annual report's table 二 counts items by this field.
    """

    RULES_AND_NORMATIVE_DOCUMENTS = "20-1", _("第二十条（一）行政法规、规章和规范性文件")
    ORGANISATION = "20-2", _("第二十条（二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名")
    PLANS = "20-3", _("第二十条（三）国民经济和社会发展规划、专项规划、区域规划及相关政策")
    STATISTICS = "20-4", _("第二十条（四）国民经济和社会发展统计信息")
    LICENSING = "20-5", _("第二十条（五）行政许可和其他对外管理服务事项")
    PENALTIES = "20-6", _("第二十条（六）行政处罚、行政强制的依据、条件、程序以及行政处罚决定")
    BUDGETS = "20-7", _("第二十条（七）财政预算、决算信息")
    FEES = "20-8", _("第二十条（八）行政事业性收费项目及其依据、标准")
    PROCUREMENT = "20-9", _("第二十条（九）政府集中采购项目的目录、标准及实施情况")
    MAJOR_PROJECTS = "20-10", _("第二十条（十）重大建设项目的批准和实施情况")
    SOCIAL_POLICIES = "20-11", _("第二十条（十一）扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况")
    EMERGENCIES = "20-12", _("第二十条（十二）突发公共事件的应急预案、预警信息及应对情况")
    INSPECTIONS = "20-13", _("第二十条（十三）环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况")
    CIVIL_SERVICE = "20-14", _("第二十条（十四）公务员招考的职位、名额、报考条件等事项以及录用结果")
    OTHER_REQUIRED = "20-15", _("第二十条（十五）法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息")
    LOCAL = "21", _("第二十一条 根据本地方具体情况主动公开的信息")
    NONE = "none", _("其他主动公开信息")

    @property
    def short_label(self) -> str:
        label = str(self.label)
        return label.split(" ")[0] if " " in label else label[:12]


class ColumnKind(models.TextChoices):
    """What a column is for, so the platform can find an agency's standard columns."""

    GENERIC = "generic", _("普通栏目")
    SYSTEM = "system", _("政府信息公开制度")
    STATUTORY = "statutory", _("法定主动公开内容")
    ANNUAL_REPORTS = "annual_reports", _("政府信息公开年报")
    STATISTICS = "statistics", _("统计数据")
    INTERACTION = "interaction", _("互动交流")
    TOPICS = "topics", _("专题专栏")
