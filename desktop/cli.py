"""Command-line commands. Nothing here imports PySide6.

Errors: one Chinese line on stderr and exit code 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TextIO

from desktop import __version__
from models.core.errors import DeskError

if TYPE_CHECKING:  # the window path must not pay for SQLAlchemy before it shows
    from models.core.database import Database

log = logging.getLogger(__name__)

PROG = "emergency-desk"
# models.plans.entities.PLAN_KINDS, repeated so that parsing arguments does not import SQLAlchemy
# (the window is shown before it is imported); tests/cli checks that the two agree.
TEMPLATE_KINDS = {"comprehensive": "综合应急预案", "special": "专项应急预案", "onsite": "现场处置方案",
                  "card": "应急处置卡"}
# models.drills.evaluation.form_keys(), repeated for the same reason (tests/cli checks that they agree)
EVALUATION_FORMS = {"live": "实战演练评估表", "tabletop": "桌面演练评估表"}
PLAN_STATUS_KEYS = ("draft", "reviewing", "published", "filed", "revising", "retired")  # models' PLAN_STATUSES
HAZARD_STATUS_KEYS = ("open", "rectifying", "recheck", "closed")  # models/oversight/refdata/hazards.json statuses
STYLE_KEYS = ("default", "gbt9704")  # exports.styles.STYLE_KEYS
DRILL_DOCUMENTS = {"work-plan": "build_work_plan", "script": "build_script", "support-plan": "build_support_plan",
                   "sign-in": "build_sign_in", "record": "build_record"}  # plans.drills.documents


# --- a parser that speaks Chinese --------------------------------------------------------------------

_ARGPARSE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少参数：\1"),
    (re.compile(r"unrecognized arguments: (.+)"), r"无法识别的参数：\1"),
    (re.compile(r"argument (\S+): invalid choice: (\S+) \(choose from (.+)\)"),
     r"参数 \1 的取值 \2 无效（可选：\3）"),
    (re.compile(r"argument (\S+): invalid int value: (\S+)"), r"参数 \1 需要整数，收到 \2"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 需要一个值"),
    (re.compile(r"argument (\S+): (.+)"), r"参数 \1：\2"),  # our own type checks' Chinese messages
]

_HELP_WORDS = {"usage: ": "用法：", "positional arguments:": "命令与参数：", "options:": "选项：",
               "show this help message and exit": "显示帮助并退出"}


class ChineseParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_ERRORS:
            if pattern.search(message):
                message = pattern.sub(replacement, message)
                break
        else:
            message = f"参数错误：{message}"
        self.exit(2, f"{self.prog}：{message}（用 --help 查看用法）\n")

    def format_help(self) -> str:
        return _translate_help(super().format_help())

    def format_usage(self) -> str:
        return _translate_help(super().format_usage())


def _translate_help(text: str) -> str:
    for english, chinese in _HELP_WORDS.items():
        text = text.replace(english, chinese)
    return text


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是天数（0 到 3660 的整数）") from None
    if not 0 <= value <= 3660:
        raise argparse.ArgumentTypeError(f"天数 {value} 应在 0 到 3660 之间")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace("T", " "))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD HH:MM 格式的时间") from None


def build_parser() -> ChineseParser:
    parser = ChineseParser(prog=PROG, description="应急预案与演练管理系统。不带命令时打开主窗口。")
    parser.add_argument("--db", metavar="URL|路径",
                        help="数据库：SQLite 文件路径或 SQLAlchemy 地址（默认读取 EMERGENCY_DESK_DB，"
                             "否则为用户数据目录下的 emergency-desk.sqlite）")
    parser.add_argument("--demo", action="store_true", help="打开演示数据库（为空时自动生成演示数据）")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}",
                        help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)

    demo = commands.add_parser("demo", help="生成演示数据")
    demo.add_argument("--scale", choices=["small", "district", "city"], default="small",
                      help="规模：small 约 50 家企业，district 约 2000 家，city 10000 家")
    demo.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    demo.add_argument("--if-empty", action="store_true", help="数据库中已有企业时什么也不做")

    listing = commands.add_parser("list", help="列出数据")
    what = listing.add_subparsers(dest="what", metavar="对象", required=True, parser_class=ChineseParser)
    ent = what.add_parser("enterprises", help="企业名录")
    ent.add_argument("--json", action="store_true", help="输出 JSON 数组")
    ent.add_argument("--search", default="", help="按名称、信用代码、地址筛选")
    ent.add_argument("--deleted", action="store_true", help="列出回收站中的企业")
    plans = what.add_parser("plans", help="应急预案（含备案、评估、修订期限）")
    plans.add_argument("--enterprise", type=int, metavar="企业ID", help="只列出该企业的预案")
    plans.add_argument("--json", action="store_true", help="输出 JSON 数组")
    plans.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天计算期限（默认今天）")
    drills = what.add_parser("drills", help="应急演练（状态、日期、检验的预案、评估得分和结论）")
    drills.add_argument("--enterprise", type=int, metavar="企业ID", help="只列出该企业的演练")
    drills.add_argument("--json", action="store_true", help="输出 JSON 数组")
    oblig = what.add_parser("drill-obligations", help="演练频次要求：上次演练、下次到期、逾期天数")
    oblig.add_argument("--enterprise", type=int, metavar="企业ID", help="只列出该企业")
    oblig.add_argument("--json", action="store_true", help="输出 JSON 数组")
    oblig.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）")

    sup = what.add_parser("supplies", help="应急物资库存：物资、批次、储备库、账面与可用数量、有效期、预警")
    sup.add_argument("--warehouse", type=int, metavar="储备库ID", help="只列出该储备库")
    sup.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天判断可用与预警（默认今天）")
    sup.add_argument("--json", action="store_true", help="输出 JSON 数组")
    short = what.add_parser("supply-shortfalls",
                            help="应急物资缺口：GB 30077 作业场所最低配备与预案所需物资（按可用库存）、预案应急值守人员（按当班人数）")
    short.add_argument("--enterprise", type=int, metavar="企业ID", help="只列出该企业")
    short.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天判断可用（默认今天）")
    short.add_argument("--all", action="store_true", help="也列出已满足的条目")
    short.add_argument("--json", action="store_true", help="输出 JSON 数组")

    teams = what.add_parser("teams", help="救援队伍：就绪状态（就绪、基本就绪、不就绪）及每项因素的数值和说明")
    teams.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）")
    teams.add_argument("--json", action="store_true", help="输出 JSON 数组")
    what.add_parser("duty-points", help="值班点（应急值班室、救援队伍值班点）及其 ID").add_argument(
        "--json", action="store_true", help="输出 JSON 数组")
    ros = what.add_parser("roster", help="一个值班点的值班表：各班次的带班领导和值班员，以及排班问题")
    ros.add_argument("--point", type=int, required=True, metavar="值班点ID", help="值班点（list duty-points 列出）")
    ros.add_argument("--from", dest="start", type=_iso_date, required=True, metavar="YYYY-MM-DD", help="起始值班日")
    ros.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="YYYY-MM-DD", help="结束值班日（含）")
    ros.add_argument("--json", action="store_true", help="输出 JSON 对象")
    # oversight: hidden hazards and the blacklist (cmd_hazards)
    hz = what.add_parser("hazards", help="隐患：企业、检查部门、等级、状态、整改期限、逾期天数、挂牌督办")
    hz.add_argument("--status", choices=HAZARD_STATUS_KEYS, help="只列出该状态（open 待整改、rectifying 整改中、"
                                                                 "recheck 待复查、closed 已销号）")
    hz.add_argument("--overdue", action="store_true", help="只列出逾期未整改的隐患")
    hz.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天判断逾期（默认今天）")
    hz.add_argument("--json", action="store_true", help="输出 JSON 数组")
    bl = commands.add_parser("blacklist", help="黑名单：在册企业、建议列入的企业及理由、列入和移出（保留全部历史）")
    blsub = bl.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    bl_list = blsub.add_parser("list", help="列出黑名单（默认在册的；--history 含已移出的全部记录）")
    bl_list.add_argument("--history", action="store_true", help="列出全部历史记录（含已移出的）")
    bl_list.add_argument("--json", action="store_true", help="输出 JSON 数组")
    bl_sug = blsub.add_parser("suggest", help="按黑名单建议规则列出建议列入的企业及理由（已在册的不列）")
    bl_sug.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天统计（默认今天）")
    bl_sug.add_argument("--json", action="store_true", help="输出 JSON 数组")
    for name, label in (("add", "列入"), ("remove", "移出")):
        bl_cmd = blsub.add_parser(name, help=f"把一家企业{label}黑名单")
        bl_cmd.add_argument("enterprise", type=int, metavar="企业ID", help="企业（list enterprises 列出）")
        bl_cmd.add_argument("--reason", required=True, metavar="理由", help=f"{label}理由")
        bl_cmd.add_argument("--by", required=True, metavar="决定人", help="作出决定的人或会议")
        bl_cmd.add_argument("--on", type=_iso_date, metavar="YYYY-MM-DD", help=f"{label}日期（默认今天）")
        if name == "add":
            bl_cmd.add_argument("--decision-no", default="", metavar="文号", help="决定文号")
    # -- incidents (事故信息): list incidents, incident add
    inc = what.add_parser("incidents", help="事故信息：事故等级、接报和上报时间、迟报分钟数")
    inc.add_argument("--from", dest="start", type=_iso_date, metavar="YYYY-MM-DD", help="接报日期起（含）")
    inc.add_argument("--to", dest="end", type=_iso_date, metavar="YYYY-MM-DD", help="接报日期止（含）")
    inc.add_argument("--grade", metavar="等级", help="只列该等级：特别重大、重大、较大、一般（或 extraordinary、major、larger、general）")
    inc.add_argument("--late", action="store_true", help="只列迟报的和超时未报的")
    inc.add_argument("--json", action="store_true", help="输出 JSON 数组")
    inc_cmd = commands.add_parser("incident", help="事故信息登记")
    inc_sub = inc_cmd.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    inc_add = inc_sub.add_parser("add", help="登记一起事故（按死亡、重伤人数和直接经济损失定级）")
    inc_add.add_argument("--title", required=True, metavar="名称", help="事故名称")
    inc_add.add_argument("--received", required=True, type=_moment, metavar="\"YYYY-MM-DD HH:MM\"", help="接报时间")
    inc_add.add_argument("--reported", type=_moment, metavar="\"YYYY-MM-DD HH:MM\"", help="上报时间（未上报不填）")
    inc_add.add_argument("--occurred", type=_moment, metavar="\"YYYY-MM-DD HH:MM\"", help="发生时间")
    inc_add.add_argument("--deaths", type=int, default=0, metavar="人数", help="死亡人数")
    inc_add.add_argument("--injuries", type=int, default=0, metavar="人数", help="重伤人数")
    inc_add.add_argument("--loss", type=float, default=0.0, metavar="万元", help="直接经济损失（万元）")
    inc_add.add_argument("--kind", default="other", metavar="类型", help="事故类型（如 道路交通事故、火灾事故，或 road、fire）")
    inc_add.add_argument("--enterprise", type=int, metavar="企业ID", help="事发企业")
    inc_add.add_argument("--location", default="", metavar="地点", help="事发地点")
    inc_add.add_argument("--json", action="store_true", help="输出 JSON 对象")

    due = commands.add_parser("due", help="到期和逾期事项（预案备案、审查、评估、修订，演练，整改，物资，证书，协议，值班，队伍就绪，隐患整改，事故上报和补报），最紧急的在前")
    due.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）")
    due.add_argument("--within", type=_days, default=30, metavar="天数", help="列出多少天内到期的事项（默认 30；逾期的总列出）")
    due.add_argument("--enterprise", type=int, metavar="企业ID", help="只列这家企业的事项")
    due.add_argument("--json", action="store_true", help="输出 JSON 数组")
    due.add_argument("--out", type=Path, metavar="文件.xlsx", help="导出为 Excel 工作簿（与首页“导出Excel”相同的列）")

    imp = commands.add_parser("import", help="导入数据")
    impsub = imp.add_subparsers(dest="what", metavar="对象", required=True, parser_class=ChineseParser)
    imp_plan = impsub.add_parser("plan", help="从 Word 文件（.docx）导入一份预案（存为草稿）")
    imp_plan.add_argument("file", metavar="文件.docx")
    imp_plan.add_argument("--enterprise", type=int, required=True, metavar="企业ID")
    imp_plan.add_argument("--kind", choices=list(TEMPLATE_KINDS),
                          default="comprehensive", help="预案类型（默认 comprehensive 综合应急预案）")
    imp_plan.add_argument("--number", metavar="预案编号", help="默认取封面上的预案编号（不取文件名）")
    imp_plan.add_argument("--title", metavar="预案名称", help="默认取封面或文档的标题")
    imp_sup = impsub.add_parser("supplies", help="从 Excel（.xlsx，导入模板）导入物资品目、批次和出入库记录（全部正确才写入）")
    imp_sup.add_argument("file", metavar="文件.xlsx")
    imp_sup.add_argument("--error-report", metavar="文件.xlsx", help="有错误时写出错误报告（原始行加错误说明）")

    imp_teams = impsub.add_parser("teams", help="从 Excel（.xlsx，导入模板）导入救援队伍、队员和证书（全部正确才写入）")
    imp_teams.add_argument("file", metavar="文件.xlsx")
    imp_teams.add_argument("--error-report", metavar="文件.xlsx", help="有错误时写出错误报告（原始行加错误说明）")

    cal = commands.add_parser("calendar", help="节假日安排（工作日计算用）")
    calsub = cal.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    cal_import = calsub.add_parser("import", help="录入或更正某一年的节假日安排（JSON，格式同内置文件）")
    cal_import.add_argument("file", metavar="文件", help="JSON 文件：year、source、holidays、workdays")
    calsub.add_parser("list", help="列出已有节假日安排的年份及来源")

    exp = commands.add_parser("export", help="导出文档和表格：预案（Word、PDF）、批量归档、演练档案、物资台账和标签、值班表、导入模板")
    expsub = exp.add_subparsers(dest="what", metavar="对象", required=True, parser_class=ChineseParser)
    exp_plan = expsub.add_parser("plan", help="把一份预案导出为 Word（.docx）或 PDF")
    exp_plan.add_argument("plan_id", type=int, metavar="预案ID")
    exp_plan.add_argument("--format", choices=["docx", "pdf"], help="默认按 --out 的扩展名")
    exp_plan.add_argument("--out", metavar="文件", help="输出文件（.docx 或 .pdf；--check 时不需要）")
    exp_plan.add_argument("--style", choices=list(STYLE_KEYS), default="default",
                          help="版式：default 默认样式，gbt9704 GB/T 9704 样式")
    exp_plan.add_argument("--version", type=int, metavar="版次", help="导出第几版（默认：已发布预案的最新版，否则草稿）")
    exp_plan.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="附件中实时数据的截止日期（默认今天）")
    exp_plan.add_argument("--check", action="store_true",
                          help="只做打印前检查并列出问题，不导出（有问题时退出码为 1）")
    exp_arc = expsub.add_parser("archive", help="按条件批量导出预案 PDF（可含 Word），附 manifest.csv/manifest.json")
    exp_arc.add_argument("--out", required=True, metavar="文件夹|文件.zip", help="输出文件夹，或以 .zip 结尾的压缩包")
    exp_arc.add_argument("--enterprise", type=int, metavar="企业ID")
    exp_arc.add_argument("--department", metavar="监管部门", help="监管部门的名称或代码")
    exp_arc.add_argument("--kind", choices=list(TEMPLATE_KINDS), help="预案类型")
    exp_arc.add_argument("--status", choices=list(PLAN_STATUS_KEYS), help="预案状态")
    exp_arc.add_argument("--from", dest="published_from", type=_iso_date, metavar="YYYY-MM-DD", help="发布日期起")
    exp_arc.add_argument("--to", dest="published_to", type=_iso_date, metavar="YYYY-MM-DD", help="发布日期止")
    exp_arc.add_argument("--docx", action="store_true", help="同时导出 Word 文档")
    exp_arc.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式")
    exp_arc.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="附件中实时数据的截止日期（默认今天）")

    exp_drill = expsub.add_parser("drill", help="导出演练文档（评估报告、演练文件、演练档案）为 Word（.docx）或 PDF")
    exp_drill.add_argument("drill_id", type=int, metavar="演练ID")
    exp_drill.add_argument("--kind", choices=["evaluation", "summary", "score-sheet", "dossier", *DRILL_DOCUMENTS],
                           default="evaluation",
                           help="evaluation 评估报告，summary 总结报告，score-sheet 纸面评分用的空白评分表，dossier 演练档案"
                                "（含目次），work-plan 工作方案，script 演练脚本，support-plan 保障方案，sign-in 签到表，"
                                "record 演练记录")
    exp_drill.add_argument("--out", required=True, metavar="文件", help="输出文件（.docx 或 .pdf）")
    exp_drill.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式")
    exp_drill.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="整改逾期按哪一天计算（默认今天）")

    exp_year = expsub.add_parser("drill-plan", help="导出一家企业的年度演练计划（频次要求和各次演练）为 Word 或 PDF")
    exp_year.add_argument("--enterprise", type=int, required=True, metavar="企业ID")
    exp_year.add_argument("--year", type=int, required=True, metavar="年份")
    exp_year.add_argument("--out", required=True, metavar="文件", help="输出文件（.docx 或 .pdf）")
    exp_year.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式")
    exp_year.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="计划执行情况的截止日期（默认今天）")

    exp_ledger = expsub.add_parser("stock-ledger", help="导出应急物资出入库台账（或库存结存、到期预警、低于最低库存）为 Excel")
    exp_ledger.add_argument("--out", required=True, metavar="文件.xlsx")
    exp_ledger.add_argument("--list", choices=list(SUPPLY_LISTS), default="ledger",
                            help="ledger 出入库台账（默认），balances 库存结存，expiring 到期预警，shortfalls 物资缺口（低于最低库存、GB 30077、预案所需物资与应急值守人员）")
    exp_ledger.add_argument("--warehouse", type=int, metavar="储备库ID", help="只导出该储备库")
    exp_ledger.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天判断可用与预警（默认今天）")
    exp_card = expsub.add_parser("stock-card", help="导出一种物资的台账卡（库存、出入库明细、检查记录）为 PDF 或 Word")
    exp_card.add_argument("item_id", type=int, metavar="物资ID")
    exp_card.add_argument("--out", required=True, metavar="文件", help="输出文件（.pdf 或 .docx）")
    exp_card.add_argument("--warehouse", type=int, metavar="储备库ID", help="只含该储备库（默认全部）")
    exp_card.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式")
    exp_card.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="按哪一天判断可用与预警（默认今天）")
    exp_inv = expsub.add_parser("inventory", help="导出一个储备库的库存盘点表为 PDF 或 Word")
    exp_inv.add_argument("warehouse_id", type=int, metavar="储备库ID")
    exp_inv.add_argument("--out", required=True, metavar="文件", help="输出文件（.pdf 或 .docx）")
    exp_inv.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式")
    exp_inv.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="盘点日期（默认今天）")
    exp_lab = expsub.add_parser("labels", help="打印物资标签（二维码或条形码，A4 标签纸）为 PDF")
    exp_lab.add_argument("--out", required=True, metavar="文件.pdf")
    exp_lab.add_argument("--warehouse", type=int, metavar="储备库ID", help="该储备库在库的每个批次")
    exp_lab.add_argument("--item", type=int, metavar="物资ID", help="该物资在库的每个批次")
    exp_lab.add_argument("--batch", type=int, action="append", metavar="批次ID", help="指定批次（可重复）")
    exp_lab.add_argument("--code", choices=["qr", "code128"], default="qr", help="qr 二维码（默认），code128 条形码")
    exp_lab.add_argument("--sheet", choices=["3x8", "2x7"], default="3x8",
                         help="标签纸：3x8 每页 24 枚 70×37 mm（默认），2x7 每页 14 枚 99.1×38.1 mm")
    exp_lab.add_argument("--skip", type=int, default=0, metavar="枚数", help="第一页跳过已用掉的标签数")
    exp_lab.add_argument("--outline", action="store_true", help="画出标签边框（用普通 A4 纸打印后裁切）")
    exp_tpl = expsub.add_parser("supplies-template", help="导出应急物资导入模板（.xlsx，含下拉选项）")
    exp_tpl.add_argument("--out", required=True, metavar="文件.xlsx")

    exp_ttpl = expsub.add_parser("teams-template", help="导出救援队伍导入模板（.xlsx，含下拉选项）")
    exp_ttpl.add_argument("--out", required=True, metavar="文件.xlsx")
    exp_roster = expsub.add_parser("roster", help="导出一个值班点的值班表（周表、月表，A4 横向）为 PDF、Word 或 Excel")
    exp_roster.add_argument("--point", type=int, metavar="值班点ID",
                            help="值班点（list duty-points 列出；默认本局的应急值班室）")
    exp_roster.add_argument("--from", dest="start", type=_iso_date, required=True, metavar="YYYY-MM-DD", help="起始值班日")
    exp_roster.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="YYYY-MM-DD",
                            help="结束值班日（含；PDF、Word 一次最多 62 天）")
    exp_roster.add_argument("--out", required=True, metavar="文件", help="输出文件（.pdf、.docx 或 .xlsx）")
    exp_roster.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式（PDF、Word）")

    exp_verify = expsub.add_parser("verify", help="按 manifest.json 重新计算归档文件夹中各文件的 SHA-256")
    exp_verify.add_argument("folder", metavar="归档文件夹")

    tpl = commands.add_parser("template", help="预案模板（管理员可修改）")
    tplsub = tpl.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    tplsub.add_parser("list", help="列出各类预案正在使用的模板及其版本")
    tpl_export = tplsub.add_parser("export", help="把正在使用的模板导出为 JSON 文件（修改后再导入）")
    tpl_export.add_argument("kind", choices=list(TEMPLATE_KINDS), metavar="类型",
                            help="comprehensive、special、onsite 或 card")
    tpl_export.add_argument("--out", required=True, metavar="文件.json")
    tpl_import = tplsub.add_parser("import", help="导入修改后的模板 JSON，作为该类预案的新模板版本")
    tpl_import.add_argument("file", metavar="文件.json")
    tpl_import.add_argument("--note", default="", metavar="说明", help="修改说明（记入模板版本）")
    tpl_reset = tplsub.add_parser("reset", help="恢复内置模板（已有预案仍按其创建时的模板检查）")
    tpl_reset.add_argument("kind", choices=list(TEMPLATE_KINDS), metavar="类型",
                           help="comprehensive、special、onsite 或 card")

    evf = commands.add_parser("evaluation-form", help="演练评估表（管理员可修改）")
    evfsub = evf.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    evfsub.add_parser("list", help="列出正在使用的演练评估表及其版本")
    evf_export = evfsub.add_parser("export", help="把正在使用的评估表导出为 JSON 文件（修改后再导入）")
    evf_export.add_argument("key", choices=list(EVALUATION_FORMS), metavar="评估表", help="live 或 tabletop")
    evf_export.add_argument("--out", required=True, metavar="文件.json")
    evf_import = evfsub.add_parser("import", help="导入修改后的评估表 JSON，作为该评估表的新版本")
    evf_import.add_argument("file", metavar="文件.json")
    evf_import.add_argument("--note", default="", metavar="说明", help="修改说明（记入评估表版本）")
    evf_reset = evfsub.add_parser("reset", help="恢复内置评估表（已开始评估的演练仍用其固定的评估表）")
    evf_reset.add_argument("key", choices=list(EVALUATION_FORMS), metavar="评估表", help="live 或 tabletop")

    stock = commands.add_parser("stock", help="应急物资台账维护")
    stocksub = stock.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    stocksub.add_parser("reconcile", help="核对每个库存余额是否等于其出入库记录之和，列出每一处不符（有不符时退出码为 1）")

    dbc = commands.add_parser("db", help="数据库维护")
    dbsub = dbc.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    dbsub.add_parser("upgrade", help="把数据库结构升级到最新版本（SQLite 先自动备份）")

    audit = commands.add_parser("audit", help="审计日志")
    auditsub = audit.add_subparsers(dest="action", metavar="操作", required=True, parser_class=ChineseParser)
    audit_verify = auditsub.add_parser(
        "verify", help="重新计算审计哈希链，逐条核对数据与审计记录，核对链头与各备份，报告每一处不符")
    audit_verify.add_argument("--head", metavar="条数:哈希",
                              help="此前记下的链头（audit verify 输出的最后一行），核对审计记录未被截断或改写")

    stats = commands.add_parser("stats", help="一周一统计、一月一排名：各部门检查、隐患、整改、处罚、演练、预案逾期")
    statsub = stats.add_subparsers(dest="period", metavar="周期", required=True, parser_class=ChineseParser)
    for name, flag, example, text in (("weekly", "--week", "2026-W48", "周统计（ISO 周，周一至周日；默认为统计日期前最近一个完整的周）"),
                                      ("monthly", "--month", "2026-11", "月度排名（综合得分及各项指标；默认为统计日期前最近一个完整的月）")):
        sp = statsub.add_parser(name, help=text)
        sp.add_argument(flag, metavar=example, help=f"统计周期，如 {example}")
        sp.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="统计日期（默认今天）")
        sp.add_argument("--json", action="store_true", help="输出 JSON 对象")
        sp.add_argument("--out", metavar="文件", help="导出为文件（.pdf、.docx 或 .xlsx）")
        sp.add_argument("--style", choices=list(STYLE_KEYS), default="default", help="版式（PDF、Word）")
    return parser


# --- commands --------------------------------------------------------------------------------------


@dataclass
class Output:
    out: TextIO
    err: TextIO


def _open(args: argparse.Namespace) -> Database:
    from models.modules import open_database

    return open_database(args.db)


def cmd_demo(args: argparse.Namespace, io: Output) -> int:
    from models.core.progress import Progress
    from models.enterprises.queries import has_enterprises
    from plans import demo

    db = _open(args)
    try:
        if args.if_empty and has_enterprises(db):
            print("数据库中已有企业，未生成演示数据。", file=io.out)
            return 0
        last = [-1]

        def report(done: int, total: int, message: str) -> None:
            percent = int(done * 100 / total) if total else 0
            if percent != last[0] and io.err.isatty():
                last[0] = percent
                print(f"\r{message} {percent}%", end="", file=io.err, flush=True)

        result = demo.generate(db, scale=args.scale, seed=args.seed, progress=Progress(report))
        if io.err.isatty():
            print(file=io.err)
        print(result.message(), file=io.out)
        return 0
    finally:
        db.dispose()


def _all_enterprises(db: Database, search: str, deleted: bool) -> Iterator[dict[str, object]]:

    from models.enterprises import queries as enterprise_queries
    flt = enterprise_queries.EnterpriseFilter(text=search, deleted=deleted)
    offset = 0
    while True:
        with db.read() as session:
            rows = enterprise_queries.page(session, flt, sort="name", offset=offset, limit=2000)
        for row in rows:
            yield row.as_json()
        if len(rows) < 2000:
            return
        offset += len(rows)


def _all_plans(db: Database, enterprise_id: int | None, as_of: date) -> Iterator[dict[str, object]]:
    from models.core.calendar import load_calendar
    from models.plans.deadlines import plan_deadlines
    from models.plans.queries import PlanFilter
    from models.plans.queries import page as plan_page

    flt = PlanFilter(enterprise_id=enterprise_id)
    offset = 0
    with db.read() as session:
        calendar = load_calendar(session)
    while True:
        with db.read() as session:
            rows = plan_page(session, flt, offset=offset, limit=2000)
        for row in rows:
            deadlines = plan_deadlines(row, as_of, calendar=calendar)
            filing = deadlines.due("filing")
            check = deadlines.due("authority_check")
            next_due = deadlines.next_due
            yield {"id": row.id, "enterprise_id": row.enterprise_id, "enterprise": row.enterprise,
                   "number": row.plan_no, "title": row.title, "kind": row.kind_label,
                   "status": row.status_label, "version": row.version_label,
                   "publish_date": row.publish_date.isoformat() if row.publish_date else None,
                   "filing_due": filing.due.isoformat() if filing and filing.due else None,
                   "authority_check_due": check.due.isoformat() if check and check.due else None,
                   "next_deadline": next_due.describe() if next_due else None,
                   "overdue": deadlines.overdue, "warnings": list(deadlines.warnings)}
        if len(rows) < 2000:
            return
        offset += len(rows)


def cmd_list(args: argparse.Namespace, io: Output) -> int:
    if args.what == "plans":
        return cmd_list_plans(args, io)
    if args.what == "drills":
        return cmd_list_drills(args, io)
    if args.what == "drill-obligations":
        return cmd_list_drill_obligations(args, io)
    if args.what == "supplies":
        return cmd_list_supplies(args, io)
    if args.what == "supply-shortfalls":
        return cmd_list_supply_shortfalls(args, io)
    if args.what in ("teams", "duty-points", "roster"):
        return cmd_list_teams(args, io)
    if args.what == "hazards":
        return cmd_hazards(args, io)
    if args.what == "incidents":
        return cmd_incidents(args, io)
    db = _open(args)
    try:
        rows = _all_enterprises(db, args.search, args.deleted)
        if args.json:
            _write_json_array(rows, io.out)
        else:
            count = 0
            for row in rows:
                count += 1
                print("\t".join(str(row[k]) for k in ("id", "name", "uscc", "industry", "risk_level",
                                                      "department", "region")), file=io.out)
            print(f"共 {count} 家企业", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_list_plans(args: argparse.Namespace, io: Output) -> int:
    from models.plans.deadlines import OVERDUE_LABELS

    as_of = args.as_of or date.today()  # the boundary: rules below take as_of and never read the clock
    db = _open(args)
    try:
        rows = _all_plans(db, args.enterprise, as_of)
        if args.json:
            _write_json_array(rows, io.out)
        else:
            count = 0
            warnings: dict[str, None] = {}
            for row in rows:
                count += 1
                overdue = "逾期：" + "、".join(OVERDUE_LABELS[k] for k in row["overdue"]) if row["overdue"] else ""
                print("\t".join(str(v) for v in (row["id"], row["enterprise"], row["number"], row["title"],
                                                  row["kind"], row["status"], row["version"],
                                                  row["next_deadline"] or "", overdue)), file=io.out)
                warnings.update(dict.fromkeys(row["warnings"]))  # type: ignore[arg-type]
            print(f"共 {count} 个预案（期限按 {as_of.isoformat()} 计算）", file=io.err)
            for warning in warnings:  # e.g. 2027 年节假日安排未录入: deadlines counted Monday to Friday
                print(f"注意：{warning}", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_list_drills(args: argparse.Namespace, io: Output) -> int:
    from models.drills import queries as dq
    from models.drills.entities import DRILL_CONTENTS, DRILL_FORMS, DRILL_PURPOSES

    db = _open(args)
    try:
        with db.read() as session:
            rows = dq.rows(session, dq.DrillFilter(enterprise_id=args.enterprise))
        items = [{"id": r.id, "enterprise_id": r.enterprise_id, "enterprise": r.enterprise, "number": r.drill_no,
                  "title": r.title, "status": r.status_label, "planned_at": r.planned_at.isoformat(timespec="minutes"),
                  "held_on": r.held_on.isoformat() if r.held_on else None, "location": r.location,
                  "classification": [DRILL_CONTENTS[r.content_type], DRILL_FORMS[r.form], DRILL_PURPOSES[r.purpose]],
                  "plans": list(r.plans), "score": r.score, "grade": r.grade or None} for r in rows]
        if args.json:
            _write_json_array(iter(items), io.out)
        else:
            for r, item in zip(rows, items, strict=True):
                print("\t".join(str(v) for v in (item["id"], item["enterprise"], item["number"], item["title"],
                                                  item["status"], item["planned_at"], item["held_on"] or "",
                                                  "、".join(item["plans"]),  # type: ignore[arg-type]
                                                  "" if r.score is None else f"{r.score:g} 分 {r.grade}")),
                      file=io.out)
            print(f"共 {len(items)} 次演练", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_list_drill_obligations(args: argparse.Namespace, io: Output) -> int:
    from models.drills import queries as dq

    as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
    db = _open(args)
    try:
        if args.enterprise is not None:
            _enterprise_exists(db, args.enterprise)
        with db.read() as session:
            rows = dq.obligations(session, as_of=as_of, enterprise_id=args.enterprise)
        items = [{"enterprise_id": r.enterprise_id, "enterprise": r.enterprise, "obligation": o.label, "key": o.key,
                  "period": o.period, "last_drill": o.last_drill.isoformat() if o.last_drill else None,
                  "last_drill_id": o.last_drill_id, "due": o.due.isoformat() if o.due else None,
                  "days_left": o.days_left, "overdue": o.overdue, "applicable": o.applicable, "note": o.note,
                  "source": o.source}
                 for r in rows for o in r.obligations]
        if args.json:
            _write_json_array(iter(items), io.out)
        else:
            overdue = 0
            for item in items:
                if not item["applicable"]:
                    state = str(item["note"])
                elif item["overdue"]:
                    overdue += 1
                    state = f"已逾期 {-int(item['days_left'])} 天"  # type: ignore[call-overload]
                else:
                    state = f"还有 {item['days_left']} 天"
                print("\t".join(str(v) for v in (item["enterprise_id"], item["enterprise"], item["obligation"],
                                                  item["last_drill"] or "从未演练", item["due"] or "", state)),
                      file=io.out)
            print(f"共 {len(rows)} 家企业、{len(items)} 项演练要求，其中 {overdue} 项逾期（按 {as_of.isoformat()} 计算）",
                  file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_list_supplies(args: argparse.Namespace, io: Output) -> int:
    from models.core.errors import NotFoundError
    from models.supplies import queries as sq
    from models.supplies.entities import Warehouse

    as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
    db = _open(args)
    try:
        with db.read() as session:
            if args.warehouse is not None:
                place = session.get(Warehouse, args.warehouse)
                if place is None or place.is_deleted:
                    raise NotFoundError(Warehouse.__label__, args.warehouse)
            rows = sq.rows(session, sq.StockFilter(as_of=as_of, warehouse_ids=(args.warehouse,)
                                                   if args.warehouse is not None else ()))
        if args.json:
            _write_json_array((r.as_json() for r in rows), io.out)
        else:
            for r in rows:
                print("\t".join(str(v) for v in (r.warehouse, r.item_code, r.item, r.batch_no,
                                                  f"{r.book_qty} {r.unit}", f"可用 {r.usable_qty} {r.unit}",
                                                  r.expires_on.isoformat() if r.expires_on else "",
                                                  "；".join(str(a) for a in r.alerts))), file=io.out)
            alerted = sum(1 for r in rows if r.alerts)
            print(f"共 {len(rows)} 条库存（批次 × 储备库），其中 {alerted} 条有预警（按 {as_of.isoformat()} 计算）",
                  file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_list_supply_shortfalls(args: argparse.Namespace, io: Output) -> int:
    from models.supplies import shortfalls as sf

    as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
    db = _open(args)
    try:
        if args.enterprise is not None:
            _enterprise_exists(db, args.enterprise)
        ids = [args.enterprise] if args.enterprise is not None else None
        with db.read() as session:
            lines = sf.shortfall_lines(session, as_of, ids, include_met=args.all)
        if args.json:
            _write_json_array((line.as_json() for line in lines), io.out)
        else:
            for line in lines:
                unit = line.unit
                state = f"缺 {line.shortfall} {unit}" if line.shortfall else "满足"
                if line.kind == "plan_staff":  # 应急值守人员：需 N 人，当班 M 人，缺 K 人
                    need, have = f"需 {line.required} {unit}", f"当班 {line.usable} {unit}"
                else:
                    need = f"{'所需' if line.plan_id else '应配'} {line.required} {unit}"
                    have = f"可用 {line.usable} {unit}"
                print("\t".join(str(v) for v in (line.enterprise_id, line.enterprise, line.basis, line.item, need, have,
                                                  state)), file=io.out)
            short = sum(1 for line in lines if line.shortfall)
            print(f"共 {short} 项缺口（可用库存不含已过期、待修和报废的物资；应急值守人员按企业名录的当班人数；"
                  f"按 {as_of.isoformat()} 计算）", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_stock(args: argparse.Namespace, io: Output) -> int:
    from models.supplies.reconcile import check

    db = _open(args)
    try:
        with db.read() as session:
            result = check(session)
        if result.ok:
            print(f"核对无误：{result.checked} 个库存余额（批次 × 储备库）均等于其出入库记录之和。", file=io.out)
            return 0
        for d in result.differences:
            print(d.describe(), file=io.out)
        print(f"{PROG}：{result.checked} 个库存余额中有 {len(result.differences)} 处与出入库记录不符"
              "（出入库记录为准，请核查上列各处）。", file=io.err)
        return 1
    finally:
        db.dispose()


def cmd_list_teams(args: argparse.Namespace, io: Output) -> int:
    """list teams | duty-points | roster."""
    from models.teams import queries as tq

    db = _open(args)
    try:
        if args.what == "duty-points":
            with db.read() as session:
                found = tq.points(session)
            if args.json:
                _write_json_array(({"id": p.id, "name": p.name, "kind": p.kind_label, "team_id": p.team_id,
                                    "team": p.team or None, "phone": p.phone, "shifts": p.shift_set_label,
                                    "min_staff": p.min_staff, "leader_required": p.leader_required} for p in found), io.out)
            else:
                for p in found:
                    print("\t".join(str(v) for v in (p.id, p.name, p.kind_label, p.phone, p.shift_set_label)), file=io.out)
                print(f"共 {len(found)} 个值班点", file=io.err)
            return 0
        if args.what == "roster":
            if args.end < args.start:
                raise DeskError("结束日期不能早于起始日期")
            if (args.end - args.start).days > 366:
                raise DeskError("一次最多列出 367 天的值班表")
            with db.read() as session:
                roster = tq.roster(session, args.point, args.start, args.end)
            if args.json:
                io.out.write(json.dumps(roster.as_json(), ensure_ascii=False, indent=2) + "\n")
            else:
                for shift in roster.shifts:
                    people = "、".join(f"{p.name}（{p.phone}）" if p.phone else p.name for p in shift.staff)
                    leaders = "、".join(f"{p.name}（{p.phone}）" if p.phone else p.name for p in shift.leaders)
                    print("\t".join((shift.day.isoformat(), shift.label, f"{shift.starts_at:%m-%d %H:%M}—{shift.ends_at:%m-%d %H:%M}",
                                     f"带班领导：{leaders or '无'}", f"值班员：{people or '无'}")), file=io.out)
                for problem in roster.problems:
                    print(f"问题\t{problem.day.isoformat()}\t{problem.kind_label}\t{problem.message}", file=io.out)
                print(f"{roster.point.name}：{len(roster.shifts)} 个班次，{len(roster.problems)} 处问题，"
                      f"值班覆盖 {roster.coverage * 100:.1f}%（{args.start.isoformat()} 至 {args.end.isoformat()}）", file=io.err)
            return 0
        as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
        with db.read() as session:
            found_rows = tq.rows(session, tq.TeamFilter(as_of=as_of), sort="name")
        if args.json:
            _write_json_array((r.as_json() for r in found_rows), io.out)
        else:
            for r in found_rows:
                assert r.readiness is not None
                factors = "；".join(f"{f.label} {f.value_text}" for f in r.readiness.factors if f.status != "na")
                print("\t".join(str(v) for v in (r.id, r.name, r.kind_label, "、".join(r.specialty_labels),
                                                  r.readiness.label, factors, "；".join(r.readiness.reasons))), file=io.out)
            statuses = [r.readiness.label for r in found_rows if r.readiness is not None]
            counts = "，".join(f"{label} {statuses.count(label)} 支" for label in ("就绪", "基本就绪", "不就绪"))
            print(f"共 {len(found_rows)} 支救援队伍：{counts}（按 {as_of.isoformat()} 计算）", file=io.err)
        return 0
    finally:
        db.dispose()


def _enterprise_exists(db: Database, enterprise_id: int) -> None:
    from models.core.errors import NotFoundError
    from models.enterprises.entities import Enterprise

    with db.read() as session:
        ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.is_deleted:
        raise NotFoundError(Enterprise.__label__, enterprise_id)


def _write_json_array(rows: Iterator[dict[str, object]], out: TextIO) -> None:
    out.write("[")
    for i, row in enumerate(rows):
        out.write(("," if i else "") + "\n  " + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


def cmd_db(args: argparse.Namespace, io: Output) -> int:
    from models.core.database import connect
    from models.core.schema import ensure_reference
    from models.modules import upgrade

    db = connect(args.db)
    try:
        result = upgrade(db)
        ensure_reference(db)
        print(result.message(), file=io.out)
        return 0
    finally:
        db.dispose()


def cmd_audit(args: argparse.Namespace, io: Output) -> int:
    from models.core import audit
    from models.core.schema import backups
    from models.modules import entity_classes

    noted = None
    if args.head:
        try:
            noted = audit.parse_head(args.head)
        except ValueError as exc:
            print(str(exc), file=io.err)
            return 2
    db = _open(args)
    try:
        problems: list[str] = []
        with db.read() as session:
            chain = audit.verify_chain(session)
            (print(chain.message(), file=io.out) if chain.ok else problems.append(chain.message()))
            if chain.broken_id is None:
                data = audit.verify_data(session, entity_classes())
                if data.ok:
                    print(data.message(), file=io.out)
                else:
                    problems.append(data.message())
                    problems += [f"  {d}" for d in data.differences]
            else:
                problems.append("审计链已断开，未核对数据。")
            if noted is not None:
                if audit.contains(session, *noted):
                    print(f"记下的链头（第 {noted[0]} 条）仍在审计链中。", file=io.out)
                else:
                    problems.append(f"记下的链头（第 {noted[0]} 条，哈希 {noted[1][:12]}…）不在当前审计链中："
                                    "审计记录被截断或改写。")
            for path in backups(db):
                head = audit.file_head(path)
                if head is not None and not audit.contains(session, head.count, head.last_hash):
                    problems.append(f"备份 {path.name} 的链头（第 {head.count} 条）不在当前审计链中："
                                    "备份之后审计记录被截断或改写。")
        print(f"审计链头：{chain.head.text()}。请记下“{chain.head.token()}”，日后可用 "
              f"audit verify --head 核对。", file=io.out)
        for line in problems:
            print(line, file=io.err)
        return 1 if problems else 0
    finally:
        db.dispose()


def cmd_calendar(args: argparse.Namespace, io: Output) -> int:
    from pathlib import Path

    from models.core.calendar import load_calendar, save_holiday_year
    from models.core.uow import os_actor, unit_of_work

    db = _open(args)
    try:
        if args.action == "import":
            try:
                document = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise DeskError(f"无法读取节假日文件 {args.file}：{exc}") from exc
            if not isinstance(document, dict):
                raise DeskError(f"节假日文件 {args.file} 应是一个 JSON 对象")
            with unit_of_work(db, os_actor()) as uow:
                year = save_holiday_year(uow, document)
            print(f"已录入 {year} 年节假日安排。", file=io.out)
            return 0
        with db.read() as session:
            calendar = load_calendar(session)
        for year in sorted(calendar.year_sources):
            print(f"{year}\t{calendar.year_sources[year]}", file=io.out)
        return 0
    finally:
        db.dispose()


def cmd_export(args: argparse.Namespace, io: Output) -> int:
    from datetime import datetime
    from pathlib import Path

    from models.core.actors import os_actor

    if args.what in SUPPLY_EXPORTS:
        return cmd_export_supplies(args, io)
    if args.what == "roster":
        return cmd_export_roster(args, io)
    if args.what == "teams-template":
        from exports.teams.imports import write_teams_template

        db = _open(args)
        try:
            with db.read() as session:
                write_teams_template(session, Path(args.out))
        finally:
            db.dispose()
        print(f"已导出导入模板 {args.out}。", file=io.out)
        return 0
    if args.what == "verify":
        from pathlib import Path

        from exports.plans.archive import verify_manifest

        problems = verify_manifest(Path(args.folder))
        for line in problems:
            print(line, file=io.err)
        if not problems:
            print(f"{args.folder}：所有文件与 manifest.json 中的 SHA-256 一致。", file=io.out)
        return 1 if problems else 0
    as_of = args.as_of or date.today()  # the user's "now" enters here, never inside a rule
    db = _open(args)
    try:
        if args.what in ("drill", "drill-plan"):
            from pathlib import Path

            from exports.report import render_report
            from exports.styles import load_style
            from plans.drills.report import build_evaluation_report, build_score_sheet, build_summary_report

            out = Path(args.out)
            fmt = out.suffix.lower().lstrip(".")
            if fmt not in ("docx", "pdf"):
                raise DeskError(f"无法从文件名 {out.name} 判断格式，请用 .docx 或 .pdf 结尾")
            if args.what == "drill" and args.kind == "dossier":
                from exports.drills.dossier import render_dossier
                from plans.drills.dossier import build_dossier

                with db.read() as session:
                    dossier = build_dossier(session, args.drill_id, as_of=as_of)
                done = render_dossier(dossier, fmt, out, style=load_style(args.style))  # type: ignore[arg-type]
                pages = f"，{done.result.pages} 页" if done.result.pages else ""
                print(f"已导出 {out}（演练档案，{'PDF' if fmt == 'pdf' else 'Word'}{pages}，{len(dossier.parts)} 部分）。",
                      file=io.out)
                for line in done.result.warnings:
                    print(f"警告：{line}", file=io.err)
                return 0
            with db.read() as session:
                if args.what == "drill-plan":
                    from plans.drills.year_plan import build_year_plan

                    if not 2000 <= args.year <= 2100:
                        raise DeskError(f"年份 {args.year} 不在 2000—2100 之间")
                    report = build_year_plan(session, args.enterprise, args.year, as_of=as_of)
                elif args.kind in DRILL_DOCUMENTS:
                    from plans.drills import documents as drill_documents

                    report = getattr(drill_documents, DRILL_DOCUMENTS[args.kind])(session, args.drill_id)
                elif args.kind == "score-sheet":
                    report = build_score_sheet(session, args.drill_id)
                elif args.kind == "summary":
                    report = build_summary_report(session, args.drill_id, as_of=as_of)
                else:
                    report = build_evaluation_report(session, args.drill_id, as_of=as_of)
            result = render_report(report, fmt, out, style=load_style(args.style))  # type: ignore[arg-type]
            pages = f"，{result.pages} 页" if result.pages else ""
            print(f"已导出 {out}（{'PDF' if fmt == 'pdf' else 'Word'}{pages}）。", file=io.out)
            for line in result.warnings:
                print(f"警告：{line}", file=io.err)
            return 0
        if args.what == "plan":
            from exports.plans.export import export_plan, load_print_document
            from plans.annexes import BUILDERS as ANNEX_BUILDERS
            from plans.plans.preprint import preprint_check

            out = Path(args.out or "")
            fmt = args.format or out.suffix.lower().lstrip(".")
            if not args.out and not args.check:
                raise DeskError("请用 --out 指定输出文件")
            if fmt not in ("docx", "pdf") and not args.check:
                raise DeskError(f"无法从文件名 {out.name} 判断格式，请用 --format docx 或 --format pdf")
            version_id = _version_id(db, args.plan_id, args.version) if args.version else None
            doc = load_print_document(db, args.plan_id, as_of=as_of, version_id=version_id,
                                      annex_builders=ANNEX_BUILDERS)
            from exports.plans.glyphs import glyph_check
            from exports.styles import load_style

            report = preprint_check(doc, glyph_check(load_style(args.style)))
            if args.check:
                for finding in report.findings:
                    print(f"{finding.severity.label}：{finding.message}", file=io.out)
                print(report.summary(), file=io.out)
                return 0 if report.clean else 1
            if not report.clean:
                print(f"{report.summary()}（用 --check 列出各项）", file=io.err)
            result = export_plan(doc, fmt, out, style_key=args.style)
            pages = f"，{result.pages} 页" if result.pages else ""
            print(f"已导出 {out}（{'PDF' if fmt == 'pdf' else 'Word'}{pages}）。", file=io.out)
            for line in result.fonts:
                print(f"字体：{line}", file=io.out)
            for line in result.warnings:
                print(f"警告：{line}", file=io.err)
            return 0
        from exports.plans.archive import ArchiveFilter, export_archive
        from plans.annexes import BUILDERS as ANNEX_BUILDERS

        flt = ArchiveFilter(enterprise_id=args.enterprise, department=args.department, kind=args.kind,
                            status=args.status, published_from=args.published_from, published_to=args.published_to)
        out = Path(args.out)
        is_zip = out.suffix.lower() == ".zip"
        formats: tuple[Literal["pdf", "docx"], ...] = ("pdf", "docx") if args.docx else ("pdf",)
        result = export_archive(db, flt, out.parent if is_zip else out, as_of=as_of, exported_at=datetime.now(),
                                exported_by=os_actor().name, formats=formats, style_key=args.style,
                                zip_path=out if is_zip else None, annex_builders=ANNEX_BUILDERS)
        print(result.summary(), file=io.out)
        for line in result.warnings:
            print(f"警告：{line}", file=io.err)
        return 0
    finally:
        db.dispose()


def _version_id(db: Database, plan_id: int, number: int) -> int:

    from models.plans import queries as pq
    with db.read() as session:
        versions = pq.versions(session, plan_id)
    for v in versions:
        if v.number == number:
            return v.id
    have = "、".join(str(v.number) for v in versions) or "无"
    raise DeskError(f"预案 {plan_id} 没有第 {number} 版（已发布的版次：{have}）")


def _write_json(path: Path, data: object) -> None:
    """An administrator's JSON file (a template, an evaluation form), indented UTF-8."""
    try:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DeskError(f"无法写入 {path}：{exc.strerror or exc}") from exc


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeskError(f"无法读取{what} {path}：{exc}") from exc


