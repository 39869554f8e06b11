"""Synthetic reports: other spellings, spacings and breakages of the same family."""

from extractor.tables import announced_tables, extract_tables
from extractor.tables.cells import clean_text
from tests.tables_helpers import find_row, report_text, source_of, table_by_id, values


def test_clean_text_joins_cjk_only() -> None:
    assert clean_text("国 有 资 本 经 营 预 算 财 政 拨 款") == "国有资本经营预算财政拨款"
    assert clean_text("因公出国 (境) 费") == "因公出国(境)费"
    assert clean_text("2024 年预算数") == "2024年预算数"
    assert clean_text("Line A  B") == "Line A B"


def test_spaced_label_other_header_spelling_and_unit_in_yuan() -> None:
    text = report_text(
        "三、支出决算表",
        "",
        "公开 3 表",
        "金额单位：元",
        "",
        "项  目\t\t本年支出\t基 本 支 出\t项 目 支 出",
        "功能分类科目编码\t科目名称\t\t\t",
        "合计\t\t1,200.50\t200.50\t1,000.00",
        "201\t一般公共服务支出\t1,200.50\t200.50\t1,000.00",
        "",
        "注：本表反映部门本年度各项支出情况。",
    )
    (table,) = extract_tables(source_of(text))
    assert (table.id, table.title, table.unit, table.status) == ("公开03表", "支出决算表", "元", "present")
    assert [c.key for c in table.columns] == ["本年支出", "基本支出", "项目支出"]
    assert values(find_row(table, name="合计"), ["本年支出", "基本支出", "项目支出"]) == [
        1200.50,
        200.50,
        1000.00,
    ]
    assert find_row(table, code="201").name == "一般公共服务支出"
    assert not table.notes


def test_title_without_label_takes_the_template_id_in_a_final_account() -> None:
    text = report_text(
        "一般公共预算财政拨款支出决算表",
        "单位: 万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t10.00\t4.00\t6.00",
    )
    (table,) = extract_tables(source_of(text))
    assert table.id == "公开05表"
    assert values(table.rows[0], ["合计", "基本支出", "项目支出"]) == [10.00, 4.00, 6.00]


def test_row_missing_its_leading_cell_is_realigned_by_its_code() -> None:
    text = report_text(
        "支出总表（预算表三）",
        "单位：万元",
        "序号\t科目编码\t科目名称\t合计\t基本支出",
        "1\t\t合计\t95.20\t95.20",
        "208\t社会保障和就业支出\t95.20\t95.20",  # the 序号 cell was dropped
        "3\t20805\t行政事业单位养老支出\t95.20\t",
    )
    (table,) = extract_tables(source_of(text))
    assert table.id == "预算表3"
    row = find_row(table, code="208")
    assert (row.name, row.row_number) == ("社会保障和就业支出", None)
    assert values(row, ["合计", "基本支出"]) == [95.20, 95.20]
    assert values(find_row(table, code="20805"), ["合计", "基本支出"]) == [95.20, None]
    assert find_row(table, code="20805").row_number == 3


def test_truncated_table_keeps_its_rows_and_says_so() -> None:
    text = report_text(
        "目录",
        "- 二、收入决算表",
        "- 三、支出决算表",
        "",
        "收入决算表",
        "公开02表",
        "单位：万元",
        "项目\t\t本年收入合计\t财政拨款收入",
        "科目代码\t科目名称\t\t",
        "201\t一般公共服务支出\t100.00\t100.00",
        "20103\t政府办公厅（室）及相关机构事务\t",
        "第三部分 情况说明",
        "一、收入支出决算总体情况说明",
    )
    tables = extract_tables(source_of(text))
    assert [(t.id, t.status) for t in tables] == [("公开02表", "present"), ("公开03表", "missing")]
    income = tables[0]
    assert [r.code for r in income.rows] == ["201", "20103"]
    assert values(income.rows[1], ["本年收入合计", "财政拨款收入"]) == [None, None]
    assert any("truncated" in note for note in income.notes)
    assert announced_tables(source_of(text)) == ["公开02表", "公开03表"]


def test_rows_and_header_cells_broken_across_lines_are_joined() -> None:
    text = report_text(
        "支出决算表",
        "公开03表",
        "项目\t\t本年支",  # a header cell broken by a line break
        "出合计\t基本支出",
        "科目代码\t科目名称\t\t",
        "合计\t\t31.92\t31.92",
        "2080505\t机关事业单位基本",  # a name broken by a line break
        "养老保险缴费支出\t31.92\t31.92",
        "",  # a blank line inside the body
        "2080506\t机关事业单位职业年金缴费支出\t\t",
    )
    source = source_of(text)
    (table,) = extract_tables(source)
    assert [c.key for c in table.columns] == ["本年支出合计", "基本支出"]
    row = find_row(table, code="2080505")
    assert row.name == "机关事业单位基本养老保险缴费支出"
    assert (row.name_span.line_start, row.name_span.line_end) == (7, 8)
    assert values(row, ["本年支出合计", "基本支出"]) == [31.92, 31.92]
    assert row.cells["基本支出"].span.line_start == 8
    assert find_row(table, code="2080506").value("本年支出合计") is None


