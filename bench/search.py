"""Site-search benchmark: index build time and size, query latency (docs/performance.md).

For each engine (SQLite FTS5, PostgreSQL tsvector) and corpus size (10,000 and 100,000
documents by default) it creates a fresh database, migrates it, indexes a synthetic
corpus of statistics-bureau documents (1-4 KB each, built from templates with slots, in
the spirit of ../shared/reference/chinese-text.md §4.1) through the real indexing code
(`indexing.rebuild`), and times `core.search.service.search` — the call behind /search/
and /api/search — for 2-, 4- and 8-character queries and for filtered queries: ranked
top-20 without facets (the goal: p95 <= 50 ms at 100,000 documents), and the full
results page with facets.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--engines sqlite,postgresql]
                                     [--db-prefix gongkai_bench_search]

The PostgreSQL database (``<prefix>_<size>``) is kept after the run, for ``psql`` and
``EXPLAIN``; the next run with the same prefix drops and recreates it.

Writes bench/results/search-<time>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"

QUERIES = {
    "2ch": ["统计", "公开", "普查", "就业", "农业", "鞍山", "长治", "岫岩"],
    "4ch": ["政务公开", "统计执法", "数据质量", "人口普查", "行政复议", "统计造假", "三上企业"],
    "8ch": ["开展统计执法检查", "政府信息公开工作", "统计数据质量管理", "双随机一公开监管"],
}
FILTERED = [("统计", {"year": 2024}), ("政务公开", {"year": 2023}),
            ("普查", {"theme_code": "0201"}), ("统计执法", {"content_type": "item", "year": 2025})]

PROVINCES = ["辽宁", "山西", "山东", "江苏", "浙江", "广东", "四川", "湖北", "河南", "陕西"]
CITIES = ["鞍山", "长治", "沈阳", "大连", "太原", "济南", "南京", "杭州", "广州", "成都", "武汉",
          "郑州", "西安", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳"]
COUNTIES = ["岫岩", "海城", "台安", "单县", "乾县", "铁东", "铁西", "立山", "千山", "长清"]
INDICATORS = ["地区生产总值", "规模以上工业增加值", "社会消费品零售总额", "固定资产投资",
              "居民消费价格指数", "城镇居民人均可支配收入", "农村居民人均可支配收入",
              "一般公共预算收入", "进出口总额", "城镇新增就业人数", "粮食总产量", "常住人口"]
INDUSTRIES = ["农业", "制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "房地产业",
              "交通运输业", "信息技术服务业", "金融业", "教育"]
TEMPLATES = [
    "{year}年{month}月，{city}市{indicator}同比增长{pct}%，比上月提高{small}个百分点。",
    "{city}市统计局依法开展统计执法检查，对{n}家“三上”企业的统计数据质量进行核查。",
    "按照政务公开工作要求，{city}市统计局及时公开{indicator}等统计数据和数据解读。",
    "第七次全国人口普查数据显示，{county}县常住人口为{n}人，与上次普查相比减少{small}%。",
    "{province}省{industry}增加值{big}亿元，占全省地区生产总值的比重为{pct}%。",
    "本局严格落实“双随机、一公开”监管要求，随机抽取检查对象和执法检查人员，检查结果及时向社会公开。",
    "对统计造假、弄虚作假行为依法予以行政处罚，当事人不服的可依法申请行政复议或者提起行政诉讼。",
    "{city}市就业形势总体稳定，城镇新增就业{n}人，城镇调查失业率为{small}%。",
    "农业生产保持稳定，全年粮食总产量{big}万吨，比上年增长{small}%。",
    "为进一步提升统计数据质量，{county}区统计局组织开展统计业务培训，参训人员{n}人次。",
    "根据《中华人民共和国政府信息公开条例》，本机关政府信息公开工作年度报告如下。",
    "全年共收到政府信息公开申请{n}件，均在法定期限内答复，未发生行政复议和行政诉讼案件。",
    "经济普查是一项重大的国情国力调查，{city}市共有{n}个普查小区完成清查登记工作。",
    "{year}年，全市居民消费价格指数（CPI）同比上涨{small}%，其中食品烟酒类价格上涨{pct}%。",
]


def log(message: str) -> None:
    print(f"[search-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def document(i: int) -> dict[str, Any]:
    rng = random.Random(i)
    year = 2020 + i % 6

    def fill(template: str) -> str:
        return template.format(
            year=year, month=rng.randint(1, 12), city=rng.choice(CITIES),
            county=rng.choice(COUNTIES), province=rng.choice(PROVINCES),
            indicator=rng.choice(INDICATORS), industry=rng.choice(INDUSTRIES),
            pct=round(rng.uniform(0.1, 12), 1), small=round(rng.uniform(0.1, 3), 1),
            n=rng.randint(10, 90000), big=round(rng.uniform(10, 9000), 1))

    paragraphs = [fill(rng.choice(TEMPLATES)) for _ in range(rng.randint(12, 40))]
    title = f"{rng.choice(CITIES)}市{year}年{rng.choice(INDICATORS)}统计快报（第{i}期）"
    return {"title": title, "summary": paragraphs[0], "body": "\n".join(paragraphs),
            "year": year, "theme_code": rng.choice(["0201", "0202", "0301"]),
            "content_type": "item" if i % 5 else "interpretation"}


class BenchSource:
    """Synthetic documents served through the real indexing path."""

    name = "bench"

    def __init__(self, count: int) -> None:
        self.count = count
        self.start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

    def entries(self, object_ids: Sequence[int]) -> dict[int, Any]:
        from gongkai.core.search.registry import IndexEntry

        out = {}
        for i in object_ids:
            doc = document(i)
            out[i] = IndexEntry(
                url=f"/bench/{i}/", title=doc["title"],
                published_at=self.start + dt.timedelta(minutes=30 * i),
                content_type=doc["content_type"],
                content_type_label="政府信息" if doc["content_type"] == "item" else "政策解读",
                summary=doc["summary"], body=doc["body"], year=doc["year"],
                theme_code=doc["theme_code"], theme_name=doc["theme_code"])
        return out

    def all_ids(self) -> list[int]:
        return list(range(1, self.count + 1))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(object_ids)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_queries(queries: list[tuple[str, dict[str, Any]]], repeats: int,
                 with_facets: bool) -> dict[str, float]:
    from gongkai.core.search.backends.base import SearchFilters
    from gongkai.core.search.service import search

    samples: list[float] = []
    for text, filters in queries:
        search(text, filters=SearchFilters(**filters), with_facets=with_facets)  # warm
        for _ in range(repeats):
            started = time.perf_counter()
            search(text, filters=SearchFilters(**filters), with_facets=with_facets)
            samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 0.95), 2), "samples": len(samples)}


def worker(count: int, repeats: int, reuse: bool = False) -> dict[str, Any]:
    """Runs inside a process configured for one database (see main)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from gongkai.core.models import SearchDocument
    from gongkai.core.search import indexing
    from gongkai.core.search.backends import backend_name, get_backend
    from gongkai.core.search.registry import all_sources, register_source, unregister_source
    from gongkai.core.search.service import search

    for source in all_sources():
        unregister_source(source.name)
    register_source(BenchSource(count))
    started = time.perf_counter()
    if reuse and SearchDocument.objects.count() == count:
        build_seconds = 0.0  # --reuse: query the index an earlier run built
    else:
        indexing.rebuild()
        build_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE gk_search_chunk")
            cursor.execute("VACUUM ANALYZE core_searchdocument")
            cursor.execute("SELECT pg_total_relation_size('core_searchdocument')")
            table_bytes = cursor.fetchone()[0]
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO gk_search_fts(gk_search_fts) VALUES('optimize')")
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'core_searchdocument%'")
            table_bytes = cursor.fetchone()[0]
    result: dict[str, Any] = {
        "backend": backend_name(), "documents": SearchDocument.objects.count(),
        "build_seconds": round(build_seconds, 1),
        "index_mb": round((get_backend().size_bytes() or 0) / 1048576, 1),
        "documents_table_mb": round((table_bytes or 0) / 1048576, 1),
        "text_mb": round(sum(len((d["title"] + d["summary"] + d["body"]).encode())
                             for d in map(document, range(1, min(count, 2000) + 1)))
                         * count / min(count, 2000) / 1048576, 1),
        "hits": {q: search(q, page_size=1, with_facets=False).total
                 for qs in QUERIES.values() for q in qs},
    }
    for name, texts in QUERIES.items():
        result[f"ranked_top20_{name}"] = time_queries([(t, {}) for t in texts], repeats, False)
    result["ranked_top20_filtered"] = time_queries(FILTERED, repeats, False)
    result["date_sorted_2ch"] = _time_date_sort(QUERIES["2ch"], repeats)
    result["full_page_with_facets_2ch"] = time_queries([(t, {}) for t in QUERIES["2ch"]],
                                                       max(3, repeats // 4), True)
    result["full_page_with_facets_4ch"] = time_queries([(t, {}) for t in QUERIES["4ch"]],
                                                       max(3, repeats // 4), True)
    return result


def _time_date_sort(texts: list[str], repeats: int) -> dict[str, float]:
    from gongkai.core.search.backends.base import Sort
    from gongkai.core.search.service import search

    samples = []
    for text in texts:
        search(text, sort=Sort.NEWEST, with_facets=False)
        for _ in range(repeats):
            started = time.perf_counter()
            search(text, sort=Sort.NEWEST, with_facets=False)
            samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 0.95), 2), "samples": len(samples)}


def database_url(engine: str, count: int, postgres: str, prefix: str,
                 reuse: bool = False) -> str:
    if engine == "sqlite":
        path = RESULTS / f"search-{count}.sqlite3"
        if not reuse:
            for leftover in RESULTS.glob(f"search-{count}.sqlite3*"):
                leftover.unlink()
        return f"sqlite:///{path}"
    name = f"{prefix}_{count}"
    if reuse:
        return f"{postgres}/{name}"
    subprocess.run(["psql", f"{postgres}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name}"],
                   check=True)
    subprocess.run(["psql", f"{postgres}/postgres", "-q", "-c", f"CREATE DATABASE {name}"],
                   check=True)
    return f"{postgres}/{name}"


def run_one(engine: str, count: int, repeats: int, postgres: str,
            prefix: str, reuse: bool = False) -> dict[str, Any]:
    url = database_url(engine, count, postgres, prefix, reuse)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "gongkai.settings",
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
           "DEBUG": "0", "LOG_LEVEL": "WARNING", "GONGKAI_VAR_DIR": str(RESULTS / "var"),
           "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    log(f"{engine} {count}: migrate")
    subprocess.run([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    log(f"{engine} {count}: index and query")
    done = subprocess.run([PYTHON, __file__, "--worker", str(count), "--repeats", str(repeats),
                           *(["--reuse"] if reuse else [])],
                          env=env, check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{engine} {count}: the worker failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["engine"] = engine
    log(f"{engine} {count}: built in {result['build_seconds']} s; "
        f"4ch p95 {result['ranked_top20_4ch']['p95_ms']} ms")
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| engine | docs | build s | index MB | docs table MB | text MB | 2ch med/p95 | "
             "4ch med/p95 | 8ch med/p95 | filtered med/p95 | date-sorted 2ch | page+facets 2ch | "
             "page+facets 4ch |", "|" + "---|" * 13]
    def cell(r: dict[str, Any], key: str) -> str:
        return f"{r[key]['median_ms']} / {r[key]['p95_ms']}"

    for r in results:
        lines.append(
            f"| {r['engine']} | {r['documents']:,} | {r['build_seconds']} | {r['index_mb']} | "
            f"{r['documents_table_mb']} | {r['text_mb']} | {cell(r, 'ranked_top20_2ch')} | "
            f"{cell(r, 'ranked_top20_4ch')} | {cell(r, 'ranked_top20_8ch')} | "
            f"{cell(r, 'ranked_top20_filtered')} | {cell(r, 'date_sorted_2ch')} | "
            f"{cell(r, 'full_page_with_facets_2ch')} | {cell(r, 'full_page_with_facets_4ch')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL, no database")
    parser.add_argument("--db-prefix", default="gongkai_bench_search",
                        help="PostgreSQL database name prefix (the size is appended)")
    parser.add_argument("--reuse", action="store_true",
                        help="query the databases an earlier run built, without rebuilding")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeats, args.reuse), ensure_ascii=False))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = [run_one(engine, int(size), args.repeats, args.postgres, args.db_prefix,
                       args.reuse)
               for size in args.sizes.split(",") for engine in args.engines.split(",")]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"search-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False,
                                                             indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