def cmd_template(args: argparse.Namespace, io: Output) -> int:
    from pathlib import Path

    from models.core.uow import os_actor, unit_of_work
    from plans.plans import template_store as ts

    db = _open(args)
    try:
        if args.action == "list":
            with db.read() as session:
                for info in ts.template_infos(session):
                    changed = (f"\t{info.changed_by} {info.changed_at:%Y-%m-%d %H:%M}\t{info.note}"
                               if info.changed_at else "")
                    print(f"{info.kind}\t{info.kind_label}\t第 {info.version} 版\t{info.origin}\t"
                          f"{info.sections} 个章节{changed}", file=io.out)
            return 0
        if args.action == "export":
            with db.read() as session:
                data = ts.template_json(session, args.kind)
            _write_json(Path(args.out), data)
            print(f"已导出{TEMPLATE_KINDS[args.kind]}模板第 {data['version']} 版到 {args.out}。", file=io.out)
            return 0
        if args.action == "import":
            data = _read_json(Path(args.file), "模板文件")
            with unit_of_work(db, os_actor()) as uow:
                version = ts.save_template(uow, data, note=args.note)
            print(f"已保存{TEMPLATE_KINDS[data['kind']]}模板第 {version} 版，新建预案将使用它。", file=io.out)
            return 0
        with unit_of_work(db, os_actor()) as uow:
            version = ts.reset_template(uow, args.kind)
        print(f"已恢复内置{TEMPLATE_KINDS[args.kind]}模板（第 {version} 版）。", file=io.out)
        return 0
    finally:
        db.dispose()


