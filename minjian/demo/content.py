"""What the demo instance holds: organisations, an agency, and the cases people report.

The content follows the people in the project's field notes: a resident of the
Huai River photographing a paper mill's outflow, volunteers matching hospital
supplies in Wuhan, workers owed their wages, a wheelchair user in front of a
flight of steps, an agency that answers in 66 hours. Places, people and
organisations are made up; the regions are real, so the cases sit on the map
where such things happen.

Names of organisations are the platform's content and are given in both
languages. What people write (case texts, descriptions, notes) is user content:
each piece is in the one language its writer would use, mostly Chinese, some
English.

Times are relative to the moment the demo is loaded: a case is submitted
`days_ago` days before, at the local time `at`, and each response comes
`after_hours` after the submission. Each response is by someone the rule of
`minjian/cases/rules.py` lets move the case along: staff, a member of an
organisation the case was routed or addressed to by then, or its reporter, who
may close it (and nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

STAFF_PSEUDONYM = "minjian-admin"
STAFF_EMAIL = "minjian-admin@example.org"

Action = Literal["acknowledge", "start_progress", "resolve", "close"]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    kind: Literal["ngo", "informal", "agency"]
    name_zh: str
    name_en: str
    description: str
    topics: tuple[str, ...]
    regions: tuple[str, ...]
    contact_email: str
    contact_url: str
    contact_note: str
    # The admin registers it; an agency is registered by staff and handed to `admins`.
    admins: tuple[str, ...]
    members: tuple[str, ...]
    created_days_ago: int
    verified: bool
    # Members its admin gives the verifier mark: they judge claims and decide duplicates
    # in its name (minjian/demo/verification.py).
    verifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoResponse:
    action: Action
    by: str
    after_hours: float
    note: str


@dataclass(frozen=True)
class DemoCase:
    key: str
    reporter: str | None
    title: str
    description: str
    topic: str
    region: str
    point: tuple[float, float] | None
    photos: tuple[str, ...]
    days_ago: int
    at: str
    responses: tuple[DemoResponse, ...] = ()


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        slug="huai-river-watchers",
        kind="ngo",
        name_zh="淮河守望者",
        name_en="Huai River Watchers",
        description=(
            "淮河守望者是一群生活在淮河两岸的志愿者。我们沿河拍照、取水样、记录排污口，"
            "把看到的问题交给能处理的部门，再把处理结果公开出来。我们不收企业的钱。\n\n"
            "Huai River Watchers are volunteers who live along the Huai River. We photograph "
            "outfalls, take water samples, pass what we find to the authorities who can act, "
            "and keep a public record of what they do. We take no money from companies."
        ),
        topics=("environment", "health", "disaster-relief"),
        regions=("340000", "410000", "320000"),
        contact_email="contact@huai-watchers.example.org",
        contact_url="https://huai-watchers.example.org/",
        contact_note="想加入志愿者群请先发邮件 / Write to us first to join the volunteers' group",
        admins=("守望者阿河",),
        members=("河边取样员", "huai-volunteer-lin", "五河巡河员"),
        created_days_ago=58,
        verified=True,
        verifiers=("守望者阿河", "huai-volunteer-lin"),
    ),
    DemoOrganisation(
        slug="nanling-workers-rights",
        kind="ngo",
        name_zh="南岭劳动者权益中心",
        name_en="Nanling Workers' Rights Centre",
        description=(
            "为珠三角和湖南的外来务工人员提供免费劳动法咨询，陪同处理欠薪、工伤、"
            "加班费等问题，也做安全生产培训。周末晚上在宝安和白云开工友夜校。\n\n"
            "Free labour-law advice for migrant workers in the Pearl River Delta and Hunan: "
            "unpaid wages, work injuries, overtime pay, and safety training. Evening classes "
            "on weekends in Bao'an and Baiyun."
        ),
        topics=("labour", "legal-aid", "public-safety"),
        regions=("440000", "430000"),
        contact_email="help@nanling-workers.example.org",
        contact_url="https://nanling-workers.example.org/",
        contact_note="热线工作日 19:00–22:00 / Hotline on weekdays, 7–10 pm",
        admins=("劳权中心-小林",),
        members=("nanling-caseworker",),
        created_days_ago=57,
        verified=True,
    ),
    DemoOrganisation(
        slug="accessible-together",
        kind="ngo",
        name_zh="无障碍同行",
        name_en="Accessible Together",
        description=(
            "由残障人士和家属发起。我们记录公共场所的坡道、电梯和盲道，"
            "推动它们不只是建了，而是真的能用。\n\n"
            "Started by disabled people and their families. We map ramps, lifts and tactile "
            "paths in public places, and push for them not just to exist but to work."
        ),
        topics=("disability", "education", "public-safety"),
        regions=("110000", "310000", "330000"),
        contact_email="hello@accessible-together.example.org",
        contact_url="https://accessible-together.example.org/",
        contact_note="",
        admins=("无障碍阿明",),
        members=("ramp-mapper",),
        created_days_ago=57,
        verified=True,
    ),
    DemoOrganisation(
        slug="face-masks-guru",
        kind="informal",
        name_zh="口罩达人志愿群",
        name_en="Face Masks Guru Volunteers",
        description=(
            "2020 年 1 月，四个武汉姑娘建了一个群：汇总医院的物资缺口，对接捐赠，"
            "送货上门，收货后公开确认。48 小时里，我们为 20 家医院募集了 4330 件防护服"
            "和 14000 只医用外科口罩。现在洪水等紧急情况下也做物资对接。\n\n"
            "Started in January 2020 by four young women from Wuhan in one chat group: we "
            "list hospitals' needs, match donors, deliver, and confirm receipts in the open. "
            "In 48 hours we raised 4,330 protective suits and 14,000 surgical masks for 20 "
            "hospitals. We now also match supplies in floods and other emergencies."
        ),
        topics=("health", "disaster-relief"),
        regions=("420100", "360000"),
        contact_email="needs@facemasks-guru.example.org",
        contact_url="",
        contact_note=(
            "医院和安置点请直接在本站提交需求 / Hospitals and shelters: report your needs here"
        ),
        admins=("口罩达人-小雨", "口罩达人-阿晴"),
        members=("口罩达人-木子", "口罩达人-星星"),
        created_days_ago=56,
        verified=True,
    ),
    DemoOrganisation(
        slug="dandelion-legal",
        kind="ngo",
        name_zh="蒲公英公益法律服务团",
        name_en="Dandelion Pro Bono Legal Network",
        description=(
            "六十多位志愿律师和法学院学生，为请不起律师的人提供免费法律咨询、代写文书和代理。"
            "我们从不公开求助人的身份。\n\n"
            "More than sixty volunteer lawyers and law students who give free advice, draft "
            "letters and represent people who cannot afford a lawyer. We never reveal who "
            "asked us for help."
        ),
        topics=("legal-aid", "housing-land", "corruption", "education"),
        regions=("110000", "440000", "340000", "520000", "530000"),
        contact_email="ask@dandelion-legal.example.org",
        contact_url="https://dandelion-legal.example.org/",
        contact_note="",
        admins=("pro-bono-oak",),
        members=("蒲公英律师-老陈",),
        created_days_ago=55,
        verified=True,
        verifiers=("蒲公英律师-老陈",),
    ),
    DemoOrganisation(
        slug="zhaotong-rural-schools",
        kind="informal",
        name_zh="昭通乡村助学志愿队",
        name_en="Zhaotong Rural School Volunteers",
        description=(
            "在昭通山区村小支教的老师自发组织，给学校送冬衣、课本和取暖设备。\n\n"
            "Volunteer teachers in Zhaotong's mountain villages, bringing winter clothes, "
            "books and heaters to village schools."
        ),
        topics=("education", "disaster-relief"),
        regions=("530600",),
        contact_email="wumeng@rural-schools.example.org",
        contact_url="",
        contact_note="",
        admins=("乌蒙山支教",),
        members=(),
        created_days_ago=9,
        verified=False,
    ),
    DemoOrganisation(
        slug="bengbu-eeb",
        kind="agency",
        name_zh="蚌埠市生态环境局",
        name_en="Bengbu Municipal Ecology and Environment Bureau",
        description=(
            "负责蚌埠市生态环境保护的监督管理，受理环境污染投诉和举报。"
            "本账号由局办公室值守，工作日内答复。\n\n"
            "The municipal authority for environmental protection in Bengbu. It receives "
            "complaints about pollution. This account is kept by the bureau's office and "
            "answers on working days."
        ),
        topics=("environment",),
        regions=("340300",),
        contact_email="xinfang@bengbu-eeb.example.org",
        contact_url="https://bengbu-eeb.example.org/",
        contact_note="环保举报热线 12369 / Pollution hotline 12369",
        admins=("蚌埠市生态环境局-办公室",),
        members=(),
        created_days_ago=56,
        verified=True,
    ),
)

_PAPER_MILL_TITLE = "怀远县淮河岸边造纸厂夜间偷排黑水"
# The last line of the Huai River Watchers' patrol form, the same on every record.
PATROL_FORM_FOOTER = (
    "本记录按淮河守望者巡河记录表填写，照片、水样编号和采样人签名见原始记录，"
    "需要原始记录的部门请通过本站联系我们。"
)

CASES: tuple[DemoCase, ...] = (
    DemoCase(
        key="paper-mill-huaiyuan",
        reporter="淮畔观察",
        title=_PAPER_MILL_TITLE,
        description=(
            "这个月连着好几个晚上，十点以后，淮河北岸那家造纸厂的管子就开始往河里放黑水，"
            "味道很冲，像泡烂的纸浆。第二天早上河面上一大片黄褐色的泡沫，一直漂到下游。\n\n"
            "村里还有人在这段河里打鱼、洗衣服，前天有人捞上来好几条翻白的鲫鱼。"
            "照片是我昨晚在堤坝上拍的，排污口在厂区围墙东边的芦苇丛后面。"
            "白天他们不排，希望环保部门能夜里来查一查。"
        ),
        topic="environment",
        region="340321",
        point=(32.9587, 117.1921),
        photos=("river_outflow", "dead_fish", "river_outflow"),
        days_ago=52,
        at="22:40",
        responses=(
            DemoResponse(
                "acknowledge",
                "河边取样员",
                13,
                "收到。这周末我们派两名志愿者去排污口下游取水样，照片和位置已转给蚌埠市生态环境局。"
                "请注意安全，夜里不要一个人靠近厂区。",
            ),
            DemoResponse(
                "start_progress",
                "蚌埠市生态环境局-办公室",
                66,
                "我局执法人员已于今日凌晨对该企业开展夜间突击检查，现场发现一处未登记的排水暗管，"
                "已责令企业立即停产整改，并采集水样送检。检查结果将在本页公布。",
            ),
            DemoResponse(
                "resolve",
                "蚌埠市生态环境局-办公室",
                230,
                "暗管已于本周拆除封堵，企业整改完成前不得恢复生产。"
                "感谢市民和志愿者的监督，如再发现偷排请继续在本站反映。",
            ),
        ),
    ),
    DemoCase(
        key="paper-mill-duplicate",
        reporter="怀远老钓友",
        title="淮河怀远段晚上有工厂往河里排黑水",
        description=(
            "晚上在河边钓鱼，闻到很重的臭味，用手电一照，北岸有根大管子在往河里冒黑水。"
            "最近鱼越来越少了，钓上来的也有一股怪味。"
        ),
        topic="environment",
        region="340321",
        point=(32.9612, 117.1874),
        photos=("river_outflow",),
        days_ago=52,
        at="23:55",
        responses=(
            # A verifier merges it into the first report a few hours later
            # (minjian/demo/verification.py): this note then reads on that case's page.
            DemoResponse(
                "acknowledge",
                "河边取样员",
                12,
                f"收到，谢谢！你说的和同一晚提交的《{_PAPER_MILL_TITLE}》应该是同一个排污口，"
                "我们请核查员把两条报告合并，之后请关注那条案例的进展。",
            ),
        ),
    ),
    # Two copies of the first report's text, as people pass a post on: the similar-case
    # index finds them (the one above, in its own words, it does not), and a verifier
    # merges the first; the second waits in the verifiers' queue.
    DemoCase(
        key="paper-mill-repost",
        reporter="下游的周家",
        title="转：怀远淮河边造纸厂晚上偷排黑水",
        description=(
            "村里微信群里都在转这条，我也发上来，希望有人管一管：\n\n"
            "“这个月连着好几个晚上，十点以后，淮河北岸那家造纸厂的管子就开始往河里放黑水，"
            "味道很冲，像泡烂的纸浆。第二天早上河面上一大片黄褐色的泡沫，一直漂到下游。"
            "村里还有人在这段河里打鱼、洗衣服，前天有人捞上来好几条翻白的鲫鱼……”\n\n"
            "我家就在下游，这几天河边确实一股臭味。"
        ),
        topic="environment",
        region="340321",
        point=(32.9490, 117.2102),
        photos=("river_outflow",),
        days_ago=51,
        at="12:10",
    ),
    DemoCase(
        key="paper-mill-weibo",
        reporter="蚌埠网友阿杰",
        title="怀远县淮河岸边造纸厂夜间偷排黑水，有人管吗？",
        description=(
            "微博上又在转这条，原帖已经删了，我截了图："
            "“连着好几个晚上，十点以后，淮河北岸那家造纸厂的管子就往河里放黑水，"
            "味道很冲，像泡烂的纸浆。第二天早上河面上一大片黄褐色的泡沫，一直漂到下游。"
            "前天有人捞上来好几条翻白的鲫鱼。”不知道现在还排不排，有没有人去查过？"
        ),
        topic="environment",
        region="340321",
        point=None,
        photos=(),
        days_ago=6,
        at="21:30",
    ),
    # Two patrol records of the Huai River Watchers on the group's form: the index takes
    # them for one story, a verifier sees two outfalls 60 km apart and rejects the pair.
    DemoCase(
        key="patrol-log-bengbu",
        reporter="河边取样员",
        title="巡河记录：淮河蚌埠段北岸一处排口旱天排出灰白色污水",
        description=(
            "淮河守望者巡河记录\n"
            "河段：淮河蚌埠段北岸，沫河口附近\n"
            "排口：雨水排口，直径约一米\n"
            "时间：晚上九点到十点\n"
            "情况：连续三天没有下雨，排口一直在往河里排水，水是灰白色的，有一股洗涤剂的味道，"
            "排口下游五十米的河面上有白色泡沫。\n"
            "水样：已在排口和下游各取一份水样，送实验室检测。\n"
            "建议：请环保部门核查这个雨水排口接了哪些单位的污水。\n" + PATROL_FORM_FOOTER
        ),
        topic="environment",
        region="340311",
        point=(32.9810, 117.4380),
        photos=("river_outflow",),
        days_ago=34,
        at="22:30",
    ),
    DemoCase(
        key="patrol-log-wuhe",
        reporter="五河巡河员",
        title="巡河记录：淮河五河段南岸一处排口晚上排出褐色污水",
        description=(
            "淮河守望者巡河记录\n"
            "河段：淮河五河段南岸，县城东边的养猪场附近\n"
            "排口：暗管排口，直径约三十厘米\n"
            "时间：晚上九点到十点\n"
            "情况：连续两天晚上，排口一直在往河里排水，水是褐色的，有一股猪粪的臭味，"
            "排口下游一百米的河面上有黄色泡沫。\n"
            "水样：已在排口和下游各取一份水样，送实验室检测。\n"
            "建议：请环保部门核查这个养猪场的粪污是怎么处理的。\n" + PATROL_FORM_FOOTER
        ),
        topic="environment",
        region="340322",
        point=(33.1320, 117.9150),
        photos=(),
        days_ago=25,
        at="22:40",
    ),
    DemoCase(
        key="sand-dredging-yingshang",
        reporter="颍上渔家",
        title="淮河颍上段采砂船夜里非法采砂，河岸塌了一大块",
        description=(
            "最近一个月，每天半夜都有两三条采砂船开到我们村外的河段抽砂，天亮前就走。"
            "上周河岸塌了二十多米，岸边的一片杨树林已经倒进河里，离大堤只剩几十米了。"
            "汛期快到了，村里人都很担心。船上没有编号，白天找不到人。"
        ),
        topic="environment",
        region="341226",
        point=(32.5604, 116.3012),
        photos=("sand_dredging", "sand_dredging"),
        days_ago=40,
        at="06:15",
        responses=(
            DemoResponse(
                "acknowledge",
                "守望者阿河",
                30,
                "已收到。麻烦记下采砂船出现的日期和时间，能拍到船的样子最好，但别靠近。",
            ),
            DemoResponse(
                "start_progress",
                "守望者阿河",
                125,
                "照片和位置已提交颍上县水利局和县河长办。对方答复会安排水利、公安的夜间联合执法，"
                "我们的志愿者这几天晚上也会在大堤上记录。",
            ),
        ),
    ),
    DemoCase(
        key="chemical-smell-xiangshui",
        reporter="yancheng-teacher",
        title="Strong chemical smell from the industrial park every evening",
        description=(
            "I teach English at a middle school in Xiangshui. For three weeks now, almost every "
            "evening between 7 and 10 pm, a sharp smell like burnt plastic and rotten eggs "
            "drifts over our dormitories from the chemical park to the east. Several students "
            "have had headaches and sore throats, and two were sent home last week.\n\n"
            "In the evening you can see yellowish smoke from the chimneys, as in the photo. "
            "Does anyone measure the air here at night? What should we do to protect the "
            "students?"
        ),
        topic="environment",
        region="320921",
        point=(34.1990, 119.5783),
        photos=("chemical_smoke",),
        days_ago=33,
        at="19:05",
        responses=(
            DemoResponse(
                "acknowledge",
                "huai-volunteer-lin",
                40,
                "Thank you. Please note the date, time and wind direction each time you smell it: "
                "a two-week log is what the environment bureau will ask for. We have passed your "
                "report to our volunteers in Yancheng.",
            ),
        ),
    ),
    DemoCase(
        key="eia-notice-shifang",
        reporter="什邡居民",
        title="新建化工项目环评公示只贴了五天，周边居民都不知道",
        description=(
            "镇上要新建一个化工项目，离我们小区和小学都不到两公里。环评公示只在镇政府一楼"
            "公告栏贴了五天，网上找不到全文，等我们知道的时候公示期已经过了。"
            "我们想看环评报告全文，也想知道还能不能提意见、向哪里提。"
        ),
        topic="environment",
        region="510682",
        point=(31.1266, 104.1675),
        photos=(),
        days_ago=18,
        at="12:30",
    ),
    DemoCase(
        key="unpaid-wages-baoan",
        reporter="钢筋工阿强",
        title="宝安一工地拖欠我们 32 名工人四个月工资",
        description=(
            "我们是一个钢筋班组，32 个人，从今年春天干到现在，包工头说上面没拨款，"
            "已经四个月没发工资了。楼都封顶了，工地还在干，但没人给我们一个说法。"
            "好几个工友家里孩子等着交学费。我们有考勤表和班组长记的工时，想知道该去哪里投诉。"
        ),
        topic="labour",
        region="440306",
        point=(22.5553, 113.8838),
        photos=("construction_site", "construction_site"),
        days_ago=47,
        at="20:10",
        responses=(
            DemoResponse(
                "acknowledge",
                "劳权中心-小林",
                16,
                "收到。请把考勤表、工时记录拍照留底，原件大家分开保管；能找到劳动合同或工牌也一起保存。"
                "欠薪可以直接向工地所在区的劳动监察大队投诉，我们可以陪你们去。",
            ),
            DemoResponse(
                "start_progress",
                "劳权中心-小林",
                100,
                "今天我们陪同五名工友代表到宝安区劳动监察大队投诉，已经受理，"
                "监察大队约了总包单位下周三来谈。",
            ),
            DemoResponse(
                "resolve",
                "劳权中心-小林",
                432,
                "总包单位今天通过工资专户发放了拖欠的工资，32 名工友全部到账。"
                "以后遇到欠薪，记得第一时间留证据。",
            ),
        ),
    ),
    DemoCase(
        key="overtime-baiyun",
        reporter="白云制衣女工",
        title="服装厂每天加班到晚上十一点，没有加班费",
        description=(
            "我在白云区一家制衣厂做车位，旺季每天早上八点干到晚上十一点，一个月只休一天。"
            "工资按件算，老板说计件就没有加班费。厂里没签合同，工资条也不给。"
            "想问一下这样合法吗？我们该怎么保留证据？"
        ),
        topic="labour",
        region="440111",
        point=None,
        photos=(),
        days_ago=29,
        at="23:20",
        responses=(
            DemoResponse(
                "acknowledge",
                "nanling-caseworker",
                20,
                "计件工资也要遵守工作时间的规定，超时部分要付加班费。"
                "先每天记下上下班时间，手机拍下打卡机或排班表。这周六晚上白云夜校有劳动法课，欢迎来。",
            ),
        ),
    ),
    DemoCase(
        key="rider-fines-yuelu",
        reporter="岳麓骑手",
        title="外卖骑手被平台超时罚款，申诉一直没人处理",
        description=(
            "上周暴雨，商家出餐慢了二十分钟，系统还是算我超时，一单扣了 50 元，"
            "这周一共被扣了 300 多。在 App 里申诉了三次，都是自动回复。"
            "我们站点好多骑手都遇到这种情况。"
        ),
        topic="labour",
        region="430104",
        point=(28.2353, 112.9310),
        photos=(),
        days_ago=12,
        at="14:05",
        responses=(
            DemoResponse(
                "close",
                "岳麓骑手",
                140,
                "今天平台客服打电话来，说申诉通过了，扣的钱全部退回。谢谢大家帮忙转发。",
            ),
        ),
    ),
    DemoCase(
        key="hospital-ppe-wuchang",
        reporter="江城白衣",
        title="武昌一家社区医院的防护服和 N95 口罩只够用两天",
        description=(
            "我是武昌一家社区医院的护士。这几天发热病人一下子多了，"
            "库房里的防护服只剩 40 多件，N95 口罩不到 200 只，按现在的用量只够撑两天。"
            "医院已经向上报了，但物资还没到。\n\n"
            "最缺的是：医用防护服、N95 口罩、护目镜、医用外科口罩。"
            "有能力的朋友请联系，我们可以开收货证明。"
        ),
        topic="health",
        region="420106",
        point=(30.5539, 114.3160),
        photos=("empty_shelves", "hospital_front"),
        days_ago=44,
        at="08:30",
        responses=(
            DemoResponse(
                "acknowledge",
                "口罩达人-小雨",
                5,
                "收到！已经对接了两家捐赠方，正在确认数量和发货时间，到货前会在这里更新。",
            ),
            DemoResponse(
                "start_progress",
                "口罩达人-阿晴",
                20,
                "800 件医用防护服和 3000 只医用外科口罩已经发出，预计明天下午送到医院后门，"
                "N95 还在找。收到后请在这里确认数量。",
            ),
            DemoResponse(
                "close",
                "江城白衣",
                50,
                "今天下午收到了，防护服 800 件、外科口罩 3000 只，数量核对无误。"
                "另外有位好心人送来 300 只 N95。谢谢大家！",
            ),
        ),
    ),
    DemoCase(
        key="fever-clinic-hongshan",
        reporter="hongshan-resident",
        title="洪山一家医院发热门诊排队六小时，老人在寒风里等",
        description=(
            "陪我父亲去看发热门诊，从早上七点排到下午一点。队伍排在医院门外的露天通道上，"
            "没有椅子也没有遮挡，好几位老人站不住只能坐在地上。"
            "能不能至少在外面搭个棚子，放些凳子？"
        ),
        topic="health",
        region="420111",
        point=(30.5040, 114.3426),
        photos=("hospital_front",),
        days_ago=43,
        at="21:00",
        responses=(
            DemoResponse(
                "acknowledge",
                "口罩达人-木子",
                12,
                "我们联系了附近社区的志愿者，明天上午先送 50 张折叠凳和一批暖宝宝过去，"
                "也会把排队的情况反映给医院。",
            ),
        ),
    ),
    DemoCase(
        key="well-water-shenqiu",
        reporter="沙颍河边人",
        title="沙颍河边村里的井水发黄发臭，想请人帮忙检测",
        description=(
            "我们村在沙颍河边，这几年井里打上来的水越来越黄，烧开了有一层白垢，还有股怪味。"
            "村里这几年得癌症的人明显多了，光我们这条街就有五个。"
            "家家都在喝这口井的水，自来水管还没通到村里。想请懂的人帮忙测一测水到底能不能喝。"
        ),
        topic="health",
        region="411624",
        point=(33.4090, 115.0980),
        photos=(),
        days_ago=36,
        at="10:00",
        responses=(
            DemoResponse(
                "acknowledge",
                "守望者阿河",
                26,
                "我们在沈丘有长期的志愿者，下周会来村里取井水样，送有资质的第三方实验室检测，"
                "结果会公开在这里。检测之前，做饭和饮用尽量用桶装水。",
            ),
            DemoResponse(
                "start_progress",
                "守望者阿河",
                220,
                "已取了村里 6 口井的水样送检，大约两周出结果。同时向县卫健委反映了村民的健康情况，"
                "请他们安排一次免费体检。",
            ),
        ),
    ),
    DemoCase(
        key="township-pediatrics-bijie",
        reporter="乌蒙山里的妈妈",
        title="乡卫生院没有儿科医生，孩子半夜发烧要跑四十公里",
        description=(
            "我们乡卫生院只有两个全科医生，晚上不接诊，也没有儿科。"
            "上周我家老二半夜烧到 39 度多，只能叫车跑四十公里山路去区医院，路上折腾了两个小时。"
            "乡里几千个孩子，连个会看小孩的医生都没有。"
        ),
        topic="health",
        region="520502",
        point=None,
        photos=(),
        days_ago=8,
        at="22:15",
    ),
    DemoCase(
        key="school-cracks-wenchuan",
        reporter="山里的老师",
        title="村小教学楼外墙出现多条裂缝，孩子们还在里面上课",
        description=(
            "我是村小的老师。今年雨季以后，教学楼正面外墙出现了好几条裂缝，"
            "最长的一条从二楼窗户一直裂到一楼，一楼教室的墙角也开始掉灰。"
            "学校报给了镇上，说要等鉴定，可孩子们每天还在这栋楼里上课。"
            "这里是地震过的地方，大家心里都很怕。"
        ),
        topic="education",
        region="513221",
        point=(31.4757, 103.5906),
        photos=("school_cracks", "school_cracks"),
        days_ago=26,
        at="17:40",
    ),
    DemoCase(
        key="winter-classroom-bijie",
        reporter="支教的小满",
        title="山里村小冬天没有取暖，教室窗户玻璃也是破的",
        description=(
            "我在一所村小支教，全校 86 个学生，大部分是留守儿童。冬天早上教室里只有两三度，"
            "好几扇窗户玻璃破了，用塑料布钉着挡风。孩子们手上都是冻疮，写字都握不住笔。"
            "想请大家帮忙：换玻璃，再给每间教室配一台取暖器。"
        ),
        topic="education",
        region="520502",
        point=(27.2985, 105.3050),
        photos=(),
        days_ago=15,
        at="09:30",
    ),
    DemoCase(
        key="migrant-school-haidian",
        reporter="haidian-parent",
        title="Migrant children's school told to close in the middle of term",
        description=(
            "Our children's school in the west of Haidian, a private school for the children "
            "of migrant workers, told parents last Friday that it must close in two weeks "
            "because the building 'does not meet requirements'. About 400 children study "
            "there.\n\n"
            "Nobody has told us which public schools will take them, and most of us do not "
            "have the local hukou or the papers the public schools ask for. We are not against "
            "safety checks, but the children need somewhere to go before the school shuts. "
            "What can we ask the district education commission for?"
        ),
        topic="education",
        region="110108",
        point=None,
        photos=(),
        days_ago=21,
        at="20:45",
        responses=(
            DemoResponse(
                "acknowledge",
                "pro-bono-oak",
                48,
                "We have seen this before. Ask the district education commission, in writing, "
                "for its plan to place the pupils in other schools (学生分流安置方案): it must "
                "have one before a school is closed. A volunteer lawyer can help the parents "
                "draft the letter this weekend. Reply here if you want that.",
            ),
        ),
    ),
    DemoCase(
        key="metro-lift-pudong",
        reporter="wheels-in-pudong",
        title="Metro exit lift out of service for three weeks",
        description=(
            "The only lift at the east exit of my metro station has had a 'under maintenance' "
            "barrier in front of it for more than three weeks, with no date for the repair. "
            "The other exits have only stairs or escalators.\n\n"
            "As a wheelchair user I now ride one stop further and roll 1.5 km back along a "
            "busy road. I asked the station staff twice; they say it is waiting for parts. "
            "The photo shows the stairs I cannot use."
        ),
        topic="disability",
        region="310115",
        point=(31.2214, 121.5447),
        photos=("stairs_no_ramp",),
        days_ago=38,
        at="18:20",
        responses=(
            DemoResponse(
                "acknowledge",
                "ramp-mapper",
                10,
                "Thanks for reporting this. We have written to the metro operator's customer "
                "service and to the district disabled persons' federation, and will ask again "
                "every week until there is a date.",
            ),
            DemoResponse(
                "start_progress",
                "ramp-mapper",
                75,
                "The operator replied: the lift's motor is being replaced and the parts arrive "
                "next week. Until then they promised staff with a stair-climber at that exit. "
                "Please tell us if nobody is there.",
            ),
            DemoResponse(
                "close",
                "wheels-in-pudong",
                216,
                "The lift has been working again since Monday. Thank you all!",
            ),
        ),
    ),
    DemoCase(
        key="clinic-steps-chaoyang",
        reporter="轮椅上的北京",
        title="新开的社区卫生服务中心只有台阶没有坡道，轮椅进不去",
        description=(
            "小区旁边新开了社区卫生服务中心，门口七级台阶，没有坡道，也没有呼叫铃。"
            "我坐轮椅，上周去打疫苗，只能在楼下等保安找人把我抬上去。"
            "社区里坐轮椅的老人、推婴儿车的家长都很不方便。"
        ),
        topic="disability",
        region="110105",
        point=(39.9215, 116.4434),
        photos=("stairs_no_ramp",),
        days_ago=24,
        at="15:10",
        responses=(
            DemoResponse(
                "acknowledge",
                "无障碍阿明",
                22,
                "谢谢反映。按照《无障碍环境建设法》，新建的公共服务场所应当配套无障碍设施。"
                "我们这周去现场量一下台阶尺寸，然后和街道、卫生服务中心沟通。",
            ),
            DemoResponse(
                "start_progress",
                "无障碍阿明",
                150,
                "已经和街道、中心负责人现场看过，中心同意先装临时坡道和呼叫铃，"
                "永久坡道列入下个月的改造，我们会跟到完工。",
            ),
        ),
    ),
    DemoCase(
        key="tactile-paving-lucheng",
        reporter="听见温州",
        title="人行道上的盲道被共享单车和摊位占满",
        description=(
            "我是视障人士，每天走这段路去按摩店上班。最近盲道上横七竖八停满了共享单车，"
            "早上还有早点摊直接摆在盲道上，我已经被绊倒过两次。照片是朋友帮我拍的。"
            "希望能划好停车区，也请大家停车时看一眼脚下的盲道。"
        ),
        topic="disability",
        region="330302",
        point=(28.0150, 120.6550),
        photos=("blocked_sidewalk",),
        days_ago=10,
        at="11:00",
    ),
    DemoCase(
        key="flood-shelter-poyang",
        reporter="鄱阳湖边",
        title="圩堤决口后，安置点缺饮用水和常用药",
        description=(
            "昨晚圩堤决口，我们村和旁边两个村都进了水，水已经淹到一楼窗户。"
            "现在三百多人安置在镇中学，饮用水只够今天，老人的降压药、糖尿病药很多人没来得及带出来，"
            "还缺小孩的奶粉和尿不湿。"
        ),
        topic="disaster-relief",
        region="361128",
        point=(29.0057, 116.7031),
        photos=("flooded_street", "flooded_street"),
        days_ago=30,
        at="05:50",
        responses=(
            DemoResponse(
                "acknowledge",
                "口罩达人-星星",
                7,
                "收到！我们在九江的志愿者明天一早开车过去。请安置点的负责人把缺的药名和数量发在这里，"
                "我们按清单去配。",
            ),
            DemoResponse(
                "start_progress",
                "口罩达人-星星",
                30,
                "第一车已经送到镇中学：瓶装水 200 箱、奶粉 40 罐、尿不湿 60 包。"
                "药品按清单配好了，明天跟第二车送到。",
            ),
        ),
    ),
    DemoCase(
        key="sandbags-wuhe",
        reporter="五河圩区村民",
        title="淮河涨水，沿河低洼的几个村急需沙袋和救生衣",
        description=(
            "这两天淮河水位涨得很快，我们圩区几个村地势低，村里正在自己加固堤埂，"
            "但沙袋不够，救生衣全村只有十几件。村里留守的多是老人和孩子，万一要转移很危险。"
        ),
        topic="disaster-relief",
        region="340322",
        point=(33.1400, 117.8850),
        photos=("flooded_street",),
        days_ago=31,
        at="16:30",
        responses=(
            DemoResponse(
                "acknowledge",
                "河边取样员",
                6,
                "我们在五河有志愿者，正在联系县里的防汛物资点，也在募集救生衣。",
            ),
            DemoResponse(
                "resolve",
                "守望者阿河",
                75,
                "2000 条编织袋和 60 件救生衣已经送到村委会，县防汛办也派了一台挖机帮忙加固堤埂。"
                "如果还需要转移老人，请在这里留言。",
            ),
        ),
    ),
    DemoCase(
        key="landslide-ludian",
        reporter="鲁甸乡亲",
        title="山体滑坡后，村里通往镇上的路断了三天",
        description=(
            "前天夜里下大雨，村口那段山坡塌下来，把通往镇上的唯一一条路埋了五十多米。"
            "村里有两位要定期透析的病人出不去，小卖部的米和油也快卖完了。"
            "挖机进不来，只能等人工清理。"
        ),
        topic="disaster-relief",
        region="530621",
        point=(27.1917, 103.5580),
        photos=(),
        days_ago=5,
        at="07:40",
    ),
    DemoCase(
        key="broken-bridge-fengtai",
        reporter="凤台放学路",
        title="村口石板桥桥面塌了一个大洞，每天还有电动车和学生经过",
        description=(
            "村口那座石板桥，桥面中间塌了一个脸盆大的洞，旁边的桥板也裂了。"
            "村里只拿一个路障挡了一下，晚上没有灯，骑电动车的人根本看不见。"
            "这是孩子们上学的必经之路，桥下的河沟有两米多深。"
        ),
        topic="public-safety",
        region="340421",
        point=(32.7090, 116.7110),
        photos=("cracked_bridge", "cracked_bridge"),
        days_ago=20,
        at="13:15",
    ),
    DemoCase(
        key="tangled-wires-baoan",
        reporter="城中村租客",
        title="城中村电线私拉乱接，上周刚起过一次火",
        description=(
            "我住的城中村巷子里，头顶的电线缠成一团，很多是房东私拉的，电动车也在楼道里充电。"
            "上周隔壁楼的电表箱起火，墙都熏黑了，幸好发现得早。"
            "这条巷子消防车根本开不进来。"
        ),
        topic="public-safety",
        region="440306",
        point=(22.5620, 113.8790),
        photos=("tangled_wires",),
        days_ago=6,
        at="23:40",
    ),
    DemoCase(
        key="dibao-yingshang",
        reporter=None,
        title="村里的低保名额给了村干部的亲戚",
        description=(
            "我们村今年的低保名单里，有好几户家里开着店、买了车，都是村干部的亲戚；"
            "真正困难的几户，包括一位瘫在床上的老人，申请了两年都没评上。"
            "名单没在村务公开栏公示过。我不敢实名，怕以后在村里待不下去。"
        ),
        topic="corruption",
        region="341226",
        point=None,
        photos=(),
        days_ago=27,
        at="21:30",
        responses=(
            DemoResponse(
                "acknowledge",
                "蒲公英律师-老陈",
                40,
                "低保名单依规应当在村里公示。可以先向乡镇政府书面申请公开名单，"
                "也可以向乡镇纪委反映。我们可以帮你写材料，不需要公开你的身份。",
            ),
        ),
    ),
    DemoCase(
        key="reconstruction-funds-ludian",
        reporter=None,
        title="灾后重建补助款被层层克扣，每户少发三千元",
        description=(
            "地震后的农房重建补助，文件上写的是每户两万，可发到我们手上只有一万七。"
            "问村里，说是扣了“管理费”，没有任何收据。全村一百多户都是这样。"
        ),
        topic="corruption",
        region="530621",
        point=None,
        photos=(),
        days_ago=16,
        at="22:50",
    ),
    DemoCase(
        key="collective-land-lufeng",
        reporter=None,
        title="村集体土地未经村民表决被卖给开发商，补偿款至今没发",
        description=(
            "村里一百多亩集体耕地，去年被村委会转给了一家开发商，事先没开村民大会，"
            "也没人见过合同。现在挖机已经进场了，地里的庄稼都被推平，"
            "说好的补偿款一分没发。照片是这个星期拍的。"
        ),
        topic="housing-land",
        region="441581",
        point=(22.9447, 115.6445),
        photos=("excavator_field", "excavator_field"),
        days_ago=35,
        at="11:45",
        responses=(
            DemoResponse(
                "acknowledge",
                "蒲公英律师-老陈",
                30,
                "处分集体土地需要经村民会议三分之二以上成员或者三分之二以上村民代表同意。"
                "请先向镇政府申请公开转让合同和相关决议，我们的律师会协助。",
            ),
            DemoResponse(
                "start_progress",
                "蒲公英律师-老陈",
                150,
                "已代二十多户村民向镇政府和市自然资源局递交了信息公开申请，法定答复期限是二十个工作日。",
            ),
        ),
    ),
    DemoCase(
        key="demolition-yuelu",
        reporter="岳麓山下老住户",
        title="拆迁补偿还没谈好，房子就被断水断电",
        description=(
            "我们这片老房子要拆迁，补偿方案大家还在谈，有几户没签字。"
            "这个星期开始，没签字的人家被断了水电，门口的路也被挖断了，"
            "家里有八十多岁的老人。请问这样做合法吗？"
        ),
        topic="housing-land",
        region="430104",
        point=(28.2290, 112.9380),
        photos=("excavator_field",),
        days_ago=9,
        at="08:05",
    ),
    DemoCase(
        key="work-injury-baoan",
        reporter="五金厂小黄",
        title="在厂里被冲床压伤手指，老板不给认定工伤",
        description=(
            "上个月在五金厂操作冲床，左手两根手指被压断了。厂里付了医药费，"
            "但老板说我是临时工，不给申报工伤，现在让我回老家休养，工资也停了。"
            "我没签劳动合同，有工牌和微信上发的工资记录。想找免费的律师。"
        ),
        topic="legal-aid",
        region="440306",
        point=None,
        photos=(),
        days_ago=41,
        at="13:00",
        responses=(
            DemoResponse(
                "acknowledge",
                "nanling-caseworker",
                20,
                "没签合同也能申请工伤认定，工牌和工资记录就是证明劳动关系的证据，请保存好。"
                "工伤认定申请有一年期限，我们明天联系你。",
            ),
            DemoResponse(
                "start_progress",
                "nanling-caseworker",
                72,
                "已经陪你向区人社局递交了工伤认定申请和劳动关系证明材料。",
            ),
            DemoResponse(
                "resolve",
                "劳权中心-小林",
                384,
                "人社局已作出工伤认定，下一步是劳动能力鉴定和工伤待遇，我们会继续协助。",
            ),
        ),
    ),
    DemoCase(
        key="deposit-haidian",
        reporter="exchange-student-bj",
        title="Landlord kept my deposit and changed the locks",
        description=(
            "I am an exchange student. My lease ended last month and I moved out on the "
            "agreed day, leaving the flat clean. The landlord refuses to return my deposit of "
            "two months' rent, saying the walls need repainting, and changed the locks while "
            "some of my things were still inside.\n\n"
            "I have the contract, the bank transfer records and photos of the flat on the day "
            "I left. I can't afford a lawyer. Is there free legal help for foreign students?"
        ),
        topic="legal-aid",
        region="110108",
        point=None,
        photos=(),
        days_ago=22,
        at="10:30",
        responses=(
            DemoResponse(
                "acknowledge",
                "pro-bono-oak",
                26,
                "Yes, we can help. Keep the contract, the transfer records and your photos, and "
                "write down what was left in the flat. A volunteer lawyer who speaks English will "
                "contact you this week.",
            ),
            DemoResponse(
                "close",
                "exchange-student-bj",
                288,
                "After the lawyer's letter the landlord returned the deposit, less 300 yuan for "
                "cleaning, and I got my things back. Thank you very much.",
            ),
        ),
    ),
    DemoCase(
        key="rumour-check-lucheng",
        reporter="温州路人",
        title="网上传“动车事故中有外国乘客遇难”，有人能核实吗？",
        description=(
            "这两天朋友圈和微博都在转，说那次动车事故里有一名外国乘客遇难，官方隐瞒了。"
            "转的人很多，但都没有出处。有没有人能核实一下？"
        ),
        topic="other",
        region="330302",
        point=None,
        photos=(),
        days_ago=3,
        at="09:10",
        responses=(
            DemoResponse(
                "close",
                "minjian-admin",
                20,
                "经核实，这个说法找不到任何可靠来源，最早的帖子已被发帖人删除，"
                "多家媒体和遇难者名单都没有相关记录。本案关闭。"
                "请不要转发未经核实的消息，也不要对任何人进行“人肉搜索”。",
            ),
        ),
    ),
)
