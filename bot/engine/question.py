"""Recognise what a normalised question asks: indicator numbers, fields, list filters. Pure.

Each recogniser returns what it found and the text with the found words blanked
out, so what is left is the subject of the question.
"""

import functools
import re
from dataclasses import dataclass, field

from bot.engine.answer import Field
from bot.i18n import Msg

# 8.7.1, 1.a.2, 1a2, 指標 4.4.3, 10.6.4; a digit middle needs the dots (so 2025 is no id).
_ID = re.compile(
    r"(?<![\d.\-])(\d{1,2})\s*([.．\-])\s*(\d)\s*\2\s*(\d{1,2})(?![\d.\-])"
    r"|(?<![\d.a-z])(\d{1,2})\s*[.．\-]?\s*([a-z])\s*[.．\-]?\s*(\d)(?![\d.a-z])"
)
_ID_WORD = re.compile(r"指標|indicator|no\.?")

# Field words, most specific first; "核心目標" names a goal, not the target field.
FIELD_WORDS: list[tuple[Field, str]] = [
    (  # a share of the target (「目標是幾%」 asks the target itself)
        Field.RATIO,
        r"達成率|達成比率|達成度|目標值?\s*(?:多|少|高|低|超過|超出|差)了?\s*(?:幾成|幾\s*%|幾趴"
        r"|百分之幾|多少\s*%|多少百分比|幾倍)|(?:超過|超出|高於|低於|多於|少於|達到|達成|是)了?\s*"
        r"(?:2024\s*年?的?)?目標值?的?\s*(?:幾成|幾\s*%|幾趴|百分之幾|多少\s*%|多少百分比|幾倍)"
        r"|percent(?:age)?\s+(?:of|above|over|below|under|beyond)\s+(?:the\s+|its\s+)?target",
    ),
    (
        Field.STATUS,
        r"有沒有達成|是否達成|達成|達標|達到|未達|沒達|\bmet\b|achieved?|on track",
    ),
    (Field.TARGET, r"目標值|(?<!核心)目標(?!\s*\d)|預定|target"),
    (  # against 2021, before 2021 is read as the baseline asked: "how many more … than in 2021"
        Field.TREND,
        r"\bthan (?:in |it was in |that of )?2021\b|compared (?:with|to) (?:in )?2021\b",
    ),
    (Field.BASELINE, r"2021\s*年?|基準值?|基期|基線|起始值|baseline"),
    (Field.ACTUAL, r"實際值?|實績|2024\s*年?|\bactual(?:ly)?\b"),
    (
        Field.LATEST,
        r"最新|2025\s*年?|目前|現在|最近|今年|latest|current(?:ly)?|recent(?:ly)?|\bnow\b",
    ),
    (
        Field.UNIT,
        r"負責單位|負責|主責|主辦|承辦|哪個單位|哪個機關|哪個司|哪個署|在管|誰|responsible|\bwho\b|agency",
    ),
    (
        Field.TREND,
        r"變好|變差|變壞|進步|退步|改善|惡化|好轉|趨勢|走勢|(?:跟|和|與)去年比|比去年|跟以前比"
        r"|比以前|有沒有變|\btrend\b|improv\w*|\bbetter\b|\bworse\b|\bprogress\b",
    ),
    (
        Field.NOTE,
        r"計算說明|計算方式|怎麼算|如何計算|(?<!累)計算|算法|區間|定義|從哪一?年|哪一?年開始|以哪一?年"
        r"|基礎值|基數|當年度|單年|definition|calculat\w*|defined|base (?:number|value|figure)"
        r"|\bmeasured?\b|\bcount(?:ed|ing)\b",
    ),
]
_FIELD_PATTERNS = [(name, re.compile(pattern)) for name, pattern in FIELD_WORDS]
_STAKEHOLDERS = re.compile(r"利害關係人|利益相關者|利害相關者|利益關係人|關係人|stakeholders?")
_WHO = re.compile(r"還有誰|有誰|是誰|哪些人")  # (an English "who" stays: it also asks the unit)
_COMPONENTS = r"就業率|訓後就業率|推介就業率|employment rate"
_COMPONENT = re.compile(_COMPONENTS)
_EMPLOYED_SHARE = re.compile(r"就業\S{0,2}?(?:比率|百分比)")  # 就業的比率: the 就業率 part