def test_two_sided_table_with_other_words() -> None:
    text = report_text(
        "财政拨款收支总表(预算表 4)",
        "单位：万元",
        "收 入\t\t\t支 出\t\t",
        "项 目\t行次\t金额\t项 目\t行次\t金额",
        "一、本年收入\t1\t1,995.86\t一、本年支出\t3\t1,995.86",
        "\t2\t\t二、结转下年\t4\t——",
        "收入总计\t5\t1,995.86\t支出总计\t6\t1,995.86",
    )
    (table,) = extract_tables(source_of(text))
    assert table.id == "预算表4"
    assert [(c.key, c.side) for c in table.columns] == [("收入/金额", "收入"), ("支出/金额", "支出")]
    assert find_row(table, name="收入总计").value("收入/金额") == 1995.86
    assert find_row(table, name="支出总计").row_number == 6
    carried = find_row(table, number=4)
    assert (carried.side, carried.cells["支出/金额"].text, carried.value("支出/金额")) == ("支出", "——", None)
    assert find_row(table, number=2).name == ""


def test_unreadable_cell_is_kept_and_reported() -> None:
    text = report_text(
        "收入决算表",
        "公开02表",
        "科目代码\t科目名称\t本年收入合计",
        "合计\t\t12.5O",  # letter O for a zero
        "201\t一般公共服务支出\t12.50",
    )
    (table,) = extract_tables(source_of(text))
    cell = find_row(table, name="合计").cells["本年收入合计"]
    assert (cell.value, cell.text) == (None, "12.5O")
    assert table.status == "present"
    assert any("12.5O" in note for note in table.notes)


def test_label_on_its_own_line_after_the_title_and_empty_table() -> None:
    text = report_text(
        "## 国有资本经营预算财政拨款支出决算表",
        "",
        "公开08",
        "",
        "表",
        "",
        "项目\t\t本年支出\t\t",
        "科目代码\t科目名称\t合计\t基本支出\t项目支出",
        "合计\t\t\t\t",
        "",
        "本单位没有国有资本经营预算财政拨款。",
    )
    tables = extract_tables(source_of(text))
    table = table_by_id(tables, "公开08表")
    assert table.status == "empty"
    assert table.notes == ["本单位没有国有资本经营预算财政拨款。"]
    assert [c.key for c in table.columns] == ["本年支出/合计", "本年支出/基本支出", "本年支出/项目支出"]


def test_no_tables_in_plain_text() -> None:
    assert extract_tables(source_of("一、部门职责\n负责全市工业和信息化工作。\n")) == []


def test_table_continued_after_a_page_break_is_one_table() -> None:
    text = report_text(
        "一般公共预算财政拨款支出决算表",
        "公开05表",
        "（汇总）",  # a subtitle between the title and the body
        "单位：万元",
        "项目\t\t本年支出\t\t",
        "科目代码\t科目名称\t小计\t基本支出\t项目支出",
        "合计\t\t30.00\t10.00\t20.00",
        "201\t一般公共服务支出\t10.00\t10.00\t",
        "",
        "12",  # a page number left in the flow
        "",
        "208\t社会保障和就业支出\t5.00\t\t5.00",
        "",
        "一般公共预算财政拨款支出决算表",  # the title printed again on the next page
        "公开05表",
        "项目\t\t本年支出\t\t",
        "科目代码\t科目名称\t小计\t基本支出\t项目支出",
        "210\t卫生健康支出\t15.00\t\t15.00",
        "",
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    )
    (table,) = extract_tables(source_of(text))
    assert table.id == "公开05表"
    assert [r.code for r in table.rows] == [None, "201", "208", "210"]
    assert find_row(table, code="210").value("本年支出/项目支出") == 15.00
    assert find_row(table, code="208").value("本年支出/小计") == 5.00
    assert (table.line_start, table.line_end) == (5, 18)
    assert not table.notes


def test_a_title_far_above_a_tab_block_does_not_claim_it() -> None:
    text = report_text(
        "- 九、财政拨款“三公”经费支出决算表",
        *["部门：某单位"] * 20,
        "项目名称\t政府信息公开工作经费\t",
        "主管部门\t某单位\t",
    )
    tables = extract_tables(source_of(text))
    assert [(t.id, t.status) for t in tables] == [("公开09表", "missing")]


