"""Dashboards (defaults, config overlay, version check), their config validation, and the
persisted query history (order, dedupe, cap, file modes, a broken file)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from vstui.config import ConfigError, parse_config
from vstui.core.dashboards import attention_supported, dashboards, for_key
from vstui.core.query_history import LIMIT, HistoryCursor, QueryHistory


def test_defaults_and_configured_sections_by_key() -> None:
    boards = dashboards([("2", "Cinder reviews", "project:openstack/cinder reviewer:self"),
                         ("7", "Nova", "project:openstack/nova")])  # fmt: skip
    assert [d.key for d in boards] == ["1", "2", "3", "4", "7"]
    assert for_key(boards, "1").query == "owner:self status:open"  # type: ignore[union-attr]
    two = for_key(boards, "2")
    assert two is not None and two.title == "Cinder reviews" and two.fallback is None
    default_two = for_key(dashboards(), "2")
    assert default_two is not None and default_two.query.startswith("attention:self")
    assert default_two.fallback == "reviewer:self -owner:self status:open"
    assert for_key(boards, "9") is None


@pytest.mark.parametrize(
    ("version", "ok"),
    [("3.9.1", True), ("3.3.0", True), ("3.2.14", False), ("2.16", False), ("weird", True)],
)
def test_attention_needs_gerrit_3_3(version: str, ok: bool) -> None:
    assert attention_supported(version) is ok


def test_dashboards_config_is_validated(tmp_path: Path) -> None:
    good = parse_config(
        {"servers": {"s": {"url": "https://g.example/", "dashboards": [
            {"key": "5", "title": "Mine", "query": "owner:self"}]}}},
        tmp_path / "c.toml",
    )  # fmt: skip
    assert good.servers["s"].dashboards == (("5", "Mine", "owner:self"),)
    with pytest.raises(ConfigError) as err:
        parse_config(
            {"servers": {"s": {"url": "https://g.example/", "dashboards": [
                {"key": "12", "title": "x", "query": "q"},
                {"key": "3", "title": "x", "query": "q", "colour": "red"},
                {"key": "3", "title": "y", "query": "q"},
                "nope"]}}},
            tmp_path / "c.toml",
        )  # fmt: skip
    text = "\n".join(err.value.problems)
    assert "must be one digit 0-9, got '12'" in text
    assert "[servers.s.dashboards.1] colour: unknown key" in text
    assert "'3' is bound twice" in text
    assert "[servers.s.dashboards.3]: must be a table" in text


def test_history_newest_first_deduped_capped_and_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "query_history.json"
    history = QueryHistory(path)
    for q in ("status:open", "owner:self", "status:open", "  "):
        history.add("demo", q)
    history.add("other", "is:starred")
    assert history.entries("demo") == ["status:open", "owner:self"]
    assert QueryHistory(path).entries("other") == ["is:starred"]  # persisted, per server
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for i in range(LIMIT + 10):
        history.add("demo", f"change:{i}")
    assert len(history.entries("demo")) == LIMIT


def test_a_broken_history_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "query_history.json"
    path.write_text("{not json")
    assert QueryHistory(path).entries("demo") == []
    assert (tmp_path / "query_history.json.bad").exists()
    path.write_text(json.dumps({"demo": ["ok", 3, None]}))
    assert QueryHistory(path).entries("demo") == ["ok"]


def test_cursor_walks_back_and_returns_to_what_was_typed() -> None:
    cursor = HistoryCursor(["b", "a"], typed="draft")
    assert [cursor.older(), cursor.older(), cursor.older()] == ["b", "a", None]
    assert [cursor.newer(), cursor.newer(), cursor.newer()] == ["b", "draft", None]