# 2025 年 1 月至 8 月, 今年 1 到 8 月, 截至 2025 年 7 月底: the latest period.
_LATEST_PERIOD = re.compile(
    r"(?:截至|至)?\s*(?:(?:2025|今)\s*年?\s*)?\d{1,2}\s*月?\s*(?:至|到|-|~|－)\s*\d{1,2}\s*月底?"
    r"|(?:截至|至|到)\s*(?:2025\s*年\s*)?\d{1,2}\s*月底?"
)
# 2017 年起, 2021 年以後, 2021 到 2024 年, 2017 年累計到 2024 年, 2017 年到現在: a counting
# window; its first year says which count.
_WINDOW = re.compile(
    r"(20[12]\d)\s*年?\s*(?:累計|累積)?\s*(?:到|至|-|~|－)\s*(?:20[12]\d\s*年?|現在|今天|今|目前)"
    r"|(20[12]\d)\s*年?\s*(?:起|以來|以後|之後|開始|迄今|累計)"
)
# 到 2021 年累計, 2021 年累計到: a count up to that year (its figure), not a window from it
# (「2021 到 2024 年累計」 is one).
_UNTIL = re.compile(
    r"(?<![\d年\s])(?:到|至|截至)\s*(20[12]\d)\s*年?\s*(?:累計|累積)"
    r"|(20[12]\d)\s*年?\s*(?:累計|累積)\s*(?:到|至)(?!\s*(?:20[12]\d|現在|今|目前))"
)
_CHINESE_DIGITS = dict(zip("一二三四五六七八九", range(1, 10), strict=True))