def cmd_evaluation_form(args: argparse.Namespace, io: Output) -> int:
    from pathlib import Path

    from models.core.uow import os_actor, unit_of_work
    from models.drills import templates as dt

    db = _open(args)
    try:
        if args.action == "list":
            with db.read() as session:
                for info in dt.forms_info(session):
                    changed = (f"\t{info.changed_by} {info.changed_at:%Y-%m-%d %H:%M}\t{info.note}"
                               if info.changed_at else "")
                    print(f"{info.key}\t{info.label}\t第 {info.version} 版\t{info.origin}\t"
                          f"{info.items} 个评估项{changed}", file=io.out)
            return 0
        if args.action == "export":
            with db.read() as session:
                data = dt.form_json(session, args.key)
            _write_json(Path(args.out), data)
            print(f"已导出{data['label']}第 {data['version']} 版到 {args.out}。", file=io.out)
            return 0
        if args.action == "import":
            data = _read_json(Path(args.file), "评估表文件")
            with unit_of_work(db, os_actor()) as uow:
                version = dt.save_form(uow, data, note=args.note)
            print(f"已保存{data['label']}第 {version} 版，此后开始评估的演练将使用它；"
                  "已开始评估的演练不受影响。", file=io.out)
            return 0
        with unit_of_work(db, os_actor()) as uow:
            version = dt.reset_form(uow, args.key)
        print(f"已恢复内置{EVALUATION_FORMS[args.key]}（第 {version} 版）。", file=io.out)
        return 0
    finally:
        db.dispose()


