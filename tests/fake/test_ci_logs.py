"""The emulator serves a log for every CI run in its messages, over real loopback HTTP."""

from __future__ import annotations

import gzip
import io
import time
from collections.abc import Iterator

import httpx
import pytest

from vstui.fake import FakeGerrit
from vstui.fake.ci_logs import BIG_CHUNKS, CHUNK, Run, plan
from vstui.logs.anomalies import anomalies, split_lines
from vstui.logs.fetch import Fetcher
from vstui.logs.load import read_log
from vstui.logs.source import via_mirror

HPE = "http://15.126.198.151/hpe-storage-ci/72/381272/1/check/hpe-3par-iscsi-dsvm/"


@pytest.fixture(scope="module")
def fg() -> Iterator[FakeGerrit]:
    with FakeGerrit(scenario="seed") as f:
        yield f


def _mirror(fg: FakeGerrit) -> str:
    return str(fg.info["log_mirror"])


def test_every_ci_host_serves_its_runs_logs(fg: FakeGerrit) -> None:
    runs = fg.ci_logs.index.runs()
    seen: set[str] = set()
    with Fetcher() as f:
        for run in runs.values():
            host = run.url.split("/")[2]
            if host in seen or run.big:
                continue
            seen.add(host)
            buf = io.BytesIO()
            from vstui.logs.load import fetch_log

            fetch_log(f, run.url, buf, mirror=_mirror(fg))
            assert buf.getvalue().startswith(b"20"), run.url
    assert len(seen) > 30


def test_failing_and_passing_runs_of_a_job_differ_like_real_runs(fg: FakeGerrit) -> None:
    failing = read_log(HPE + "b341fac/", mirror=_mirror(fg))
    passing = read_log(HPE + "8f837ef/", mirror=_mirror(fg))
    assert b"Traceback (most recent call last):" in failing and b"... FAILED" in failing
    assert b"... FAILED" not in passing and b"Traceback" not in passing
    assert b"AMQP server on" in failing and b"AMQP server on" in passing  # benign, both
    order = [ln.split("] ")[0].split(" ")[-2] for ln in split_lines(passing) if "... ok" in ln]
    order2 = [ln.split("] ")[0].split(" ")[-2] for ln in split_lines(failing) if "... ok" in ln]
    assert order != order2  # tempest workers: the order differs per run
    top = anomalies(split_lines(failing), split_lines(passing), top=10)
    run = fg.ci_logs.index.find(HPE + "b341fac/")
    assert run is not None
    truth = plan(run)
    added = [a for a in top if any(x in a.text for x in truth.added)]
    assert len(added) >= 5
    top20 = anomalies(split_lines(failing), split_lines(passing), top=20)
    for culprit in truth.culprits:
        assert any(culprit in a.text for a in top20), culprit


def test_logs_are_deterministic_per_seed(fg: FakeGerrit) -> None:
    """Same seed, same log; only the wall-clock times (the world is built around now) move."""
    with FakeGerrit(scenario="seed") as other:
        a = read_log(HPE + "b341fac/", mirror=_mirror(fg))
        b = read_log(HPE + "b341fac/", mirror=_mirror(other))
    assert len(a) == len(b)
    assert [ln[26:] for ln in a.split(b"\n")] == [ln[26:] for ln in b.split(b"\n")]


def test_gz_index_and_range(fg: FakeGerrit) -> None:
    base = via_mirror(HPE + "b341fac/", _mirror(fg))
    plain = httpx.get(base + "job-output.txt").content
    gz = httpx.get(base + "job-output.txt.gz", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(gz.content) == plain
    index = httpx.get(base).text
    assert 'href="job-output.txt"' in index and 'href="job-output.txt.gz"' in index
    part = httpx.get(base + "job-output.txt", headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == plain[100:]
    assert httpx.get(base + "nothing.txt").status_code == 404


def test_big_logs_are_streamed_and_ranges_do_not_generate_the_start(fg: FakeGerrit) -> None:
    big = next(r for r in fg.ci_logs.index.runs().values() if r.big and "/job/" not in r.url)
    p = plan(big)
    assert p.size >= 50 * 1024 * 1024 and p.size > BIG_CHUNKS * CHUNK
    url = via_mirror(big.url, _mirror(fg)).rstrip("/") + "/job-output.txt"
    t0 = time.monotonic()
    r = httpx.get(url, headers={"Range": f"bytes={p.size - 5000}-"})
    assert r.status_code == 206 and len(r.content) == 5000
    assert time.monotonic() - t0 < 2.0  # one chunk generated, not 60 MB
    with httpx.stream("HEAD", url) as head:
        assert int(head.headers["Content-Length"]) == p.size
    assert httpx.get(url + ".gz").status_code == 404  # big logs have no .gz


def test_a_running_jenkins_build_grows_while_watched(fg: FakeGerrit) -> None:
    url = "https://jenkins.opendaylight.org/releng/job/lf-infra-sonar/778/"
    fg.store.post_review(381272, 2, "lf-jenkins", message=f"Build Started {url}")
    running = fg.ci_logs.index.find(url)
    assert running is not None and running.running
    now = [1000.0]
    old = fg.ci_logs.clock
    fg.ci_logs.clock = lambda: now[0]
    running.watched_since = None
    try:
        base = via_mirror(running.url, _mirror(fg)).removesuffix("/console").rstrip("/")
        r1 = httpx.get(base + "/logText/progressiveText?start=0")
        assert r1.headers["X-More-Data"] == "true"
        size1 = int(r1.headers["X-Text-Size"])
        assert len(r1.content) == size1
        now[0] += 10
        r2 = httpx.get(base + f"/logText/progressiveText?start={size1}")
        size2 = int(r2.headers["X-Text-Size"])
        assert (
            size2 > size1
            and r1.content + r2.content == httpx.get(base + "/consoleText").content[:size2]
        )
    finally:
        fg.ci_logs.clock = old


def test_zuul_build_page_resolves_through_the_build_api(fg: FakeGerrit) -> None:
    run = next(r for r in fg.ci_logs.index.runs().values() if "/t/openstack/build/" in r.url)
    data = read_log(run.url, mirror=_mirror(fg))
    assert data.startswith(b"20") and run.job.encode() in data


def test_unknown_urls_and_methods() -> None:
    r = Run("http://x/y/", "SUCCESS", "j", 0.0, 0, 1, 1, "ci")
    assert plan(r).size == len(b"".join(plan(r).iter_bytes()))


def test_a_started_build_that_reported_later_is_finished(fg: FakeGerrit) -> None:
    """Gerrit Trigger's `Build Started` then its report: the log is complete, not growing."""
    started = [r for r in fg.ci_logs.index.runs().values() if "/job/" in r.url and r.job and
               "/778/" not in r.url and any("Build Started " + r.url in m.message
                   for m in fg.store.change(r.change).messages)]  # fmt: skip
    assert started and all(not r.running for r in started)
