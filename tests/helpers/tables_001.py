"""Tables of report 001 (and others) as hand-built schema objects, for the reconciliation tests."""

from __future__ import annotations

from schemas import Table
from tests.reconcile_builders import TableSpec


def overview_001(expenditure_total: str = "17946.59", grand_total_out: str = "18968.91") -> Table:
    """公开01表 of corpus 001 (吉林省人民政府办公厅), lines 110-125."""
    t = TableSpec("公开01表", "收入支出决算总表", ["收入/决算数", "支出/决算数"])
    t.add("一、一般公共预算财政拨款收入", "17321.91", side="收入")
    t.add("一、一般公共服务支出", "14260.08", side="支出")
    t.add("二、政府性基金预算财政拨款收入", "", side="收入")
    t.add("二、社会保障和就业支出", "2166.34", side="支出")
    t.add("三、卫生健康支出", "763.46", side="支出")
    t.add("四、住房保障支出", "756.71", side="支出")
    t.add("八、其他收入", "12.73", side="收入")
    t.add("本年收入合计", "17334.64", side="收入")
    t.add("本年支出合计", expenditure_total, side="支出")
    t.add("使用非财政拨款结余（含专用结余）", "205.05", side="收入")
    t.add("结余分配", "0.20", side="支出")
    t.add("年初结转和结余", "1429.22", side="收入")
    t.add("年末结转和结余", "1022.12", side="支出")
    t.add("总计", "18968.91", side="收入")
    t.add("总计", grand_total_out, side="支出")
    return t.build()


def sangong_001(final_total: str = "1055.28") -> Table:
    """公开09表 of corpus 001 (line 386): 预算数 and 决算数 side by side."""
    keys = []
    for group in ("预算数", "决算数"):
        keys += [f"{group}/合计", f"{group}/因公出国(境)费", f"{group}/公务用车购置及运行维护费/小计",
                 f"{group}/公务用车购置及运行维护费/公务用车购置费",
                 f"{group}/公务用车购置及运行维护费/公务用车运行维护费", f"{group}/公务接待费"]
    t = TableSpec("公开09表", "财政拨款“三公”经费支出决算表", keys)
    t.add("", "1093.88", "7.31", "357.48", "", "357.48", "729.09",
          final_total, "7.31", "341.85", "", "341.85", "706.12")
    return t.build()


def expenditure_001(total: str = "17946.59", class_201: str = "14260.08") -> Table:
    """公开03表 of corpus 001 (lines 186-214): 合计 and the four classes."""
    t = TableSpec("公开03表", "支出决算表", ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                                          "对附属单位补助支出"])
    t.add("合计", total, "12359.10", "5587.49", "", "", "")
    t.add("一般公共服务支出", class_201, "8719.23", "5540.85", code="201")
    t.add("社会保障和就业支出", "2166.34", "2129.90", "36.44", code="208")
    t.add("卫生健康支出", "763.46", "753.26", "10.20", code="210")
    t.add("住房保障支出", "756.71", "756.71", "", code="221")
    return t.build()


def income_001(total: str = "17334.64") -> Table:
    """公开02表 of corpus 001 (line 143): the 合计 row."""
    t = TableSpec("公开02表", "收入决算表", ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                          "附属单位上缴收入", "其他收入"])
    t.add("合计", total, "17321.91", "", "", "", "", "12.73")
    return t.build()


def appropriation_001(general_total: str = "17714.80") -> Table:
    """公开04表 of corpus 001 (lines 231-242)."""
    t = TableSpec("公开04表", "财政拨款收入支出决算总表",
                  ["收入/决算数", "支出/合计", "支出/一般公共预算财政拨款", "支出/政府性基金预算财政拨款",
                   "支出/国有资本经营预算财政拨款"])
    t.add("一、一般公共预算财政拨款", "17321.91", side="收入")
    t.add("一、一般公共服务支出", "14044.58", "14044.58", "", "", side="支出")
    t.add("二、社会保障和就业支出", "2150.05", "2150.05", "", "", side="支出")
    t.add("三、卫生健康支出", "763.46", "763.46", "", "", side="支出")
    t.add("四、住房保障支出", "756.71", "756.71", "", "", side="支出")
    t.add("本年收入合计", "17321.91", side="收入")
    t.add("本年支出合计", "17714.80", general_total, "", "", side="支出")
    t.add("年初财政拨款结转和结余", "1399.14", side="收入")
    t.add("年末财政拨款结转和结余", "1006.25", "1006.25", "", "", side="支出")
    t.add("总计", "18721.05", side="收入")
    t.add("总计", "18721.05", "18721.05", "", "", side="支出")
    return t.build()


def general_001(personnel: str = "10596.94") -> Table:
    """公开05表 of corpus 001: 合计 (line 256) and the four classes."""
    t = TableSpec("公开05表", "一般公共预算财政拨款支出决算表",
                  ["本年支出/小计", "本年支出/基本支出/小计", "本年支出/基本支出/人员经费",
                   "本年支出/基本支出/公用经费", "本年支出/项目支出"])
    t.add("合计", "17714.80", "12143.60", personnel, "1546.66", "5571.20")
    t.add("一般公共服务支出", "14044.58", "8503.73", "6957.07", "1546.66", "5540.85", code="201")
    t.add("社会保障和就业支出", "2150.05", "2129.90", "", "", "20.15", code="208")
    t.add("卫生健康支出", "763.46", "753.26", "687.14", "", "10.20", code="210")
    t.add("住房保障支出", "756.71", "756.71", "670.58", "", "", code="221")
    return t.build()


def basic_001(reception: str = "0.18") -> Table:
    """公开06表 of corpus 001 (lines 304-331): the lines the cross rules read."""
    t = TableSpec("公开06表", "一般公共预算财政拨款基本支出决算明细表", ["决算数"])
    t.add("因公出国（境）费用", "7.31", code="30212")
    t.add("公务接待费", reception, code="30217")
    t.add("公务用车运行维护费", "341.85", code="30231")
    t.add("公务用车购置", "", code="31013")
    t.add("人员经费合计", "10596.94")
    t.add("公用经费合计", "1546.66")
    return t.build()


def corpus_001_tables(**changes: str) -> list[Table]:
    return [overview_001(), income_001(), expenditure_001(**changes), appropriation_001(), general_001(),
            basic_001(), sangong_001()]