def _goal_number(text: str) -> int:
    """「8」, 「十」, 「十三」, 「13」 → the number."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CHINESE_DIGITS[text]
    tens, _, ones = text.partition("十")
    return 10 * (_CHINESE_DIGITS.get(tens, 1)) + _CHINESE_DIGITS.get(ones, 0)


_WHICH_INDICATORS = re.compile(
    r"which (?:of (?:the|its|these) )?(?:\d+ )?(?:(?:mol|ministry|ministry's|sdg|t-sdgs?) )?"
    r"indicators"
)
_LIST = re.compile(
    r"哪些|哪幾|哪[兩二三四五六七八九十]+[個項大種]|那些|列表|清單|列出|所有|全部|一覽|總覽"
    rf"|\blist\b|\ball\b|{_WHICH_INDICATORS.pattern}"
)
_UNMET = re.compile(
    r"未達成|沒有?達成|未達標|沒有?達標|未達到|沒有?達到|沒過|未達|不及格"
    r"|unmet|not met|missed|failed|fell short|short of"
)
_MET = re.compile(r"達成|達標|達到目標|\bmet\b|achieved|\bhit\b|reached")
_GOAL = re.compile(
    r"(?:核心目標|目標|goal|sdg)\s*(\d{1,2}|十[一二三四五六七八]?|[一二三四五六七八九])"
    r"(?!\d|\s*[.．]\d|\s*%|\s*[項個])"
    r"|第\s*(\d{1,2}|十[一二三四五六七八]?|[一二三四五六七八九])\s*[項個]?\s*核心目標"
)
_INDICATOR_WORD = re.compile(r"對應指標|指標|indicators?")
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
# 8.7.1.1, 1.a.2.3: shaped like an indicator number with a part too many
_LONG_ID = re.compile(r"(?<![\d.])\d{1,2}(?:\s*[.．]\s*[0-9a-z]{1,2}){3,}(?![\d.])")
# A count asked in a measure: 多少場次, 幾件, how many sessions
_MEASURE = re.compile(r"(?:多少|幾)\s*(場次|人次|場|件|名|家|班|個百分點)")
_MEASURE_EN = {"sessions": "場次", "cases": "件", "person-times": "人次", "classes": "班"}
# A change asked in per cent (「比 2021 年多了百分之多少」, "by what percentage did … grow"):
# counted in %, as the report prints it (較 2021 年成長 25.7%)
_PERCENT_CHANGE = re.compile(
    r"(?:多|增加|成長|減少|少|下降|降|提高|提升|上升)了?\s*(?:百分之(?:多少|幾)|多少\s*%|幾\s*%|幾趴|幾成)"
    r"|(?:by )?what (?:percent(?:age)?|%)\b.{0,40}\b(?:grow|grew|rise|rose|increase|fall|fell|drop)"
    r"|percentage (?:increase|growth|decrease|drop|rise|change)|grew by how much"
)
# The latest figure, asked in so many words (「最近 3 年」 is a span, not the latest).
_LATEST = re.compile(r"2025|最新|今年|目前|現在|latest|current|\bnow\b|this year")
_HEADCOUNT = re.compile(
    r"人數|幾個?人|多少人|幾位|幾名|how many (?:people|persons|workers|deaths|died|were killed)"
    r"|number of (?:people|persons|workers|deaths)"
)
# The whole of a year asked (2025 全年): the report prints 2025 only up to a month
_FULL_YEAR = re.compile(
    r"全年|整年|whole (?:of )?(?:the )?(?:year|2025)|full[- ]year|entire year|all of 2025"
)
_RATE = re.compile(r"千人率|比率|比例|率|\brate\b|per (?:1,?000|thousand)")
_COUNT = re.compile(r"(?<![哪那])幾[項個]|多少項|多少個|how many|number of")
# What kind of answer is asked: a number (多少, 幾, how many, 比例) or words (怎麼, 為什麼,
# 哪些方式, what measures); both cues are features every candidate type is scored on.
_FIGURE = re.compile(
    r"多少|幾[^乎]|百分|比例|比率|成長|增加|減少|降了|數字|數值|人數|件數|場次|人次"
    r"|how (?:many|much)|what (?:is|was|were) the (?:number|rate|figure|share)|percent|\brate\b"
)
_DESCRIBE = re.compile(
    r"怎麼|怎樣|如何|為什麼|為何|原因|什麼(?!時候)|哪些(?!指標)|方式|方法|管道|做法|措施|內容|重點"
    r"|策略|挑戰|困難|\bhow\b(?! (?:many|much))|\bwhy\b|\bwhat (?!is the (?:number|rate))"
    r"|\bwhich (?!indicators?)|measures|ways?\b|channels?|steps"
)

# The question asks what comes next (之後會…, 未來, plans): the report says that under its
# review-and-future-focus sections and its closing chapter (a feature of quotes from them).
_FUTURE = re.compile(
    r"未來|之後|以後|將來|今後|接下來|下一步|打算|展望|\bfuture\b|\bplans?\b|\bplanned\b"
    r"|\bwill\b|going to|next steps?|upcoming|\bintends?\b"
)

# The question asks when (幾年幾月, 何時, when): candidates printing a date get a feature.
_WHEN = re.compile(
    r"幾年幾月|哪一?年|幾月|哪一?天|幾號|何時|什麼時候|甚麼時候|啥時"
    r"|^when\b|\bwhen (?:did|was|were|is|are|will|does|do|has|have|can|could|should)\b"
    r"|what (?:year|date|month|day)|which year|since when"  # (not 「when working with …」)
)

# The day asked, not only the year (「幾月幾號發布」, "on what date"): text printing only a
# year does not answer it.
_DAY = re.compile(
    r"幾月幾[號日]|哪一?天|幾號|什麼日期|哪個日期|確切日期|\bon what date\b|\bwhat date\b"
    r"|\bwhich day\b|\bexact date\b"
)

# Why (為什麼沒達標): an indicator's text on its challenges answers, where it has one.
_WHY = re.compile(r"為什麼|為何|原因|怎麼會|\bwhy\b|\breasons?\b|\bcauses?\b")

# A kind of value the question asks for, and how the report prints one: an age
# (65 歲), an amount of money (the report prints none), a phone number (none either).
_OFFICE_WORDS = "分署|中心|據點|辦公室|機構|服務站|工作站|服務處|分部|訓練場"  # (「幾個分署」)
_OFFICES = f"(?:{_OFFICE_WORDS})"
VALUES: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "claim_age": (  # the age to claim a pension or retire: the report prints none (its 65 歲
        # is who must be insured)
        re.compile(
            r"幾歲\S{0,6}(?:領|請領|退休)|(?:請領|退休|領取?)\S{0,2}年齡"
            r"|retire(?:ment)? (?:age|年齡)|(?:\bage\b|年齡).{0,30}\b(?:claim|receive|collect|draw)"
            r"|at what (?:age|年齡).{0,40}\b(?:claim|receive|collect|draw|retire|start)"
        ),
        re.compile(r"\d\s*歲\S{0,6}(?:請領|領取|退休)"),
    ),
    "age": (
        re.compile(r"幾歲|多少歲|歲數|年齡|年紀|\bage\b|how old"),
        re.compile(r"\d\s*歲"),
    ),
    "money": (
        re.compile(
            r"多少錢|金額|經費|預算|平均.{0,3}月領|月領多少|[每一]個?月.{0,4}領多少|領多少錢|花[了費]?多少|多少元|幾元"
            r"|(?:可以|能|最多)\S{0,3}(?:借|貸)多少|貸款額度|計算公式"
            r"|(?:給付|年金|津貼)(?:的|要)?(?:怎麼|如何)(?:算|計算)|(?:給付|年金|津貼)的?計算方式"
            r"|(?:補助|補貼|津貼|學費|罰款|罰鍰)\S{0,2}(?:多少|幾元)|(?:補|付|繳|罰)多少錢?"
            r"|領多少(?![人位名])|(?:補償|賠償)(?:金)?\S{0,2}多少|補助幾成"
            r"|how much money|amount of money|\bamount (?:paid|spent|lent)|\bspen[dt]\b"
            r"|\b(?:amount|total) of (?:the )?fines\b|\bpremium|\blevy\b|maximum amount"
            r"|\b(?:can|could|may|to) borrow\b|\bborrow (?:up to|at most)\b|maximum loan"
            r"|return rate|rate of return"
            r"|how much (?:does|do|will|would|can)\b.{0,40}\b(?:pay|cost|earn)"
            r"|\bfines\b.{0,40}\b(?:add up|in total|totall?ed)\b"
            r"|罰(?:鍰|款|金)?(?:總額|金額)"
            r"|how much (?:subsid|allowance|funding|of a subsid|is the (?:subsid|allowance|fine))"
            r"|average (?:monthly )?(?:pension|payment|benefit)|\bcosts?\b|budget|dollars|nt\$"
        ),
        re.compile(r"\d\s*(?:億|萬|千)?元|新臺幣"),
    ),
    "procedure": (  # how to apply or sign up, who may: the report describes neither
        re.compile(
            r"(?:怎麼|如何|怎樣|要怎麼|去哪裡?|在哪裡?)\s*(?:申請|報名|登記)|(?:申請|報名)(?:方式|流程|管道|手續)"
            r"|(?:申請|請領|參加|報名)\S{0,2}(?:資格|條件)|資格\S{0,3}(?:怎麼|如何)\S{0,2}(?:認定|審核)"
            r"|認定標準|(?:需要|要|有)什麼(?:條件|資格)|什麼人(?:可以|能)(?:申請|參加|請領)"
            r"|(?:哪個|哪一個|什麼)\s*(?:網站|網頁|平[臺台]|窗口|地方)\s*(?:申請|報名|登記)"
            r"|什麼時候(?:開始)?報名|報名(?:時間|日期|期限)"
            r"|how (?:do|can|should) (?:i|we|you) (?:apply|register|sign up|enrol)"
            r"|how to (?:apply|register|sign up|enrol)|eligib\w*|who (?:can|may) apply"
        ),
        re.compile(r"申請方式|申請流程|報名方式|申請資格|請領資格|資格條件|認定標準|洽詢專線"),
    ),
    "phone": (
        re.compile(r"電話|專線|熱線|hotline|phone"),
        re.compile(r"電話|專線|熱線|\d{4}-\d{3}"),
    ),
    "duration": (  # how long something lasts: hours, weeks, months (a year is 2024, not this)
        re.compile(
            r"幾個?小時|多少(?:個)?小時|(?<![哪那])幾個?[週周]|幾個?禮拜|幾個?星期|(?<![哪那])幾天|多少天"
            r"|(?<![哪那])幾個月|多少個月|多久(?!\S{0,3}一次)"  # (多久開一次: how often)
            r"|(?:補|補貼|補助|領|上|要|需要|花|持續)\S{0,2}幾年"
            r"|how long\b|how many (?:hours|weeks|days|months)\b"
        ),
        re.compile(r"(?<![\d.])\d{1,3}\s*(?:個?小時|[週周]|個月|天)(?![\d\s]*[月日])"),
    ),
    "person": (  # who holds an office the report never names (it names the minister only)
        re.compile(
            r"署長|次長|局長|司長|處長|主任委員|主委|召集人|講師|(?:老師|教練)是誰|誰(?:來)?(?:教|授課)"
            r"|\bdirector\b|deputy minister"
            r"|\bchairs?\b|\bchairman\b|\bchairperson\b|who (?:teaches|heads|leads|runs)"
            r"|(?:who (?:is|are|was|were)|name of) the (?:instructor|teacher|trainer)s?"
        ),
        re.compile(r"(?:署長|次長|局長|司長|處長|主任委員|主委|召集人|講師)\s*[^\W\d]{2,3}"),
    ),
    "firms": (  # how many companies (幾家企業): the report counts people and sessions, no firms
        re.compile(
            r"(?:幾|多少)\s*[家個處]?\s*(?:家|事業單位|企業|公司|廠商|工地)"
            r"|(?:事業單位|企業|公司|廠商|工地)\S{0,6}(?<![哪那])(?:幾|多少)\s*[家個處間]"
            r"|how many (?:companies|firms|employers|雇主|businesses|enterprises|workplaces"
            r"|sites)\b"
        ),
        re.compile(r"\d\s*(?:家|個事業單位|處)"),
    ),
    "penalty": (  # a fine or a penalty for something: the report names only the law's
        re.compile(
            r"被?(?:罰|處罰|開罰)(?:鍰|款|錢|金)?嗎|罰(?:鍰|款|金)?(?:多少|幾)|開罰\S{0,4}(?:幾|多少)"
            r"|\bfine[sd]?\b|\bpenalt(?:y|ies) (?:for|if)\b|\bpunished\b"
        ),
        re.compile(r"罰則|罰金|罰鍰|裁罰|罰款|刑期|處罰"),
    ),
    "things": (  # how many offices or centres (幾個分署): only the ministry's units are counted
        re.compile(
            r"(?<![哪那])(?:幾|多少)\s*[個間所處家座]\s*[^\s，。？?]{0,10}?"
            + _OFFICES
            + r"|"
            + _OFFICES
            + r"[^，。？?]{0,10}(?<![哪那])(?:幾|多少)\s*[個間所處家座](?!\s*[^\s，。？?])"
            r"|how many (?:[\w-]+ ){0,3}(?:offices|centers|stations|分署|服務站)"
            r"(?= (?:are|is|there|does|do|exist|in|nationwide|across)\b|\s*$)"  # (the counted)
        ),
        re.compile(
            r"\d[\d,]*\s*[個間所處家座項]\s*[^\s，。]{0,6}?(?:" + _OFFICE_WORDS + "|機關|單位)"
        ),
    ),
    "staff": (  # how many people work somewhere (多少名社工員, how many employees): none printed
        re.compile(
            r"(?:幾|多少)\s*[名位個]?\s*(?:員工|職員|工作人員|社工員?|就服員|公務員)"
            r"|how many (?:staff|employees|employment counsell?ors|counsell?ors|social workers"
            r"|civil servants|officials|people work)\b"
        ),
        re.compile(r"\d\s*[名位]\s*(?:員工|職員|工作人員|社工|就服員)"),
    ),
    "partner": (  # which other ministry works with it: a text naming one answers
        re.compile(
            r"(?:跟|和|與|同)(?:哪個|哪些|哪一個|哪幾個|什麼)\S{0,2}(?:部會|部|機關)"
            r"|(?:哪個|哪些|哪一個|哪幾個)(?:部會|部)\S{0,8}(?:合作|一起|共同|協力|配合|推|參與)"
            r"|\bwhich (?:other )?(?:ministr\w*|police agency|government agenc\w*)"
            r"|\bwith which (?:ministr|agenc)|\bsits? on\b"
        ),
        re.compile(
            r"(?:教育|經濟|衛生福利|內政|法務|國防|交通|外交|財政|文化|數位發展|農業|環境)部"
            r"|警政署|國家發展委員會|原住民族委員會|社會及家庭署|跨部會"
        ),
    ),
    "rate": (  # a rate of how it went the report never gives: satisfaction, approvals, dropouts
        re.compile(
            r"滿意度|滿意程度|滿不滿意|核[准準]率|通過率|駁回|被拒|結訓率|退訓|流失率"
            r"|創業成功\S{0,3}(?:比例|比率|率|人數|多少|幾)"  # (成功率 alone: 推介就業率 too)
            r"|satisf\w*|approval rate|rejected|rejection|drop-?outs?|dropped out|completion rate"
            r"|default rate|survival rate|still (?:trading|in business|operating)"
        ),
        re.compile(r"滿意|核准率|通過率|駁回|成功率|結訓率|退訓|流失率"),
    ),
    "average": (  # an average or a figure per session (每場幾人): the report prints totals
        re.compile(
            r"(?<!不)平均|(?:每一?|單一)[場班堂期梯]\S{0,8}(?:(?:多少|幾)\s*(?:人|名|位)|人數)"
            r"|\baverage\b|\bon average\b|\bper (?:session|class|course|workshop)\b"
        ),
        re.compile(r"平均|每[場班堂期梯]\S{0,6}\d"),
    ),
}


# A figure asked split by sex, place or industry: the report prints totals only (the
# asking words, and what a text printing that split holds). 臺中, 北分署: a place; 平臺中 not.
_PLACES = (
    r"(?<!平)臺[北中南東]|新北|桃園|高雄|基隆|新竹|苗栗|彰化|南投|雲林|嘉義|屏東|宜蘭|花蓮|澎湖|金門|馬祖"
    r"|[北中南]分署|桃竹苗分署|雲嘉南分署|高屏澎東分署"
    r"|\b(?:taipei|taichung|tainan|kaohsiung|taoyuan|hsinchu|keelung)\b"
)
PLACES = re.compile(_PLACES)
# 「我住臺南，…」, 「I live in Taipei」: where the asker is, not a figure asked by place
_SELF_PLACE = re.compile(
    r"(?:我|我們|我家|本人)[^，。？！,.?!]{0,8}(?:" + _PLACES + ")"
    r"|\b(?:i|i'm|my|we)\b[^,.?!]{0,40}?(?:" + _PLACES + ")"
)
SPLITS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "sex": (
        re.compile(
            r"男女(?!平等|工作平等|同工|共同)|男[生性].{0,6}女[生性]|女[生性].{0,6}男[生性]|性別(?:比例?|分布|分佈|統計)"
            r"|[按依]性別|\bby (?:gender|sex)\b|\b(?:men and women|women and men)\b"
            r"|\b(?:male and female|female and male)\b|gender (?:split|breakdown|ratio)"
            r"|\bmen\b.{0,30}\bwomen\b|\bwomen\b.{0,30}\bmen\b"
        ),
        re.compile(r"[男女]性?[^，。；\d]{0,12}\d[\d,.]*\s*(?:人|名|%)"),  # a figure of one sex
    ),
    "share": (  # the share of women among a count (「推介的人裡女性占多少」): none printed
        re.compile(
            r"(?:裡面?|之中|當中|中的|(?<=\S)中)\S{0,3}[女男]性\S{0,4}(?:[占佔]|比例|比率|有?多少|幾)"
            r"|\bwhat (?:share|percentage|proportion|fraction)\b.{0,50}\b(?:women|female)"
        ),
        re.compile(r"[女男]性?\S{0,8}(?:[占佔]|比例|比率)\S{0,6}\d"),
    ),
    "place": (
        re.compile(
            _PLACES + r"|[按依各]縣市|縣市別|[哪那][些個幾]個?(?:縣市|城市)|[哪那]些地區"
            r"|\bby (?:county|city|region)\b"
            r"|\b(?:which|what) (?:cit(?:y|ies)|count(?:y|ies)|regions?)\b"
            r"|\b(?:which|what|by)\s*(?:縣市|城市|地區)"  # (county → 縣市 by the bridge)
        ),
        re.compile(_PLACES),  # (「於各縣市辦理 26 場」 is a total, not one per county)
    ),
    "industry": (
        re.compile(
            r"[哪那][些個一]種?行業|什麼行業|行業別|[按依各]行業|\bby (?:industry|sector)\b"
            r"|\b(?:which|what) (?:industries|sectors)\b"
        ),
        re.compile(  # 營造業占…比例近半, 多數投入服務業的青年
            r"(?:營造業|製造業|服務業)\S{0,2}[占佔]|(?:多數|多為|大多|投入|從事)\S{0,3}(?:營造業|製造業|服務業)"
        ),
    ),
    "age": (  # 「60 到 65 歲的有多少」: the report counts every age together
        re.compile(
            r"\d{2}\s*(?:到|至|-|~)\s*\d{2}\s*歲|\d{2}\s*歲以[上下]的\s*(?:人|有|佔|占)|年齡層|各年齡"
            r"|年齡分[布佈]|\bby age\b|\bage (?:group|band|bracket|breakdown)s?\b"
        ),
        re.compile(r"\d\s*歲\S{0,10}\d[\d,]*\s*(?:人|名)"),
    ),
    "disability": (  # 「推介身障者裡哪一類障別最多」: the report counts them all as one
        re.compile(
            r"障別|障礙類別|障礙別|[哪那]一?[類種]障礙|(?:精神|肢體|視覺|聽覺|智能|智力)(?:身心)?(?:障礙|障)"
            r"\S{0,12}(?:多少|幾|比例|[佔占]|人數)|by (?:type of )?disabilit"
            r"|types? of (?:disabilit|impairment)"
            r"|how many\b.{0,60}\b(?:mental|physical|visual|hearing|intellectual)(?:ly)?"
            r" (?:disabilit|impair)"
        ),
        re.compile(r"(?:精神|肢體|視覺|聽覺|智能)障礙者?\S{0,8}\d"),
    ),
    "part": (  # 「那 1,627 人裡有幾個脫貧」, "of the 85,289 referrals, how many were women"
        re.compile(
            r"(?:\d{3,}|\d{1,3}(?:[ ,]\d{3})+|\d+\s*萬\s*[\d ,]*)\s*(?:人次|人|名|件|場)"
            r"\s*(?:裡面?|之中|當中).{0,16}?(?:幾|多少|[佔占])"  # (normalised: 1,627 is 1 627)
            r"|\bof (?:the|those|these) (?:\d{3,}|\d{1,3}(?:[ ,]\d{3})+)\b.{0,60}\bhow many\b"
        ),
        re.compile(r"其中\S{0,20}\d"),  # (a part printed: 「其中 …」)
    ),
}


# Parts named and a figure asked of each (「老年、失能、遺屬年金各有多少人」): a split the
# answer prints only if it names every part.
_PART = r"(?:(?![和與跟及])[\u4e00-\u9fff])"  # a character of a part (not a joining word)
_EACH = re.compile(
    rf"((?:{_PART}{{2,12}}(?P<sep>[和與跟及 ]))(?:{_PART}{{2,12}}(?P=sep)){{0,4}}{_PART}{{2,16}}?)"
    r"\s*(?:各自?|分別)(?:有|是|為|佔|占|要)?\s*(?:多少|幾|人數)"
)


# What every card prints of itself (「目標跟實際各多少」 asks fields, not parts)
_CARD_FIELD = re.compile(r"目標|實際|基準|最新|達標|成長|就業率|比率|人數|人次|今年|去年|年度")


def parts_asked(text: str) -> list[str]:
    """The parts a figure is asked of each (「老年、失能、遺屬年金各有多少人」), or none; the
    first by its last two characters (「…給付中老年」: 老年), the last up to 的 (「青年和失業者的
    人數各是多少」: 失業者). Parts apart by 、 (a space once normalised) are checked from the
    second on: the first may be 「勞動部組織：業務單位」."""
    m = _EACH.search(text)
    if not m:
        return []
    parts = m.group(1).split(m.group("sep"))
    parts[0], parts[-1] = parts[0][-2:], parts[-1].split("的")[0]
    if m.group("sep") == " ":  # (、 normalised: the first may hold the words before it)
        parts = parts[1:]
    return [p for p in parts if len(p) > 1 and not _CARD_FIELD.search(p)]


# An industry named where a figure is asked (「營造業去年職災死亡多少人」): a split too.
_INDUSTRY = re.compile(
    r"(?:營造|製造|服務|美容|餐飲|零售|批發|運輸|物流|金融|科技|醫療|建築|旅館|觀光|農|漁)業"
    r"|\b(?:construction|manufacturing|retail|catering) (?:industry|sector|workers?)\b"
)


def places(text: str) -> list[str]:
    """The places a question asks of (臺中), not where the asker is (我住臺南)."""
    return PLACES.findall(_SELF_PLACE.sub(" ", text))


@functools.cache  # (the measures _MEASURE and _MEASURE_EN name: a handful)
def counted_in(measure: str) -> re.Pattern:
    """A number printed in a measure: 15 萬 1,174 場次, 26 場."""
    return re.compile(r"\d[\d,.]*\s*(?:萬\s*[\d,]*\s*)?" + re.escape(measure))


@dataclass
class Question:
    text: str  # normalised question
    rest: str = ""  # the subject left once ids, fields and list words are blanked
    ids: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    wants_list: bool = False
    unmet: bool = False
    met: bool = False
    goal: int | None = None
    names_indicators: bool = False  # the question says 指標 / indicator
    window: str = ""  # first year of a counting window the question names (2017, 2021)
    years: list[str] = field(default_factory=list)  # every year the question names
    bad_ids: list[str] = field(default_factory=list)  # 8.7.1.1: no indicator is numbered so
    count: bool = False  # 幾項 / how many
    names_goals: bool = False  # 核心目標 / core goals, without a number
    figure: bool = False  # asks a number: 多少, 幾, how many, 比例
    describe: bool = False  # asks words: 怎麼, 為什麼, 哪些方式, what measures
    value: str = ""  # a kind of value asked (VALUES): age, money, phone
    split: str = ""  # a figure asked split (SPLITS): by sex, place, industry; or "each"
    parts: list[str] = field(default_factory=list)  # the parts asked of each (parts_asked)
    latest: bool = False  # the latest (2025) figure is asked in so many words
    full_year: bool = False  # the whole of a year is asked: 2025 全年, whole of 2025
    headcount: bool = False  # asks how many people (人數, 幾個人, how many workers)
    measure: str = ""  # what a count asked is counted in: 多少場次 → 場次
    future: bool = False  # asks what comes next: 之後會, 未來, plans
    when: bool = False  # asks when: 幾年幾月, 何時, when
    day: bool = False  # asks the day too: 幾月幾號, on what date
    why: bool = False  # asks why: 為什麼, 原因, why
    stakeholders: bool = False  # asks who is involved: 利害關係人 (not who is responsible)
    other_report: bool = False  # asks the content of the review before this one


# 「2021 年那份」, 「2021 年的 VDR」: the report of a year, not a figure of it (the one before
# this, or this one)
_REPORT_OF_YEAR = re.compile(
    r"(2021|2025)\s*年?\s*(?:的|發布的|出版的|發表的)?\s*"
    r"(?:[那這]一?[份本]|版本?|vdr\s*報告|vdr|報告|自願性?檢視報告)"
)
REPORTS = {"2021": "上次報告", "2025": "本報告"}
# The review before this one, asked of its own content (「上次報告列了幾項指標」): the report
# says only when it came out and what is new since; a comparison or its date is answered.
_OTHER_REPORT = re.compile(
    r"上次報告|上一?[次版份本]的?\s*(?:vdr|報告|自願性?檢視報告)|前一?[次版份]的?\s*(?:vdr|報告)"
    r"|\b(?:previous|last|earlier|prior) (?:vdr|review|report|自願性?檢視報告)"
)
_COMPARED = re.compile(
    r"相較|相比|比較|比起|[跟和與].{0,14}比|不同|差別|差異|新增|多了|多做|新的|延續"
    r"|compar|differ|\bnew\b|\bchange|\bthan\b|\bsince\b"
)


def _blank(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(" ", text)  # (re.sub would look the compiled pattern up in its cache)


def analyse(text: str) -> Question:
    text = _REPORT_OF_YEAR.sub(lambda m: REPORTS[m.group(1)], text)
    q = Question(text=text)
    rest = text
    q.bad_ids = [re.sub(r"\s", "", m.group(0)) for m in _LONG_ID.finditer(text)]
    rest = _blank(_LONG_ID, rest)
    q.count = bool(_COUNT.search(text))
    q.figure = bool(_FIGURE.search(text))
    q.describe = bool(_DESCRIBE.search(text))
    q.future = bool(_FUTURE.search(text))
    q.when = bool(_WHEN.search(text))
    q.day = bool(_DAY.search(text))
    q.why = bool(_WHY.search(text))
    q.other_report = bool(_OTHER_REPORT.search(text) and not _COMPARED.search(text)) and not q.when
    measure = _MEASURE.search(text)
    english = re.search(r"how many (sessions|cases|person-times|classes)", text)
    q.measure = measure.group(1) if measure else _MEASURE_EN[english.group(1)] if english else ""
    if not q.measure and _PERCENT_CHANGE.search(text):
        q.measure = "%"
    q.value = next((kind for kind, (asks, _) in VALUES.items() if asks.search(text)), "")
    told = _SELF_PLACE.sub(" ", text)  # (where the asker lives asks nothing of a place)
    q.split = next((kind for kind, (asks, _) in SPLITS.items() if asks.search(told)), "")
    if not q.split and q.figure and _INDUSTRY.search(text):
        q.split = "industry"
    if (q.split == "age" and not q.figure) or (q.split == "sex" and q.why):
        q.split = ""  # 「65 歲以上的人要保職災嗎」, 「為什麼有些工會都是男生」: no count asked
    q.parts = [] if q.split else parts_asked(told)
    if len(q.parts) > 1:
        q.split = "each"
    for m in _ID.finditer(text):
        parts = [p for i, p in enumerate(m.groups()) if p is not None and i != 1]
        q.ids.append(".".join(parts))
    rest = _blank(_ID, rest)
    q.years = list(dict.fromkeys(_YEAR.findall(_blank(_WINDOW, rest))))  # not a window's
    if q.ids:
        rest = _blank(_ID_WORD, rest)
    if _LATEST_PERIOD.search(rest):
        q.fields.append(Field.LATEST)
        rest = _blank(_LATEST_PERIOD, rest)
    until = _UNTIL.search(rest)
    if until:  # the year stays for the field words: 2021 → the baseline, 2024 → the actual
        rest = (
            f"{rest[: until.start()]} {until.group(1) or until.group(2)} 年 {rest[until.end() :]}"
        )
    window = _WINDOW.search(rest)
    if window:
        q.window = window.group(1) or window.group(2)
        rest = _blank(_WINDOW, rest)
    goal = _GOAL.search(rest)
    number = (goal.group(1) or goal.group(2)) if goal else ""
    if goal and 1 <= _goal_number(number) <= 18:  # the UN has 17 goals, T-SDGs 18
        q.goal = _goal_number(number)
        rest = rest[: goal.start()] + " " + rest[goal.end() :]
    if _LIST.search(rest):
        q.wants_list = True
        q.names_indicators = bool(_WHICH_INDICATORS.search(rest))  # the list word holds it
        rest = _blank(_LIST, rest)
    if _UNMET.search(rest):
        q.unmet = True
    elif (q.wants_list or q.count) and _MET.search(rest):
        q.met = True
        q.wants_list = True  # 有幾項指標達成: the met ones, counted
    q.stakeholders = bool(_STAKEHOLDERS.search(text))
    if q.stakeholders:  # 「利害關係人有誰」: who is involved, not the unit responsible
        rest = _blank(_WHO, rest)
    for name, pattern in _FIELD_PATTERNS:
        if name not in q.fields and pattern.search(rest):
            q.fields.append(name)
            rest = _blank(pattern, rest)
    for m in _COMPONENT.finditer(text):
        q.components.append(m.group(0))
    if not q.components and _EMPLOYED_SHARE.search(text):
        q.components.append("就業率")
        rest = _EMPLOYED_SHARE.sub("就業率", rest)
    q.latest = Field.LATEST in q.fields and bool(_LATEST.search(text))
    q.full_year = bool(_FULL_YEAR.search(text))
    q.headcount = bool(_HEADCOUNT.search(text)) and not _RATE.search(text)
    q.names_goals = q.goal is None and bool(re.search(r"核心目標|core goals?", text))
    q.names_indicators = q.names_indicators or bool(_INDICATOR_WORD.search(rest))
    rest = _blank(_INDICATOR_WORD, rest)  # 「指標」 says what kind of answer, not which one
    q.rest = re.sub(r"\s+", " ", rest).strip()
    return q


_GREETING = re.compile(
    r"(你好|您好|大家好|哈囉|哈嘍|嗨|安安|早安|午安|晚安|hi|hello|hey"
    r"|good (morning|afternoon|evening))[呀啊啦喔哦唷囉耶 ]*(你|您)?"
)
_THANKS = re.compile(
    r"(謝謝|感謝|多謝|感恩|謝啦|3q|thanks?( a lot| you)?|thank you( very much)?|thx|ty)"
    r"[呀啊啦喔哦唷囉耶 ]*(你|您|你們)?[的了]?(幫忙|回答)?"
)
_BYE = re.compile(r"(掰掰|再見|拜拜|bye|goodbye|see you)[呀啊啦喔哦唷囉 ]*")
SMALL_TALK = (
    (
        _GREETING,
        Msg("你好！我回答勞動部永續發展目標自願性檢視報告的內容：指標的數字、是否達標、負責單位。"),
    ),
    (_THANKS, Msg("不客氣！還有問題隨時問我。")),
    (_BYE, Msg("再見！需要查報告的數字時再來找我。")),
)


# an opinion or a judgement asked of the bot: the report states, it does not grade
_OPINION = re.compile(
    r"你(?:覺得|認為|看)\S{0,24}(?:好不好|怎麼樣|好嗎|對不對|合不合理|合理嗎|會不會|會\S{0,6}嗎|該不該|要不要)"
    r"|(?:做得|表現得?)\S{0,2}(?:好不好|怎麼樣|好嗎)|打幾分|給個?評價|評價(?:好不好|如何|怎麼樣)"
    r"|\bdo you think\b.{0,40}\b(?:good|bad|well|enough|right|fair)\b"
    r"|\b(?:your|in your) (?:opinion|view)\b|\bhow would you rate\b"
)


def opinion(text: str) -> bool:
    """Whether the question asks the bot's own judgement (「你覺得部長做得好不好」)."""
    return bool(_OPINION.search(text))


def small_talk(text: str) -> str:
    """The friendly reply to a message that is only a greeting, thanks or goodbye, or ""."""
    bare = re.sub(r"[\s.!?~，。！？～、]+", " ", text).strip()
    for pattern, reply in SMALL_TALK:
        if pattern.fullmatch(bare):
            return reply
    return ""
