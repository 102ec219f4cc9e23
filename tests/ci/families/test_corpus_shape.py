"""The families corpus itself: every record names its source; every family has its test file."""

from __future__ import annotations

from pathlib import Path

from tests.ci.families._corpus import load

PROVENANCE = {"verbatim", "verbatim-body", "reconstructed", "synthesized"}


def test_every_record_has_a_source_and_a_provenance():
    for r in load():
        assert r["source"].strip(), r["id"]
        assert r["provenance"] in PROVENANCE, r["id"]
        assert set(r["expect"]) == {"is_bot", "ci_name", "overall", "vote", "jobs"}


def test_ids_are_unique():
    rows = load()
    assert len({r["id"] for r in rows}) == len(rows)


def test_each_family_has_its_test_file_and_real_messages():
    here = Path(__file__).parent
    for fmt in {r["format"] for r in load()}:
        name = "test_humans.py" if fmt == "human" else f"test_{fmt.replace('-', '_')}.py"
        assert (here / name).is_file(), f"no test file for family {fmt}"
        assert len(load(fmt)) >= 2, fmt