SUPPLY_LISTS = ("ledger", "balances", "expiring", "shortfalls")  # exports.supplies.excel.LISTS
SUPPLY_EXPORTS = ("stock-ledger", "stock-card", "inventory", "labels", "supplies-template")


def cmd_export_supplies(args: argparse.Namespace, io: Output) -> int:
    """export stock-ledger | stock-card | inventory | labels | supplies-template."""
    from pathlib import Path

    out = Path(args.out)
    as_of = getattr(args, "as_of", None) or date.today()  # the user's "now" enters here, never inside a rule
    db = _open(args)
    try:
        if args.what == "supplies-template":
            from exports.supplies.imports import write_supplies_template

            with db.read() as session:
                write_supplies_template(session, out)
            print(f"已导出导入模板 {out}。", file=io.out)
            return 0
        if args.what == "stock-ledger":
            from exports.supplies import excel as sx
            from models.supplies.queries import StockFilter

            places = (args.warehouse,) if args.warehouse is not None else ()
            if args.list == "ledger":
                n = sx.export_ledger(db, out, warehouse_id=args.warehouse)
            elif args.list == "balances":
                n = sx.export_balances(db, StockFilter(as_of=as_of, warehouse_ids=places), out)
            elif args.list == "expiring":
                n = sx.export_expiring(db, as_of, out, warehouse_ids=places)
            else:
                n = sx.export_shortfalls(db, as_of, out, warehouse_ids=places)
            print(f"已导出 {out}（{sx.LISTS[args.list]}，{n} 行）。", file=io.out)
            return 0
        if args.what == "labels":
            from exports.supplies.labels import render_labels
            from plans.supplies.labels import batch_labels, stock_labels

            with db.read() as session:
                labels = batch_labels(session, args.batch) if args.batch else stock_labels(
                    session, warehouse_id=args.warehouse, item_id=args.item)
            pages = render_labels(labels, out, symbology=args.code, sheet=args.sheet, skip=args.skip,
                                  outline=args.outline)
            print(f"已导出 {out}（{len(labels)} 枚标签，{pages} 页；打印时请选“实际大小”，不要缩放）。", file=io.out)
            return 0
        from exports.report import render_report
        from exports.styles import load_style
        from plans.supplies.documents import build_inventory, build_stock_card

        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("docx", "pdf"):
            raise DeskError(f"无法从文件名 {out.name} 判断格式，请用 .docx 或 .pdf 结尾")
        with db.read() as session:
            doc = (build_stock_card(session, args.item_id, as_of=as_of, warehouse_id=args.warehouse)
                   if args.what == "stock-card" else build_inventory(session, args.warehouse_id, as_of=as_of))
        result = render_report(doc, fmt, out, style=load_style(args.style))  # type: ignore[arg-type]
        pages = f"，{result.pages} 页" if result.pages else ""
        print(f"已导出 {out}（{doc.title}，{'PDF' if fmt == 'pdf' else 'Word'}{pages}）。", file=io.out)
        for line in result.warnings:
            print(f"警告：{line}", file=io.err)
        return 0
    finally:
        db.dispose()


