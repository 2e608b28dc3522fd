"""Seed the official holiday schedules 2020–2026 from gongkai/core/data."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays_2020_2026.json"


def seed(apps, schema_editor):
    HolidaySchedule = apps.get_model("core", "HolidaySchedule")
    HolidayDate = apps.get_model("core", "HolidayDate")
    payload = json.loads(DATA.read_text(encoding="utf-8"))
    for item in payload["schedules"]:
        if HolidaySchedule.objects.filter(year=item["year"]).exists():
            continue
        schedule = HolidaySchedule.objects.create(
            year=item["year"],
            notice_title=item["notice_title"],
            notice_number=item["notice_number"],
            notice_date=dt.date.fromisoformat(item["notice_date"]),
            note=item["note"],
        )
        HolidayDate.objects.bulk_create(
            HolidayDate(schedule=schedule, date=dt.date.fromisoformat(d["date"]),
                        kind=d["kind"], name=d["name"])
            for d in item["days"]
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
