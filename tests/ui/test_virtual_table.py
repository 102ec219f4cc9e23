"""The virtual table keeps its cursor on the same row across updates and skips group headers."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from vstui.ui.widgets.virtual_table import Column, TableRow, VirtualTable

COLUMNS = [Column("n", "#", width=6, justify="right"), Column("s", "Subject", ratio=1)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, id="t")


def rows(numbers, subject="change"):
    return [TableRow(n, (str(n), f"{subject} {n}")) for n in numbers]


def line_text(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


async def test_ten_thousand_rows_render_only_what_is_visible():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(range(10_000)))
        await pilot.pause()
        assert table.row_count == 10_000
        assert line_text(table, 0).split() == ["#", "Subject"]
        assert "change 0" in line_text(table, 1)
        table.focus()
        await pilot.press("end")
        assert table.cursor_key == 9_999
        assert "change 9999" in line_text(table, table.scrollable_content_region.height - 1)


async def test_cursor_stays_on_its_row_at_the_same_screen_line_when_rows_are_inserted_above():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(range(100)))
        table.focus()
        await pilot.press("down", "down", "down", "pagedown")
        key = table.cursor_key
        screen_line = table.cursor_index - int(table.scroll_y)
        table.set_rows(rows([-1, -2, -3]) + rows(range(100)))
        await pilot.pause()
        assert table.cursor_key == key
        assert table.cursor_index - int(table.scroll_y) == screen_line


async def test_cursor_survives_its_row_disappearing_and_update_row_replaces_in_place():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(range(10)))
        table.focus()
        await pilot.press("down", "down")
        assert table.cursor_key == 2
        table.set_rows(rows([0, 1, 3, 4]))
        assert table.cursor_key == 3  # same index, next row
        assert table.update_row(TableRow(3, ("3", "renamed")))
        assert not table.update_row(TableRow(99, ("99", "absent")))
        await pilot.pause()
        assert "renamed" in line_text(table, 3)


async def test_group_headers_are_skipped_by_the_cursor():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(
            [
                TableRow("g1", ("CI one",), group=True),
                *rows([1, 2]),
                TableRow("g2", ("CI two",), group=True),
                *rows([3]),
            ]
        )
        table.focus()
        assert table.cursor_key == 1
        await pilot.press("down", "down")
        assert table.cursor_key == 3
        await pilot.press("up")
        assert table.cursor_key == 2
        assert table.data_row_count == 3


async def test_cells_are_data_not_markup():
    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(
            [
                TableRow(1, ("1", "[@click=app.quit]x[/] [WIP]")),
                TableRow(2, ("2", Text("[b]y[/b]"))),
            ]
        )
        await pilot.pause()
        assert "[@click=app.quit]x[/] [WIP]" in line_text(table, 1)
        assert "[b]y[/b]" in line_text(table, 2)
        await pilot.click(VirtualTable, offset=(10, 1))
        assert app.is_running


async def test_double_click_selects_the_row():
    app = TableApp()
    selected = []
    async with app.run_test(size=(60, 8), message_hook=lambda m: selected.append(m)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(rows(range(5)))
        await pilot.pause()
        await pilot.click(VirtualTable, offset=(10, 3), times=2)
        await pilot.pause()
        # The hook sees a message once per node it bubbles through: count distinct messages.
        picks = {id(m): m.key for m in selected if isinstance(m, VirtualTable.RowSelected)}
        assert list(picks.values()) == [2]


async def test_empty_table_says_so():
    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(VirtualTable)
        table.empty_text = "No changes match this query"
        table.set_rows([])
        await pilot.pause()
        assert "No changes match this query" in line_text(table, 1)


async def test_append_rows_keeps_cursor_and_scroll_and_indexes_the_new_keys():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        table.append_rows(rows(range(5)))  # into an empty table: the cursor lands on row 0
        assert table.cursor_key == 0
        table.focus()
        await pilot.press("down", "down")
        table.append_rows(rows(range(5, 500)))
        await pilot.pause()
        assert (table.cursor_key, table.row_count, int(table.scroll_y)) == (2, 500, 0)
        assert table.index_of(499) == 499 and table.get_row(250).cells[1] == "change 250"
        await pilot.press("end")
        assert table.cursor_key == 499
        assert "change 499" in line_text(table, table.scrollable_content_region.height - 1)


def test_updated_column_is_stable_and_locale_free():
    from datetime import UTC, datetime

    from vstui.ui.widgets.change_table import format_updated

    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp()
    cases = {
        datetime(2026, 3, 2, 9, 5, tzinfo=UTC): "09:05",  # today: the time
        datetime(2026, 3, 1, 23, 30, tzinfo=UTC): "Mar 01",  # this year: month and day
        datetime(2015, 12, 7, 9, 5, tzinfo=UTC): "2015-12",  # before: year and month
        None: "",
    }
    assert {when: format_updated(when, now, UTC) for when in cases} == cases


async def test_styled_cells_take_their_colours_from_the_theme_and_stay_data():
    from vstui.ui.widgets.virtual_table import ROLES, Styled

    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows(
            [TableRow(1, ("1", Styled((("[b]FAIL[/b]", "error-strong"), (" ↻", "pending")))))]
        )
        await pilot.pause()
        segments = list(table.render_line(1))
        fail = next(s for s in segments if "FAIL" in s.text)
        assert fail.text.startswith("[b]FAIL[/b]") and fail.style.bold  # literal, styled
        dark = {role: table.role_style(role) for role in ROLES}
        assert dark["error-strong"].color != dark["success"].color
        assert dark["error-soft"].color != dark["error-strong"].color  # non-voting: softer
        assert all(style.bgcolor is None for style in dark.values())  # cursor shows through
        app.theme = "textual-light"
        await pilot.pause()
        assert table.role_style("error-strong").color != dark["error-strong"].color
        # a cell wider than its column is cut with an ellipsis, keeping the roles' styles
        narrow = table._styled_segments(
            Styled((("FAILURE", "error"), (" ↻", "pending"))), 6, "left"
        )
        assert "".join(text for text, _style in narrow) == "FAILU…"