def test_code_and_name_in_one_cell() -> None:
    text = report_text(
        "支出决算表",
        "公开03表",
        "项目\t本年支出合计\t基本支出",
        "合计\t12.00\t12.00",
        "2010301 行政运行\t12.00\t12.00",
        "2024年结转项目\t1.00\t",
    )
    (table,) = extract_tables(source_of(text))
    assert (find_row(table, code="2010301").name, find_row(table, code="2010301").value("基本支出")) == (
        "行政运行",
        12.00,
    )
    assert find_row(table, name="2024年结转项目").code is None


def test_sides_from_income_and_expense_name_headers() -> None:
    text = report_text(
        "收入支出决算总表",
        "公开01表",
        "收入项目\t行次\t本年数\t支出项目\t行次\t本年数",
        "一、一般公共预算财政拨款收入\t1\t8.00\t一、一般公共服务支出\t4\t8.00",
        "本年收入合计\t2\t8.00\t本年支出合计\t5\t8.00",
        "总计\t3\t8.00\t总计\t6\t8.00",
    )
    (table,) = extract_tables(source_of(text))
    assert [(c.key, c.side) for c in table.columns] == [("收入/本年数", "收入"), ("支出/本年数", "支出")]
    assert find_row(table, name="本年支出合计").value("支出/本年数") == 8.00
    assert find_row(table, name="总计", side="收入").row_number == 3


def test_label_on_the_title_line_and_unit_on_the_department_line() -> None:
    text = report_text(
        "2024年度财政拨款收入支出决算总表 公开04表",
        "编制单位：某局    金额单位：千元",
        "收入\t\t\t支出\t\t",
        "项目\t行次\t决算数\t项目\t行次\t决算数",
        "本年收入合计\t1\t3.50\t本年支出合计\t2\t3.50",
    )
    (table,) = extract_tables(source_of(text))
    assert (table.id, table.title, table.unit) == ("公开04表", "财政拨款收入支出决算总表", "千元")
    assert find_row(table, name="本年支出合计").value("支出/决算数") == 3.50


def test_figures_pushed_onto_the_next_line_stay_in_their_row() -> None:
    text = report_text(
        "支出决算表",
        "公开03表",
        "科目代码\t科目名称\t本年支出合计\t基本支出",
        "合计\t\t31.92\t31.92",
        "2080505\t机关事业单位基本养老保险缴费支出",
        "\t\t31.92\t31.92",
    )
    (table,) = extract_tables(source_of(text))
    assert len(table.rows) == 2
    row = find_row(table, code="2080505")
    assert values(row, ["本年支出合计", "基本支出"]) == [31.92, 31.92]
    assert row.cells["基本支出"].span.line_start == 6


def test_label_printed_before_its_title_after_the_contents() -> None:
    text = report_text(
        "目录",
        "一、收入决算表",
        "二、一般公共预算财政拨款“三公”经费支出决算表",
        "",
        "公开01表",  # label first, then the title
        "收入决算表",
        "单位：万元",
        "科目代码\t科目名称\t本年收入合计",
        "合计\t\t5.00",
    )
    tables = extract_tables(source_of(text))
    assert [(t.id, t.title, t.status) for t in tables] == [
        ("公开01表", "收入决算表", "present"),
        ("公开09表", "一般公共预算财政拨款“三公”经费支出决算表", "missing"),
    ]


def test_row_named_with_a_colon_and_no_figure_does_not_end_the_table() -> None:
    text = report_text(
        "一般公共预算“三公”经费支出表",
        "单位：万元",
        "项 目\t2025 年预算数",
        "合 计\t2.00",
        "其中：（1）公务用车运行维护费\t",
        "（2）公务用车购置\t2.00",
    )
    (table,) = extract_tables(source_of(text))
    assert table.id == "一般公共预算三公经费支出表"
    assert [r.name for r in table.rows] == ["合计", "其中：（1）公务用车运行维护费", "（2）公务用车购置"]
    assert table.rows[2].value("2025年预算数") == 2.00


def test_header_and_column_numbers_printed_again_mid_body_are_skipped() -> None:
    text = report_text(
        "收入决算表",
        "公开02表",
        "科目代码\t科目名称\t本年收入合计\t财政拨款收入",
        "栏次\t\t1\t2",
        "合计\t\t9.00\t9.00",
        "201\t一般公共服务支出\t4.00\t4.00",
        "科目代码\t科目名称\t本年收入合计\t财政拨款收入",
        "栏次\t\t1\t2",
        "208\t社会保障和就业支出\t5.00\t5.00",
    )
    (table,) = extract_tables(source_of(text))
    assert [(r.code, r.name) for r in table.rows] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("208", "社会保障和就业支出"),
    ]
    assert [c.number for c in table.columns] == ["1", "2"]