ROSTER_FORMATS = ("pdf", "docx", "xlsx")


def cmd_export_roster(args: argparse.Namespace, io: Output) -> int:
    """export roster [--point ID] --from DATE --to DATE --out FILE.pdf|.docx|.xlsx [--style …]: the printed
    weekly or monthly roster (``plans.teams.documents.build_roster``) or the workbook
    (``exports.teams.excel.export_roster``); without --point, the bureau's duty room."""
    from pathlib import Path

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ROSTER_FORMATS:
        raise DeskError(f"无法从文件名 {out.name} 判断格式，请用 .pdf、.docx 或 .xlsx 结尾")
    if args.end < args.start:
        raise DeskError("结束日期不能早于起始日期")
    if fmt == "xlsx" and (args.end - args.start).days > 366:
        raise DeskError("一次最多导出 367 天的值班表")
    from models.teams import queries as tq

    db = _open(args)
    try:
        with db.read() as session:
            if args.point is not None:
                point = tq.point(session, args.point)
            else:
                room = tq.main_duty_room(session)
                if room is None:
                    raise DeskError("数据库中没有应急值班室，请用 --point 指定值班点（list duty-points 列出）")
                point = room
            if fmt != "xlsx":
                from plans.teams.documents import build_roster

                doc = build_roster(session, point.id, args.start, args.end)
        if fmt == "xlsx":
            from exports.teams.excel import export_roster

            n = export_roster(db, point.id, args.start, args.end, out)
            print(f"已导出 {out}（{point.name}值班表，{args.start.isoformat()} 至 {args.end.isoformat()}，"
                  f"Excel，{n} 行）。", file=io.out)
            return 0
        from exports.report import render_report
        from exports.styles import load_style

        result = render_report(doc, fmt, out, style=load_style(args.style))  # type: ignore[arg-type]
        pages = f"，{result.pages} 页" if result.pages else ""
        print(f"已导出 {out}（{doc.title}，{doc.subtitle}，{'PDF' if fmt == 'pdf' else 'Word'}{pages}）。", file=io.out)
        for line in result.warnings:
            print(f"警告：{line}", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_import_supplies(args: argparse.Namespace, io: Output) -> int:
    """import supplies FILE.xlsx [--error-report FILE]: all or nothing; exit 1 with the error workbook."""
    from pathlib import Path

    from exports.excel_import import write_error_workbook
    from exports.supplies.imports import import_supplies
    from models.core.uow import os_actor

    db = _open(args)
    try:
        outcome = import_supplies(db, os_actor(), Path(args.file))
    finally:
        db.dispose()
    if outcome.ok:
        print(outcome.summary(), file=io.out)
        return 0
    for problem in outcome.problems[:20]:
        print(str(problem), file=io.err)
    if len(outcome.problems) > 20:
        print(f"……另有 {len(outcome.problems) - 20} 处问题", file=io.err)
    if args.error_report:
        write_error_workbook(Path(args.error_report), outcome.sheets, outcome.problems)
        print(f"{outcome.summary()}错误报告已写入 {args.error_report}（原始行加“错误说明”列），改正后重新导入。", file=io.err)
    else:
        print(f"{outcome.summary()}用 --error-report 文件.xlsx 得到逐行的错误报告。", file=io.err)
    return 1


def cmd_import_teams(args: argparse.Namespace, io: Output) -> int:
    """import teams FILE.xlsx [--error-report FILE]: all or nothing; exit 1 with the error workbook."""
    from pathlib import Path

    from exports.excel_import import write_error_workbook
    from exports.teams.imports import import_teams
    from models.core.uow import os_actor

    db = _open(args)
    try:
        outcome = import_teams(db, os_actor(), Path(args.file))
    finally:
        db.dispose()
    if outcome.ok:
        print(outcome.summary(), file=io.out)
        return 0
    for problem in outcome.problems[:20]:
        print(str(problem), file=io.err)
    if len(outcome.problems) > 20:
        print(f"……另有 {len(outcome.problems) - 20} 处问题", file=io.err)
    if args.error_report:
        write_error_workbook(Path(args.error_report), outcome.sheets, outcome.problems)
        print(f"{outcome.summary()}错误报告已写入 {args.error_report}（原始行加“错误说明”列），改正后重新导入。", file=io.err)
    else:
        print(f"{outcome.summary()}用 --error-report 文件.xlsx 得到逐行的错误报告。", file=io.err)
    return 1


def cmd_import(args: argparse.Namespace, io: Output) -> int:
    if args.what == "supplies":
        return cmd_import_supplies(args, io)
    if args.what == "teams":
        return cmd_import_teams(args, io)
    from pathlib import Path

    from models.core.errors import ValidationError
    from models.core.uow import os_actor, unit_of_work
    from models.plans.service import PlanData
    from plans.plans.store import import_word

    path = Path(args.file)
    data = PlanData(kind=args.kind, plan_no=args.number or "", title=args.title or "")
    db = _open(args)
    try:
        try:
            with unit_of_work(db, os_actor()) as uow:
                plan_id, result = import_word(uow, args.enterprise, path, data)
        except ValidationError as exc:
            if not data.plan_no and exc.for_field("plan_no"):
                raise DeskError(f"{exc}（用 --number 指定）") from None
            raise
        print(f"已导入预案“{data.title}”（预案编号 {data.plan_no}，版本号 {data.version_label}，记录 ID {plan_id}，"
              f"{len(result.document.sections)} 个一级章节，{len(result.images)} 张图片），状态为草稿。", file=io.out)
        for line in result.report[:1 + len(result.inferred)]:
            print(line, file=io.out)
        for line in result.notes:
            print(f"未能完全转换：{line}", file=io.err)
        return 0
    finally:
        db.dispose()


def cmd_due(args: argparse.Namespace, io: Output) -> int:
    """due: everything due or overdue across the modules (``models.modules.due_items``: the home page's list)."""
    from collections import Counter

    from models.modules import due_items

    as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
    db = _open(args)
    try:
        with db.read() as session:
            if args.enterprise is not None:
                from models.enterprises.entities import Enterprise

                found = session.get(Enterprise, args.enterprise)
                if found is None or found.deleted_at is not None:
                    raise DeskError(f"没有编号为 {args.enterprise} 的企业")
            items = due_items(session, as_of=as_of, within=args.within, enterprise_id=args.enterprise)
    finally:
        db.dispose()
    if args.out is not None:
        if args.out.suffix.lower() != ".xlsx":
            raise DeskError(f"导出文件应为 .xlsx（Excel 工作簿）：{args.out}")
        from exports.home.excel import export_due

        export_due(items, args.out)
        print(f"已导出 {args.out}（{len(items)} 项）", file=io.out)
    elif args.json:
        _write_json_array((i.as_json() for i in items), io.out)
    else:
        for i in items:
            print("\t".join((i.severity_label, i.module_label, i.kind_label, i.enterprise or "—", i.title,
                             i.due_on.isoformat() if i.due_on else "—", i.when_text, i.detail)), file=io.out)
    overdue = sum(1 for i in items if i.overdue)
    kinds = Counter(i.module_label for i in items)
    parts = "，".join(f"{k} {n}" for k, n in kinds.most_common())
    print(f"共 {len(items)} 项（其中逾期 {overdue} 项{'；' + parts if parts else ''}），按 {as_of.isoformat()}，"
          f"{args.within} 天内到期的和已逾期的", file=io.err)
    return 0


def cmd_hazards(args: argparse.Namespace, io: Output) -> int:
    """list hazards, blacklist list|suggest|add|remove (models.oversight: the 隐患排查 and 黑名单 pages' queries)."""
    from models.core.uow import os_actor, unit_of_work
    from models.oversight import queries as oq
    from models.oversight import service as osv

    as_of = getattr(args, "as_of", None) or date.today()  # the boundary: the rules take as_of
    db = _open(args)
    try:
        if args.command == "list":
            with db.read() as session:
                rows = oq.hazard_rows(session, oq.HazardFilter(as_of=as_of, status=args.status or "",
                                                               overdue=args.overdue))
            if args.json:
                _write_json_array((r.as_json() for r in rows), io.out)
            else:
                for r in rows:
                    when = r.state.text if r.status != "closed" else f"{r.closed_on}销号"
                    supervised = f"挂牌督办（{r.supervising_unit}）" if r.supervised else ""
                    print("\t".join(str(v) for v in (r.id, r.enterprise_text,
                                                      r.department, r.found_on, r.level_label, r.category_label,
                                                      r.description, r.status_label, r.deadline, when, supervised)),
                          file=io.out)
                overdue = sum(1 for r in rows if r.overdue)
                print(f"共 {len(rows)} 项隐患（其中逾期 {overdue} 项），按 {as_of.isoformat()}", file=io.err)
            return 0
        if args.action == "list":
            with db.read() as session:
                entries = oq.blacklist_rows(session, oq.BlacklistFilter(current=not args.history))
            if args.json:
                _write_json_array((e.as_json() for e in entries), io.out)
            else:
                for e in entries:
                    removed = f"{e.removed_on} 移出（{e.removal_reason}，{e.removed_by}）" if e.removed_on else "在册"
                    print("\t".join(str(v) for v in (e.enterprise_id, e.enterprise, e.listed_on, e.reason, e.decided_by,
                                                      e.decision_no or "—", removed)), file=io.out)
                print(f"共 {len(entries)} 条{'黑名单记录' if args.history else '在册黑名单企业'}", file=io.err)
            return 0
        if args.action == "suggest":
            with db.read() as session:
                found = oq.blacklist_candidates(session, as_of)
            if args.json:
                _write_json_array((c.as_json() for c in found), io.out)
            else:
                for c in found:
                    print("\t".join((str(c.enterprise_id), c.enterprise, c.department or "—", c.reason_text)), file=io.out)
                print(f"共 {len(found)} 家企业建议列入黑名单（按 {as_of.isoformat()}，由人决定是否列入）", file=io.err)
            return 0
        day = args.on or date.today()
        _enterprise_exists(db, args.enterprise)
        with unit_of_work(db, os_actor()) as uow:
            if args.action == "add":
                osv.blacklist_add(uow, osv.ListingData(args.enterprise, day, args.reason, args.by, args.decision_no))
            else:
                osv.blacklist_remove(uow, args.enterprise, osv.RemovalData(day, args.reason, args.by))
        verb = "列入" if args.action == "add" else "移出"
        print(f"已将企业 {args.enterprise} {verb}黑名单（{day.isoformat()}，决定人 {args.by}）。", file=io.out)
        return 0
    finally:
        db.dispose()


def cmd_stats(args: argparse.Namespace, io: Output) -> int:
    """stats weekly [--week 2026-W48] | monthly [--month 2026-11] [--as-of DATE] [--json] [--out FILE]: the
    figures per department (``models.oversight.stats``), the monthly ranking, or the report / workbook."""
    from pathlib import Path

    from models.oversight import stats as st

    as_of = args.as_of or date.today()  # the boundary: the rules take as_of and never read the clock
    weekly = args.period == "weekly"
    if weekly:
        period = st.week_period(*(st.parse_week(args.week) if args.week else st.last_complete_week(as_of)))
    else:
        period = st.month_period(*(st.parse_month(args.month) if args.month else st.last_complete_month(as_of)))
    out = Path(args.out) if args.out else None
    fmt = out.suffix.lower().lstrip(".") if out else ""
    if out is not None and fmt not in ("pdf", "docx", "xlsx"):
        raise DeskError(f"无法从文件名 {out.name} 判断格式，请用 .pdf、.docx 或 .xlsx 结尾")
    db = _open(args)
    try:
        with db.read() as session:
            result = st.period_stats(session, period, as_of=as_of)
    finally:
        db.dispose()
    ranked = None if weekly else st.ranking(result)
    if out is not None:
        if fmt == "xlsx":
            from exports.oversight.stats import write_monthly, write_weekly

            n = write_weekly(result, out) if weekly else write_monthly(result, ranked or [], out)
            print(f"已导出 {out}（{period.label}，Excel，{n} 行）。", file=io.out)
            return 0
        from exports.report import render_report
        from exports.styles import load_style
        from plans.oversight.stats import monthly_document, weekly_document

        doc = weekly_document(result) if weekly else monthly_document(result, ranked)
        rendered = render_report(doc, fmt, out, style=load_style(args.style))  # type: ignore[arg-type]
        pages = f"，{rendered.pages} 页" if rendered.pages else ""
        print(f"已导出 {out}（{doc.title}，{doc.subtitle}，{'PDF' if fmt == 'pdf' else 'Word'}{pages}）。", file=io.out)
        for line in rendered.warnings:
            print(f"警告：{line}", file=io.err)
        return 0
    if args.json:
        data = result.as_json()
        if ranked is not None:
            data["ranking"] = [r.as_json() for r in ranked]
        io.out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif ranked is not None:
        print("\t".join(("名次", "部门", "综合得分", *(c.label for c in st.ranking_rules().components))), file=io.out)
        for r in ranked:
            print("\t".join((str(r.rank), r.department, f"{r.score:.2f}",
                             *(f"{c.value_text}（{c.points:.1f} 分）" for c in r.components))), file=io.out)
    else:
        print("\t".join(("部门", "检查次数", "检查企业数", "一般隐患", "重大隐患", "整改销号", "整改率", "逾期未整改",
                         "处罚件数", "罚款（元）", "演练实施", "演练应完成", "演练已完成", "演练完成率", "预案逾期")),
              file=io.out)
        for r in (*result.rows, result.totals):
            print("\t".join(str(v) for v in (
                r.department, r.inspections, r.enterprises, r.hazards_general, r.hazards_major, r.rectified,
                "—" if r.rectification_rate is None else f"{r.rectification_rate * 100:.1f}%", r.overdue, r.penalties,
                f"{r.penalty_amount:.2f}", r.drills_held, r.drills_required, r.drills_met,
                "—" if r.drill_rate is None else f"{r.drill_rate * 100:.1f}%", r.plans_overdue)), file=io.out)
    t = result.totals
    print(f"{period.label}：{len(result.rows)} 个部门，检查 {t.inspections} 次，发现隐患 {t.hazards_found} 处"
          f"（重大 {t.hazards_major} 处），逾期未整改 {t.overdue} 处；统计至 {result.cut.isoformat()}"
          + ("" if result.complete else "（周期尚未结束）"), file=io.err)
    return 0


def cmd_incidents(args: argparse.Namespace, io: Output) -> int:
    """list incidents | incident add (事故信息)."""
    from models.core.uow import os_actor, unit_of_work
    from models.oversight import incidents as inc

    rules = inc.incident_rules()
    now = datetime.now().replace(second=0, microsecond=0)  # the boundary: the rules take now and never read the clock
    db = _open(args)
    try:
        if args.command == "incident":
            kind = next((k for k, label in rules.kinds.items() if args.kind in (k, label, label.removesuffix("事故"))),
                        args.kind)
            data = inc.IncidentData(title=args.title, kind=kind, enterprise_id=args.enterprise, location=args.location,
                                    occurred_at=args.occurred, received_at=args.received, reported_at=args.reported,
                                    deaths=args.deaths, serious_injuries=args.injuries, direct_loss_wan=args.loss)
            with unit_of_work(db, os_actor()) as uow:
                incident_id = inc.create_incident(uow, data)
            with db.read() as session:
                row = inc.detail(session, incident_id, now).row
            if args.json:
                io.out.write(json.dumps(row.as_json(), ensure_ascii=False, indent=2) + "\n")
            else:
                print(f"已登记事故信息（编号 {row.id}）：{row.title}，{row.grade_label}，{row.timing.label}", file=io.out)
            return 0
        grade = ""
        if args.grade:
            grade = next((g.key for g in rules.grades if args.grade in (g.key, g.label, g.short_label)), "")
            if not grade:
                raise DeskError(f"没有“{args.grade}”这个事故等级，请用 " + "、".join(g.short_label for g in rules.grades))
        if args.start and args.end and args.end < args.start:
            raise DeskError("结束日期不能早于起始日期")
        with db.read() as session:
            found = inc.rows(session, inc.IncidentFilter(now=now, grade=grade, start=args.start, end=args.end,
                                                         late_only=args.late))
        if args.json:
            _write_json_array((r.as_json() for r in found), io.out)
        else:
            for r in found:
                print("\t".join((str(r.id), r.grade_label, inc.moment_text(r.received_at),
                                 inc.moment_text(r.reported_at) or "未上报", r.timing.label, r.kind_label,
                                 r.enterprise or r.region or "—", r.title)), file=io.out)
            late = sum(1 for r in found if r.timing.late)
            print(f"共 {len(found)} 起事故（其中迟报或超时未报 {late} 起）", file=io.err)
        return 0
    finally:
        db.dispose()


COMMANDS: dict[str, Callable[[argparse.Namespace, Output], int]] = {
    "demo": cmd_demo, "list": cmd_list, "db": cmd_db, "audit": cmd_audit, "calendar": cmd_calendar,
    "import": cmd_import, "template": cmd_template, "export": cmd_export,
    "evaluation-form": cmd_evaluation_form, "stock": cmd_stock, "due": cmd_due,
    "blacklist": cmd_hazards,
    "incident": cmd_incidents,
}
COMMANDS["stats"] = cmd_stats


def run_command(args: argparse.Namespace, io: Output | None = None) -> int:
    from desktop.kit.logs import setup_logging

    io = io or Output(sys.stdout, sys.stderr)
    try:
        return COMMANDS[args.command](args, io)
    except DeskError as exc:
        print(f"{PROG}：{exc}", file=io.err)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}：已中断。", file=io.err)
        return 1
    except BrokenPipeError:
        # The reader went away (``… | head``): what it wanted was written; nothing to report. Point
        # stdout at nothing so the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        path = setup_logging()
        log.exception("命令 %s 失败", args.command)
        print(f"{PROG}：内部错误（{type(exc).__name__}: {exc}），详细信息见日志 {path}", file=io.err)
        return 1
