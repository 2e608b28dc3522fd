"""Seed 主题分类 with the first level of the national theme classification used by the
State Council's 政府信息公开目录 (and the second levels a statistics bureau needs).
Editors can change the tree in the admin."""

from django.db import migrations

THEMES = [
    ("01", "综合政务", ["政务公开", "政务督查", "应急管理", "电子政务", "信访", "其他"]),
    ("02", "国民经济管理、国有资产监管", ["统计", "国民经济发展规划", "经济体制改革", "区域经济", "物价", "国有资产监管", "其他"]),
    ("03", "财政、金融、审计", ["财政", "金融", "审计", "其他"]),
    ("04", "国土资源、能源", []),
    ("05", "农业、林业、水利", []),
    ("06", "工业、交通", []),
    ("07", "商贸、海关、旅游", []),
    ("08", "市场监管、安全生产监管", []),
    ("09", "城乡建设、环境保护", []),
    ("10", "科技、教育", []),
    ("11", "文化、广电、新闻出版", []),
    ("12", "卫生、体育", []),
    ("13", "人口与计划生育、妇女儿童工作", []),
    ("14", "劳动、人事、监察", ["人事工作", "劳动就业", "其他"]),
    ("15", "公安、安全、司法", []),
    ("16", "民政、扶贫、救灾", []),
    ("17", "民族、宗教", []),
    ("18", "对外事务", []),
    ("19", "港澳台侨工作", []),
    ("20", "国防", []),
    ("21", "其他", []),
]


def seed(apps, schema_editor):
    ThemeCategory = apps.get_model("catalog", "ThemeCategory")
    for order, (code, name, children) in enumerate(THEMES):
        parent, _ = ThemeCategory.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        for child_order, child in enumerate(children, start=1):
            ThemeCategory.objects.get_or_create(
                code=f"{code}{child_order:02d}",
                defaults={"name": child, "parent": parent, "sort_order": child_order},
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
