"""首页: the due list is what ``due`` prints for the same day (7, 30 and 90 days), its filters and search
narrow it, the KPI cards count and filter, the start-up summary counts what became overdue since the
day the database was last opened (nothing on the first start, the day remembered), the charts get their
data, and a read is in the background; on both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.home import summary
from desktop.home.page import HomePage, day_heading
from models.core.due import DueItem
from models.modules import due_items
from tests.cli.test_cli import db_arg, run
from tests.desktop.home.world import TODAY, HomeWorld, build_home


def wait_home(qtbot, page: HomePage) -> HomePage:  # type: ignore[no-untyped-def]
    if page.loading:
        with qtbot.waitSignal(page.sig_loaded, timeout=10000):
            pass
    return page


@pytest.fixture
def world(db) -> HomeWorld:  # type: ignore[no-untyped-def]
    return build_home(db)


@pytest.fixture
def make_page(qtbot, db, runner, settings):  # type: ignore[no-untyped-def]
    def make(today: date = TODAY) -> HomePage:
        page = HomePage(db, runner, settings, today=lambda: today)
        qtbot.addWidget(page)
        page.resize(1200, 760)
        page.show()
        page.activate()
        return wait_home(qtbot, page)

    return make


def _key(item: DueItem) -> tuple[object, ...]:
    return (item.module, item.kind, item.record, item.record_id, item.due_on)


def _due_json(capsys, db, *extra: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "--db", db_arg(db), "due", "--as-of", TODAY.isoformat(), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def _window(page: HomePage, days: int) -> None:
    page.window_combo.setCurrentIndex(page.window_combo.findData(days))


def test_the_window_and_due_agree(qtbot, make_page, world, db, capsys) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    shown = page.shown_items()
    with db.read() as s:
        assert shown == due_items(s, as_of=TODAY, within=30)  # the page's first list: due's default window
    assert [i.as_json() for i in shown] == _due_json(capsys, db)  # what the command prints, in its order
    modules = {i.module for i in shown}
    assert {"plans", "supplies", "teams"} <= modules
    for days in (7, 90, 30):
        _window(page, days)
        assert [i.as_json() for i in page.shown_items()] == _due_json(capsys, db, "--within", str(days))
    assert page.heading.text() == f"首页　{day_heading(TODAY)}" == "首页　2026年11月29日 星期日"
    assert page.count_label.text().startswith(f"共 {len(shown)} 项，其中逾期 {sum(i.overdue for i in shown)} 项")
    assert not page.banner.isVisible()  # the first start: no summary…
    assert page._settings.last_seen(str(db.url)) == TODAY.isoformat()  # …but the day is remembered


def test_filters_and_search_narrow_the_list(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    everything = page.shown_items()
    page.module_combo.setCurrentIndex(page.module_combo.findData("supplies"))
    supplies = page.shown_items()
    assert supplies and {i.module for i in supplies} == {"supplies"}
    assert supplies == [i for i in everything if i.module == "supplies"]
    assert "显示" in page.count_label.text() and f"共 {len(everything)} 项" in page.count_label.text()
    page.severity_combo.setCurrentIndex(page.severity_combo.findData("danger"))
    assert page.shown_items() == [i for i in supplies if i.severity == "danger"]
    assert {world.expired, world.expiring} <= {i.record_id for i in page.shown_items()}  # expired, within 30 days
    page.severity_combo.setCurrentIndex(page.severity_combo.findData("warning"))
    assert page.shown_items() == [i for i in supplies if i.severity == "warning"]
    page.module_combo.setCurrentIndex(0)
    page.severity_combo.setCurrentIndex(0)
    page.search.setText("YA-01")  # a plan's number, as its detail says it
    with qtbot.waitSignal(page.search.sig_search, timeout=2000):
        pass
    found = page.shown_items()
    assert found and {i.record_id for i in found} == {world.late_plan} and {i.module for i in found} == {"plans"}
    page.search.setText("b-old 已过期")  # every word, any case
    page.search.returnPressed.emit()
    assert [i.record_id for i in page.shown_items()] == [world.expired]
    page.search.setText("没有这样的事项")
    page.search.returnPressed.emit()
    assert page.shown_items() == [] and page.proxy.rowCount() == 0


def test_sorting_by_a_column(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    page.view.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # 剩余/逾期: the most overdue first
    days = [i.days if i.days is not None else 0 for i in page.shown_items()]
    assert days == sorted(days) and len(days) == len(page.model.items) - sum(
        1 for i in page.model.items if i.days is not None and i.days > 30)
    page.view.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # 到期日: the latest first, “现在” last
    dated = [i.due_on for i in page.shown_items()]
    assert dated[-1] is None
    assert [d for d in dated if d is not None] == sorted((d for d in dated if d is not None), reverse=True)


def test_kpi_cards_count_and_filter(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    items = page.model.items
    overdue = [i for i in page.shown_items() if i.overdue]
    assert page.cards["overdue"].count_label.text() == str(len(overdue)) != "0"
    assert page.cards["teams"].count_label.text() == str(
        sum(1 for i in items if i.module == "teams" and i.kind == "readiness")) == "1"
    assert page.cards["supplies"].count_label.text() == str(
        sum(1 for i in items if i.module == "supplies" and i.kind in summary.SUPPLY_SHORT))
    page.module_combo.setCurrentIndex(page.module_combo.findData("plans"))  # a card clears the other filters
    qtbot.mouseClick(page.cards["overdue"], Qt.MouseButton.LeftButton)
    assert page.card_key == "overdue" and page.module_combo.currentIndex() == 0
    assert page.shown_items() == overdue and "只看“逾期事项”" in page.count_label.text()
    qtbot.mouseClick(page.cards["teams"], Qt.MouseButton.LeftButton)
    assert [(i.kind, i.record_id) for i in page.shown_items()] == [("readiness", world.duty.world.team)]
    assert page.cards["hazards"].count_label.text() == "1" and page.cards["incidents"].count_label.text() == "1"
    qtbot.mouseClick(page.cards["hazards"], Qt.MouseButton.LeftButton)
    assert [(i.record, i.record_id) for i in page.shown_items()] == [("hazard", world.hazard)]
    qtbot.mouseClick(page.cards["incidents"], Qt.MouseButton.LeftButton)
    assert [(i.record, i.record_id) for i in page.shown_items()] == [("incident", world.incident)]
    qtbot.mouseClick(page.cards["incidents"], Qt.MouseButton.LeftButton)  # again: everything
    assert page.card_key == "" and len(page.shown_items()) == len([i for i in items if i.days is None or i.days <= 30])
    qtbot.mouseClick(page.cards["week"], Qt.MouseButton.LeftButton)
    assert all(i.days is not None and 0 <= i.days <= 7 for i in page.shown_items())


def test_the_start_up_summary_counts_what_became_overdue(qtbot, make_page, world, db, settings) -> None:  # type: ignore[no-untyped-def]
    since = TODAY - timedelta(days=5)
    settings.set_last_seen(str(db.url), since.isoformat())
    page = make_page()
    with db.read() as s:
        items = due_items(s, as_of=TODAY, within=90)
    new = [i for i in items if i.overdue and i.due_on is not None and i.due_on > since]
    assert world.expired in {i.record_id for i in new if i.module == "supplies"}  # expired 3 days ago
    assert world.late_plan not in {i.record_id for i in new if i.module == "plans"}  # overdue before that already
    assert page.banner.isVisible()
    text = page.banner_label.text()
    assert text.startswith(f"自上次打开（{since.isoformat()}）以来新逾期 {len(new)} 项：")
    assert f"物资 {sum(1 for i in new if i.module == 'supplies')} 项" in text
    assert settings.last_seen(str(db.url)) == TODAY.isoformat()
    page.banner_show.click()  # 只看这些
    assert page.shown_items() == [i for i in items if i in new]
    page.banner_close.click()  # 知道了: closed, everything listed again
    assert not page.banner.isVisible() and len(page.shown_items()) > len(new)
    page.refresh()
    wait_home(qtbot, page)
    assert not page.banner.isVisible()  # stays closed in this session


def test_nothing_new_since_yesterday_and_an_empty_database(qtbot, make_page, db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.set_last_seen(str(db.url), (TODAY - timedelta(days=1)).isoformat())
    page = make_page()
    assert page.banner.isVisible() and page.banner_label.text() == "自上次打开（2026-11-28）以来没有新逾期的事项。"
    assert not page.banner_show.isVisible()
    assert page.shown_items() == [] and page.count_label.text() == "按 2026-11-29：没有逾期或即将到期的事项。"
    assert all(card.count_label.text() == "0" for card in page.cards.values())
    assert page.drills_chart.data.empty and page.supplies_chart.data.empty
    assert page.total_label.text() == "在册企业 0 家（不含回收站）" and "还没有企业" in page.hint.text()


def test_the_charts_get_their_data(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    chart = page.module_chart.data
    assert chart.title == "到期事项按模块" and chart.stacked and chart.categories[:4] == ("预案", "演练", "物资", "队伍")
    danger, warning = chart.series
    shown = page.shown_items()
    assert danger.values[2] == sum(1 for i in shown if i.module == "supplies" and i.severity == "danger")
    assert sum(danger.values) + sum(warning.values) == len(shown)
    supplies = page.supplies_chart.data
    assert supplies.categories[0] == "11月" and len(supplies.categories) == 6
    assert sum(supplies.series[0].values) >= 1  # B-SOON expires in December
    assert supplies.series[0].values[1] >= 1
    drills = page.drills_chart.data
    assert [s.name for s in drills.series] == ["已实施", "应实施"] and "11月" in drills.categories
    hazards = page.hazards_chart.data
    assert hazards.title == "隐患：按部门（未销号）" and hazards.stacked
    assert [s.name for s in hazards.series] == ["一般隐患", "重大隐患"] and sum(hazards.series[1].values) == 1
    assert "已逾期 1 项" in hazards.note  # the world's 重大 hazard, 5 days past its deadline
    page.module_chart.grab()  # painted without error, every bar with its tooltip
    assert any("物资 紧急" in tip for tip in page.module_chart.bar_tips())


def test_a_row_opens_its_item(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()
    opened: list[DueItem] = []
    page.sig_open_item.connect(opened.append)
    rect = page.view.visualRect(page.proxy.index(0, 1))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # the press a double-click follows
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [page.shown_items()[0]]
    page.view.setCurrentIndex(page.proxy.index(1, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened[1:] == [page.shown_items()[1]]


def test_the_summary_text() -> None:
    def item(module: str, due_on: date, days: int) -> DueItem:
        return DueItem(module, "k", "k", "r", 1, None, "", "t", "d", due_on, days, "danger")

    since = date(2026, 11, 30)
    items = [item("plans", date(2026, 12, 1), -3), item("drills", date(2026, 12, 2), -2),
             item("drills", date(2026, 12, 3), -1), item("plans", date(2026, 11, 30), -4),  # overdue before
             item("supplies", date(2026, 12, 4), 0)]  # due today: not overdue
    assert summary.summary_text(items, since) == "自上次打开（2026-11-30）以来新逾期 3 项：预案 1 项、演练 2 项。"


def test_in_the_flood_season_flood_work_leads(qtbot, make_page, world, db) -> None:  # type: ignore[no-untyped-def]
    from models.oversight import flood

    july = date(2026, 7, 15)
    page = make_page(july)
    with db.read() as s:
        work = [i for i in flood.flood_work(s, due_items(s, as_of=july, within=90)) if i.days is None or i.days <= 30]
    gaps = [i for i in work if i.record == "shift"]
    assert gaps  # nobody rostered in July: every roster gap is flood work
    assert page.flood_banner.isVisible() and page.cards["flood"].isVisible()
    assert page.flood_label.text().startswith("汛期 6月1日至9月30日（主汛期 7月1日至8月31日）：防汛相关待办 "
                                              f"{len(work)} 项")
    assert page.cards["flood"].count_label.text() == str(len(work))
    page.flood_show.click()
    assert page.card_key == "flood" and page.shown_items() == [i for i in page.model.items if i in set(work)]


def test_out_of_season_no_flood_banner(qtbot, make_page, world) -> None:  # type: ignore[no-untyped-def]
    page = make_page()  # 29 November
    assert not page.flood_banner.isVisible() and not page.cards["flood"].isVisible()
    assert page.data is not None and page.data.season == "" and not page.data.flood


def test_the_list_as_shown_exports_to_excel_as_due_does(qtbot, make_page, world, db, capsys, tmp_path, monkeypatch,
                                                         msgs) -> None:  # type: ignore[no-untyped-def]
    """导出Excel writes what the list shows (its filter and order); ``due --out`` writes the same columns."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    page = make_page()
    page.module_combo.setCurrentIndex(page.module_combo.findData("oversight"))
    shown = page.shown_items()
    assert [i.record for i in shown] and all(i.module == "oversight" for i in shown)
    target = tmp_path / "到期"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.exporter.sig_finished, timeout=10000) as blocker:
        page.export_excel()
    written = tmp_path / "到期.xlsx"
    assert blocker.args == [str(written), len(shown)] and "已导出" in msgs.texts()[0]
    rows = list(load_workbook(written).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:7] == ("紧急程度", "模块", "事项", "企业", "对象", "到期日", "剩余/逾期")
    assert [r[header.index("对象")] for r in rows[1:]] == [i.title for i in shown]
    hazard = next(r for r in rows[1:] if r[header.index("事项")] == "隐患整改")
    assert hazard[header.index("紧急程度")] == "紧急" and hazard[header.index("逾期天数")] == 5
    out = tmp_path / "due.xlsx"
    code, written_text, err = run(capsys, "--db", db_arg(db), "due", "--as-of", TODAY.isoformat(), "--out", str(out))
    assert code == 0 and "已导出" in written_text, err
    cli_rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert cli_rows[0] == header and len(cli_rows) - 1 == len(due_items_for(db))
    code, _text, err = run(capsys, "--db", db_arg(db), "due", "--out", str(tmp_path / "due.csv"))
    assert code == 1 and "应为 .xlsx" in err


def due_items_for(db) -> list[DueItem]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return due_items(s, as_of=TODAY, within=30)
