"""Personal data in text: find it, and mask it before it is published.

Pure functions of text. The site's normal content is statistics, so the detector is
built to stay quiet on numbers that merely look like personal data: every number must
stand alone (a digit, letter, decimal point, "/" or "-" next to it means it is part of
something longer: a 20-digit code, a 统一社会信用代码, a 索引号 such as
11210300MB1234567X/2022-00001, an amount, a date), ID numbers need a real date of birth
and (18 digits) a valid GB 11643 check digit, bank cards a valid Luhn sum, landlines a
real area-code shape, and names a label in front (姓名：, 申请人： …) and a known
surname. docs/personal-data.md has the measured false-positive rate.

Masking keeps the text's length for numbers (each hidden digit becomes "*", separators
stay) so a masked table still lines up: 2103**********1234, 138****5678.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


class Kind(enum.StrEnum):
    ID_CARD = "id_card"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    NAME = "name"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    Kind.ID_CARD: _("居民身份证号码"),
    Kind.MOBILE: _("手机号码"),
    Kind.LANDLINE: _("固定电话"),
    Kind.BANK_CARD: _("银行卡号"),
    Kind.EMAIL: _("电子邮箱"),
    Kind.NAME: _("姓名"),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int
    value: str
    masked: str

    @property
    def label(self) -> str:
        return self.kind.label


# --- Normalisation -------------------------------------------------------------------------

# Full-width digits, letters and the few symbols numbers and addresses use, mapped one
# character to one character, so offsets in the normalised text are offsets in the original.
_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FULLWIDTH.update({ord("＠"): ord("@"), ord("－"): ord("-"), ord("＋"): ord("+"),
                   ord("．"): ord("."), ord("（"): ord("("), ord("）"): ord(")"),
                   ord("\u3000"): ord(" "), ord("＿"): ord("_"), ord("—"): ord("-"),
                   ord("‐"): ord("-"), ord("‑"): ord("-"), ord("–"): ord("-")})


def _normalise(text: str) -> str:
    return text.translate(_FULLWIDTH)


def digits_of(value: str) -> str:
    return re.sub(r"\D", "", _normalise(value))


def normalise_allowed(value: str) -> str:
    """The form in which allowed numbers and addresses are compared."""
    value = _normalise(value).strip()
    if "@" in value:
        return value.lower()
    digits = digits_of(value)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


# --- Checks --------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of an 18-digit 居民身份证号码."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.datetime.now(tz=dt.UTC).date()


def is_valid_id18(value: str) -> bool:
    value = value.upper()
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", value):
        return False
    if not _valid_date(int(value[6:10]), int(value[10:12]), int(value[12:14])):
        return False
    return id_check_digit(value[:17]) == value[17]


def is_valid_id15(value: str) -> bool:
    # First-generation cards (before 1999): 6-digit area, YYMMDD born in the 1900s, 3 serial.
    if not re.fullmatch(r"[1-9]\d{14}", value):
        return False
    return _valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# --- Patterns ------------------------------------------------------------------------------

# A number stands alone: no digit or letter touches it, and it is not one part of a dotted,
# slashed or hyphenated whole (an amount, a 索引号, a date, a range).
_BEFORE = r"(?<![0-9A-Za-z_./\-])"
_AFTER = r"(?![0-9A-Za-z_])(?![./\-][0-9A-Za-z])"

_ID18_RE = re.compile(_BEFORE + r"[1-9]\d{16}[\dXx]" + _AFTER)
_ID15_RE = re.compile(_BEFORE + r"[1-9]\d{14}" + _AFTER)
_MOBILE_RE = re.compile(
    _BEFORE + r"(?P<cc>(?:\+|00)?86[ \-]?)?"
    r"(?P<num>1[3-9]\d(?:\d{8}|-\d{4}-\d{4}| \d{4} \d{4}))" + _AFTER
)
# Area codes: 010 and 02x have three digits and 8-digit numbers; the rest have four.
_LANDLINE_RE = re.compile(
    _BEFORE
    + r"(?P<area>\(?(?:0(?:10|2\d)|0[3-9]\d{2})\)?)(?P<sep>[ \-]?)"
    r"(?P<local>[2-9]\d{6,7})"
    r"(?P<ext>(?:转|-|分机|ext\.?\s?)\d{1,5})?" + _AFTER
)
# A local number without its area code only counts after a telephone label.
_LOCAL_PHONE_RE = re.compile(
    r"(?:电话|座机|联系方式|联系电话|Tel|TEL|tel)\s*[:：]?\s*"
    + _BEFORE + r"(?P<local>[2-9]\d{6,7})" + _AFTER
)
_CARD_RE = re.compile(
    _BEFORE + r"(?:[3-69]\d{15,18}|[3-69]\d{3}(?: \d{4}){3}(?: \d{1,3})?"
    r"|[3-69]\d{3}(?:-\d{4}){3}(?:-\d{1,3})?)" + _AFTER
)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9\-])"
)
# Codes an ID-shaped number may really be, named just before it.
_CODE_LABEL_RE = re.compile(
    r"(信用代码|机构代码|索引号|纳税人识别号|税号|编码|编号|代码)\s*[:：]?\s*$"
)

# --- Names ---------------------------------------------------------------------------------

NAME_LABELS = ("姓名", "申请人", "被申请人", "联系人", "举报人", "被举报人", "投诉人",
               "被投诉人", "当事人", "经办人", "法定代表人", "委托代理人", "代理人",
               "收件人", "户主", "患者")
_COMPOUND = ("欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒令狐夏侯端木轩辕独孤"
             "南宫西门百里呼延钟离宗政濮阳淳于单于太叔申屠闻人赫连澹台公冶万俟完颜东郭拓跋第五")
COMPOUND_SURNAMES = frozenset(_COMPOUND[i:i + 2] for i in range(0, len(_COMPOUND), 2))
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼"
    "盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云"
    "容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉"
    "银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
# Organisations and already-anonymised names (张某, 李某某) are not personal names.
_NOT_NAME_CHARS = frozenset("某局委厅部办院所站队处科室会社司厂校*＊×")
_NOT_NAME_WORDS = ("中心", "政府", "公司", "单位", "人民", "本人", "本单位", "集团", "银行")
_TITLES = frozenset({"老师", "先生", "女士", "同志", "经理", "主任", "科长", "局长", "处长",
                     "师傅", "小姐"})
_NAME_FOLLOWERS = ("于", "向", "提出", "称", "反映", "申请", "等", "同志", "先生", "女士",
                   "因", "对", "在", "就", "通过", "的", "于20")
_NAME_RE = re.compile(
    r"(?:" + "|".join(sorted(NAME_LABELS, key=len, reverse=True)) + r")"
    r"(?:（[^）]{1,6}）)?\s*[:：]\s*(?P<run>[\u4e00-\u9fff·]+)"
)


def _split_name(run: str) -> str | None:
    """The personal name at the start of ``run`` (the Han characters after a label)."""
    # A name followed by a verb or particle ("张三于…", "李四提出…") ends before it.
    candidates = [run[:n] for n in (2, 3, 4) if run[n:].startswith(_NAME_FOLLOWERS)]
    if not candidates and len(run) <= 4:
        candidates = [run]
    for name in candidates:
        surname_len = 2 if name[:2] in COMPOUND_SURNAMES else 1
        if name[:surname_len] not in SURNAMES | COMPOUND_SURNAMES:
            continue
        given = name[surname_len:]
        if not 1 <= len(given) <= 2 or "·" in name:
            continue
        if _NOT_NAME_CHARS & set(name) or given in _TITLES:
            continue
        if any(word in name for word in _NOT_NAME_WORDS):
            continue
        return name
    return None


# --- Masking -------------------------------------------------------------------------------


def _mask_digits(value: str, keep_first: int, keep_last: int, *, check_x: bool = False) -> str:
    """Replace every digit but the first ``keep_first`` and last ``keep_last`` with *.

    ``check_x``: the value may end in the ID check character X, which counts as a digit.
    """
    positions = [i for i, c in enumerate(value)
                 if c.isdigit() or (check_x and c in "Xx" and i == len(value) - 1)]
    hidden = set(positions[keep_first:len(positions) - keep_last if keep_last else None])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_value(kind: Kind, value: str) -> str:
    """The safe rendering of one found value."""
    if kind == Kind.ID_CARD or kind == Kind.BANK_CARD:
        return _mask_digits(value, 4, 4, check_x=kind == Kind.ID_CARD)
    if kind == Kind.MOBILE:
        norm = _normalise(value)
        match = re.search(r"1[3-9]\d", norm)
        head = match.start() if match else 0
        return value[:head] + _mask_digits(value[head:], 3, 4)
    if kind == Kind.LANDLINE:
        match = _LANDLINE_RE.fullmatch(_normalise(value))
        if match is None:  # a local number found after a label
            return _mask_digits(value, 0, 2)
        # Keep the area code (it only names a city) and the last two digits.
        local_start, local_end = match.span("local")
        return (value[:local_start] + _mask_digits(value[local_start:local_end], 0, 2)
                + _mask_digits(value[local_end:], 0, 0))
    if kind == Kind.EMAIL:
        local, _sep, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    # A name: keep the surname.
    surname_len = 2 if value[:2] in COMPOUND_SURNAMES else 1
    return value[:surname_len] + "*" * (len(value) - surname_len)


# --- Detection -----------------------------------------------------------------------------


def _is_allowed(kind: Kind, value: str, allowed: set[str]) -> bool:
    if not allowed:
        return False
    norm = normalise_allowed(value)
    if norm in allowed:
        return True
    if kind == Kind.LANDLINE:
        match = _LANDLINE_RE.fullmatch(_normalise(value))
        if match is not None:
            base = digits_of(match.group("area")) + match.group("local")
            return base in allowed or match.group("local") in allowed
        return any(entry.endswith(norm) and len(entry) - len(norm) in (3, 4)
                   for entry in allowed)
    return False


def _follows_code_label(text: str, start: int) -> bool:
    return bool(_CODE_LABEL_RE.search(text[max(0, start - 14):start]))


def _in_number_row(text: str, start: int, end: int) -> bool:
    """A space-separated match inside a row of space-separated numbers is a table row
    (pdftotext output: "135 2000 1234 …"), not a telephone or card number."""
    if " " not in text[start:end]:
        return False
    return bool(re.search(r"\d\s+$", text[max(0, start - 8):start])
                or re.match(r"\s+\d", text[end:end + 8]))


Detected = tuple[Kind, int, int]


def _ids(norm: str) -> Iterable[Detected]:
    for m in _ID18_RE.finditer(norm):
        if is_valid_id18(m.group()) and not _follows_code_label(norm, m.start()):
            yield Kind.ID_CARD, m.start(), m.end()
    for m in _ID15_RE.finditer(norm):
        if is_valid_id15(m.group()) and not _follows_code_label(norm, m.start()):
            yield Kind.ID_CARD, m.start(), m.end()


def _cards(norm: str) -> Iterable[Detected]:
    for m in _CARD_RE.finditer(norm):
        digits = digits_of(m.group())
        if (16 <= len(digits) <= 19 and luhn_ok(digits)
                and not _follows_code_label(norm, m.start())
                and not _in_number_row(norm, m.start(), m.end())):
            yield Kind.BANK_CARD, m.start(), m.end()


# A landline is an office's, not a person's, when a public-service label names it
# ("咨询电话：") or when the sentence is about a named unit ("统计执法监督科：负责…。电话：").
_SERVICE_LINE_RE = re.compile(
    r"(办公电话|值班电话|咨询电话|监督电话|投诉电话|举报电话|服务电话|服务热线|热线电话|热线|"
    r"受理电话|办事电话|传真|总机)[)）]?\s*[:：]?\s*[(（]?$"
)
_UNIT_SENTENCE_RE = re.compile(
    r"^\s*[\u4e00-\u9fff（）()]{1,30}?(科|室|处|局|中心|大队|中队|所|站|办|委员会|股|部|院|厅|"
    r"组|馆|窗口)\s*[:：]"
)
_SENTENCE_START_RE = re.compile(r"[。；;！？!?\n]")


def _office_number(text: str, start: int) -> bool:
    if _SERVICE_LINE_RE.search(text[max(0, start - 12):start]):
        return True
    before = text[max(0, start - 200):start]
    boundaries = [m.end() for m in _SENTENCE_START_RE.finditer(before)]
    # The unit is named at the start of this sentence or the one before ("科：职责。电话：").
    for cut in boundaries[-2:][::-1] or [0]:
        if _UNIT_SENTENCE_RE.match(before[cut:]):
            return True
    return bool(len(boundaries) < 2 and _UNIT_SENTENCE_RE.match(before))


def _phones(norm: str) -> Iterable[Detected]:
    for m in _MOBILE_RE.finditer(norm):
        if not _in_number_row(norm, m.start(), m.end()):
            yield Kind.MOBILE, m.start(), m.end()
    for m in _LANDLINE_RE.finditer(norm):
        balanced = m.group("area").startswith("(") == m.group("area").endswith(")")
        if (balanced and not _in_number_row(norm, m.start(), m.end())
                and not _office_number(norm, m.start())):
            yield Kind.LANDLINE, m.start(), m.end()
    for m in _LOCAL_PHONE_RE.finditer(norm):
        if not _office_number(norm, m.start("local")):
            yield Kind.LANDLINE, m.start("local"), m.end("local")


def _emails_and_names(norm: str) -> Iterable[Detected]:
    for m in _EMAIL_RE.finditer(norm):
        yield Kind.EMAIL, m.start(), m.end()
    for m in _NAME_RE.finditer(norm):
        name = _split_name(m.group("run"))
        if name is not None:
            yield Kind.NAME, m.start("run"), m.start("run") + len(name)


def _candidates(text: str) -> list[Finding]:
    norm = _normalise(text)
    found: list[Finding] = []
    for detector in (_ids, _cards, _phones, _emails_and_names):
        for kind, start, end in detector(norm):
            value = text[start:end]
            found.append(Finding(kind, start, end, value, mask_value(kind, value)))
    return found


# When two candidates overlap, the more specific wins: an ID number over a bank card
# (an 18-digit ID can pass Luhn), a longer match over a shorter one.
_PRIORITY = {Kind.ID_CARD: 0, Kind.EMAIL: 1, Kind.BANK_CARD: 2, Kind.MOBILE: 3,
             Kind.LANDLINE: 4, Kind.NAME: 5}


def find_personal_data(text: str, *, allowed: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, without overlaps.

    ``allowed`` holds numbers and addresses that are public on purpose (an agency's own
    telephone numbers and e-mail), in any format; they are never reported.
    """
    if not text:
        return []
    allowed_set = {normalise_allowed(a) for a in allowed if a and a.strip()}
    allowed_set.discard("")
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted(_candidates(text),
                          key=lambda f: (_PRIORITY[f.kind], -(f.end - f.start), f.start)):
        if any(finding.start < end and start < finding.end for start, end in taken):
            continue
        taken.append((finding.start, finding.end))
        if not _is_allowed(finding.kind, finding.value, allowed_set):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def mask(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding replaced by its masked value."""
    out: list[str] = []
    pos = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < pos:
            continue
        out.append(text[pos:finding.start])
        out.append(finding.masked)
        pos = finding.end
    out.append(text[pos:])
    return "".join(out)


def mask_personal_data(text: str, *, allowed: Iterable[str] = ()) -> str:
    return mask(text, find_personal_data(text, allowed=allowed))


# --- An agency's public contacts -----------------------------------------------------------

AGENCY_CONTACT_FIELDS = ("office_phone", "office_fax", "consultation_phone",
                         "supervision_phone", "office_email", "contact")
_CONTACT_TOKEN_RE = re.compile(
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+|(?:\+?86-?)?\(?\d[\d()\-]{4,}\d(?:转\d+)?"
)


def allowed_for_agency(agency: Any) -> set[str]:
    """The agency's own published numbers and e-mail, normalised (digits, lower-case mail).

    Each number is listed with and without its area code, so "0412-2220000" in the
    settings also allows "2220000" in a text.
    """
    allowed: set[str] = set()
    for field in AGENCY_CONTACT_FIELDS:
        raw = _normalise(str(getattr(agency, field, "") or ""))
        for token in _CONTACT_TOKEN_RE.findall(raw):
            token = token.split("转")[0]
            allowed.add(normalise_allowed(token))
            match = _LANDLINE_RE.fullmatch(token.strip())
            if match is not None:
                allowed.add(match.group("local"))
                allowed.add(digits_of(match.group("area")) + match.group("local"))
    allowed.discard("")
    return allowed
