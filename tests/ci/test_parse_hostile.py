"""`vstui parse` on hostile and huge input: per-record errors, streaming, `--jobs`.

Regression tests for issue 9 items 12 and 14: 100k-deep JSON and a 5,000-digit integer were
tracebacks (and lost the good records before them); the whole input and output were held in
memory (384 MB for 100k records).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci.test_parse_command import HUMAN, REC, WANT, run_parse
from vstui.cli import main

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_json_line_is_one_record_error_and_the_rest_is_printed(monkeypatch, capsys):
    data = "\n".join([json.dumps(REC), DEEP, json.dumps(HUMAN)]) + "\n"
    code, out, err = run_parse(monkeypatch, capsys, data)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert json.loads(lines[0]) == WANT
    assert json.loads(lines[1]) == {
        "id": None,
        "error": "line 2: not valid JSON (nested too deeply)",
    }
    assert json.loads(lines[2])["id"] == "h1"
    assert err.strip().splitlines() == [
        "vstui parse: record 2: line 2: not valid JSON (nested too deeply)"
    ]


def test_deep_json_as_the_whole_input_is_one_line(monkeypatch, capsys):
    code, out, err = run_parse(monkeypatch, capsys, DEEP)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "nested too deeply" in err


def test_deep_json_inside_an_array_is_one_line(monkeypatch, capsys):
    code, out, err = run_parse(monkeypatch, capsys, "[" + DEEP + "]")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "nested too deeply" in err


def test_huge_integer_fails_its_record_only(monkeypatch, capsys):
    huge = json.dumps(REC).replace('"_revision_number": 3', '"_revision_number": ' + "9" * 5000)
    data = "\n".join([json.dumps(HUMAN), huge, json.dumps(REC)]) + "\n"
    code, out, err = run_parse(monkeypatch, capsys, data)
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in lines] == ["h1", None, "abc123"]
    assert "number too large" in lines[1]["error"]
    assert err.count("\n") == 1 and "record 2: line 2" in err


def test_huge_integer_in_an_array_fails_its_record_only(monkeypatch, capsys):
    good = json.dumps(REC)
    huge = good.replace('"_revision_number": 3', '"_revision_number": ' + "9" * 5000)
    code, out, err = run_parse(monkeypatch, capsys, f"[{good}, {huge}, {good}]")
    got = json.loads(out)
    assert code == 1 and got[0] == got[2] == WANT
    assert got[1] == {"id": None, "error": "not valid JSON (a number too large)"}
    assert err.strip().splitlines() == [
        "vstui parse: record 2: not valid JSON (a number too large)"
    ]


def test_invalid_utf8_fails_its_line_only(monkeypatch, capsys):
    data = json.dumps(REC).encode() + b'\n{"id": "\xff"}\n' + json.dumps(HUMAN).encode() + b"\n"
    code, out, err = run_parse(monkeypatch, capsys, data)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and lines[0] == WANT and lines[2]["id"] == "h1"
    assert "not UTF-8" in lines[1]["error"] and err.count("\n") == 1


def test_lone_surrogate_escape_is_read_and_written_back(monkeypatch, capsys):
    rec = dict(HUMAN, id="x\ud800")
    code, out, _ = run_parse(monkeypatch, capsys, json.dumps(rec) + "\n" + json.dumps(REC))
    assert code == 0
    assert json.loads(out.splitlines()[0])["id"] == "x\ud800"


def test_pretty_printed_object_is_still_one_object(monkeypatch, capsys):
    code, out, _ = run_parse(monkeypatch, capsys, json.dumps(REC, indent=2), "--pretty")
    assert code == 0 and json.loads(out) == WANT and "\n  " in out


def _corpus(path: Path, n: int, bad_every: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            if bad_every and i % bad_every == bad_every - 1:
                fh.write("{broken\n")
            else:
                fh.write(json.dumps(dict(REC if i % 2 else HUMAN, id=f"r{i}")) + "\n")
    return path


_RSS = (
    "import resource, sys\n"
    "from vstui.cli import main\n"
    "rc = main(['parse', *sys.argv[1:]])\n"
    "sys.stderr.write(f'MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "sys.exit(rc)\n"
)


def _run_cli(corpus: Path, *args: str) -> tuple[int, bytes, str]:
    with corpus.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", _RSS, *args],
            stdin=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )
    return done.returncode, done.stdout, done.stderr.decode()


def _max_rss_kb(stderr: str) -> int:
    return int(next(line for line in stderr.splitlines() if line.startswith("MAXRSS")).split()[1])


def test_jobs_give_the_same_output_in_the_same_order(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", 9_000, bad_every=1000)
    code1, out1, err1 = _run_cli(corpus)
    code2, out2, err2 = _run_cli(corpus, "--jobs", "3")
    assert code1 == code2 == 1
    assert out1 == out2
    assert len(out1.splitlines()) == 9_000
    errors1 = [line for line in err1.splitlines() if not line.startswith("MAXRSS")]
    errors2 = [line for line in err2.splitlines() if not line.startswith("MAXRSS")]
    assert errors1 == errors2 and len(errors1) == 9
    assert errors1[0].startswith("vstui parse: record 1000: line 1000: not valid JSON")


def test_jobs_on_an_array_keep_order_and_framing(tmp_path):
    records = [dict(REC if i % 2 else HUMAN, id=f"r{i}") for i in range(4_500)]
    records[3_000] = "not an object"
    corpus = tmp_path / "in.json"
    corpus.write_text(json.dumps(records))
    code1, out1, _ = _run_cli(corpus)
    code2, out2, _ = _run_cli(corpus, "--jobs", "2")
    assert code1 == code2 == 1 and out1 == out2
    got = json.loads(out1)
    assert len(got) == 4_500 and got[1] == dict(WANT, id="r1")
    assert got[3_000] == {"id": None, "error": "expected a JSON object, got str"}


def test_memory_stays_flat_as_the_input_grows(tmp_path):
    small = _corpus(tmp_path / "small.jsonl", 2_000)
    big = _corpus(tmp_path / "big.jsonl", 40_000)  # ~20 MB of input and output
    code_small, _, err_small = _run_cli(small)
    code_big, out_big, err_big = _run_cli(big)
    assert code_small == code_big == 0
    assert len(out_big.splitlines()) == 40_000
    grown_kb = _max_rss_kb(err_big) - _max_rss_kb(err_small)
    assert grown_kb < 8_000, f"RSS grew {grown_kb} kB for 20x the records"


def test_json_lines_with_a_bad_first_line_still_stream(monkeypatch, capsys):
    data = "{broken\n" + json.dumps(REC) + "\n" + json.dumps(HUMAN) + "\n"
    code, out, err = run_parse(monkeypatch, capsys, data)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(lines) == 3 and lines[1] == WANT
    assert "error" in lines[0] and err.count("\n") == 1


def test_parse_leaves_the_garbage_collector_as_it_found_it(monkeypatch, capsys):
    import gc

    before = gc.get_threshold()
    run_parse(monkeypatch, capsys, json.dumps(REC))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


@pytest.mark.parametrize("value", ["0", "-2", "x", "999"])
def test_bad_jobs_value_is_one_line_exit_2(capsys, value):
    with pytest.raises(SystemExit) as info:
        main(["parse", "--jobs", value])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "--jobs" in err
