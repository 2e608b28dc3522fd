"""The restorer of damaged legacy text (gongkai/core/text/restore.py, docs/legacy-import.md)."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from gongkai.core.text.convert import to_simplified, to_traditional
from gongkai.core.text.restore import restore, restore_punctuation

SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "000_49653b5ed2e607b9.txt"

# The reference's restored first line (reference/chinese-text.md §2.2).
SEED_FIRST_LINE = (
    "2022年我局按照市委、市政府政务公开有关要求，不断拓展公开内容，创新公开形式，提高政务公开"
    "工作效率，根据鞍山市人民政府办公厅《关于组织开展全市第十六届“5·15政务公开日”活动的通知》"
    "文件要求，市统计局高度重视，紧紧围绕活动目标任务，认真落实集中宣传活动。"
    "现将活动开展情况汇报如下。"
)

# Ambiguous characters for t2s and for the 著 fix (the reference's stress paragraph).
STRESS = (
    "随着经济发展，我们着力推进乾隆年间著名建筑的保护。他的头发白了，皇后坐在茶几旁。"
    "干部只有三人，于是余下的工作由范先生负责。钟表厂在沈阳，台风过后进行复核。"
    "历史资料征求意见，避免冲突。云南的面粉厂后来检测二噁英，结果显著下降。"
    "他看着窗外，穿着大衣，著作等身。"
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_it_restores_the_seed_as_measured(seed_text):
    result = restore(seed_text)
    report = result.report
    assert report.family == "A" and report.damaged
    assert (report.annotations_found, report.annotations_stripped, report.annotations_kept) == (
        207, 207, 0)
    assert report.traditional_left == 0
    assert to_simplified(result.text) == result.text
    assert result.text.splitlines()[0] == SEED_FIRST_LINE
    assert "(" not in result.text and "各县（市）区" in result.text
    assert "1.加强学习培训宣传" in result.text  # list numbers keep their ASCII full stop
    assert 0 < report.damage_score <= 1 and report.possible_mojibake == []


def test_its_report_is_json_serialisable(seed_text):
    data = json.loads(json.dumps(restore(seed_text).report.as_dict(), ensure_ascii=False))
    assert data["family"] == "A" and data["annotations_stripped"] == 207
    assert isinstance(data["possible_mojibake"], list) and isinstance(data["notes"], list)


@pytest.mark.parametrize(("given", "expected"), [
    # Teaching text: pinyin on characters of both scripts stays.
    ("多音字举例：行(háng)业、行(xíng)走；统(tǒng)计(jì)；务(wù)必。",
     "多音字举例：行(háng)业、行(xíng)走；统(tǒng)计(jì)；务(wù)必。"),
    # A traditional dictionary line: converted, its annotations kept.
    ("務(wù)，趣也。行(xíng)…公(gōng)", "务(wù)，趣也。行(xíng)…公(gōng)"),
    # Brackets that are not pinyin, in simplified text: untouched, ASCII brackets included.
    ("会议室(301)、附件(一)、各县(市)区", "会议室(301)、附件(一)、各县(市)区"),
    # A single annotation is not a pattern.
    ("政務(wù)公開", "政务(wù)公开"),
])
def test_it_keeps_genuine_pinyin_in_brackets(given, expected):
    result = restore(given)
    assert result.text == expected
    assert result.report.annotations_stripped == 0 and not result.report.damaged


@pytest.mark.parametrize("clean", [
    "2022年我局按照市委、市政府政务公开有关要求，不断拓展公开内容。",
    "於梨华是著名作家，来自乾县；陈乾在长治和单县工作。",
    "获益甚夥，藉口不再。他看着窗外，著作等身。",
    "数据：1,000万元；增长3.5%。(一)总体情况: ok",
    "二噁英检测结果显著下降。",
    "Ａ股市场（全角字母）与半角混排，NFKC 不得改变它。",
    "",
])
def test_it_returns_clean_simplified_text_byte_identical(clean):
    result = restore(clean)
    assert result.text == clean
    assert not result.report.changed and result.report.damage_score == 0


def test_it_restores_family_b():
    damaged = ("各省、自治區、直轄市人民政府辦公廳(室(shi)),"
               "國務院各部委、各直屬機構辦公廳(室(shi)):修(xiu)訂後的《中華人民共和國政府信息公開條例》,文(wen)章(zhang)公(gong)(gong)"
               "開(kai)(kai)。")
    result = restore(damaged)
    assert result.report.family == "B"
    assert result.report.annotations_stripped == 7
    assert result.text == ("各省、自治区、直辖市人民政府办公厅（室），"
                           "国务院各部委、各直属机构办公厅（室）：修订后的《中华人民共和国政府信息公开条例》，文章公开。")


def test_it_needs_five_toneless_runs_for_family_b():
    result = restore("政府辦公廳,文(wen)章(zhang)開(kai)。")
    assert result.report.family is None and "(wen)" in result.text


@pytest.mark.parametrize(("damaged", "expected"), [
    ("隨著(zhe)經濟發(fā)展,我們(men)著(zhe)力推進", "随着经济发展，我们着力推进"),
    ("著(zhù)名學(xué)者的著(zhù)作,效果顯著(zhù)", "著名学者的著作，效果显著"),
    ("看著電(diàn)視,穿著大衣,著手準備(bèi)", "看着电视，穿着大衣，着手准备"),
    ("土著居民與(yǔ)原著小說(shuō)", "土著居民与原著小说"),
])
def test_it_fixes_zhe_except_in_zhu_words(damaged, expected):
    assert restore(damaged).text == expected


def test_it_keeps_the_bmp_form_where_t2s_emits_a_rare_one():
    result = restore("檢測(cè)二噁英,結(jié)果顯著下降。")
    assert result.text == "检测二噁英，结果显著下降。"
    assert result.report.bmp_forms_kept == 1 and result.report.traditional_left == 0


def test_it_flags_possible_mojibake_without_guessing():
    damaged = "保持一致?;谄髽I(yè)的數(shù)據(jù)質(zhì)量,統(tǒng)計(jì)工作。"
    result = restore(damaged)
    assert result.report.damaged
    [flag] = result.report.possible_mojibake
    assert damaged[flag.offset] == "?" and "谄" in flag.snippet
    assert "谄" in result.text


@pytest.mark.parametrize(("given", "expected"), [
    ("统计,公开", "统计，公开"),
    ("数量:100", "数量：100"),
    ("是吗?是!", "是吗？是！"),
    ("1,000元", "1,000元"),
    ("1.加强学习", "1.加强学习"),
    ("各县(市)区", "各县（市）区"),
    ("文件(2022)", "文件(2022)"),
    ("ratio 1:2, ok", "ratio 1:2, ok"),
])
def test_it_restores_full_width_punctuation_in_chinese_context_only(given, expected):
    assert restore_punctuation(given)[0] == expected


def test_it_accepts_full_width_brackets_around_the_pinyin():
    result = restore("政務（wù）公開有關（guān）要求")
    assert result.text == "政务公开有关要求" and result.report.annotations_stripped == 2


def _simulate_damage(clean: str, rng: random.Random) -> str:
    """What the spam tool does: character-level s2t (着 → 著), context-free readings on half
    of the converted character types, NFKC-folded commas."""
    converted = {ch: "著" if ch == "着" else to_traditional(ch) for ch in set(clean)}
    types = sorted(ch for ch, trad in converted.items() if trad != ch)
    annotated = set(rng.sample(types, len(types) // 2))
    out = []
    for ch in clean:
        out.append(converted[ch])
        if ch in annotated:
            out.append(f"({pinyin(converted[ch], style=Style.TONE)[0][0]})")
    return unicodedata.normalize("NFC", "".join(out)).replace("，", ",").replace("；", ";")


def test_it_restores_simulated_damage_with_at_least_99_percent_accuracy(seed_text):
    clean = restore(seed_text).text + "\n" + STRESS
    right = total = 0
    for trial in range(10):
        restored = restore(_simulate_damage(clean, random.Random(trial))).text
        assert len(restored) == len(clean)
        right += sum(a == b for a, b in zip(restored, clean, strict=True))
        total += len(clean)
    assert right / total >= 0.99


def test_it_does_not_damage_its_own_output(seed_text):
    once = restore(seed_text).text
    assert restore(once).text == once
