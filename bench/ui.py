"""TUI figures, headless, on the emulator's `large:10000` world (real HTTP + SSH on loopback).

Prints one line per figure, each with its goal:
- start to first painted list, from process spawn (goal <= 0.6 s), next to the floor
  measured in the same run: a fresh process doing `import textual.app`;
- the 10,000-change list: load time and peak RSS (goals <= 1 s, <= 150 MB);
- opening the change with 1,000 CI results and 300 human messages (goal <= 150 ms), split
  into fetch (REST + CI parsing) and UI (view rows + first paint);
- a filter toggle on it (goal <= 50 ms), and on a synthetic 1,000-row CI table;
- a stream flood at ~1,000 events/s: the app's worst event-loop stall while it lasts.

The emulator runs in this process; every app runs in a fresh child process (so import time
and RSS are the app's own), connecting exactly as `vstui demo` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHANGES = 10_000
FLOOD_RATE = 1000.0
FLOOD_SECONDS = 5.0
RUNS = 3


# ---------------------------------------------------------------------------- child side


def child(mode: str, directory: Path, spawned: float) -> None:
    import resource

    from vstui.config import load_config
    from vstui.core.connect import open_session
    from vstui.core.filter_state import FilterStateStore
    from vstui.ui.app import VstuiApp

    imported = time.time() - spawned
    params = json.loads((directory / "params.json").read_text())
    os.environ["VSTUI_DEMO_HTTP_PASSWORD"] = params["password"]
    config = load_config(directory / "config.toml")
    session = open_session(config.server("demo"))
    app = VstuiApp(session, filter_store=FilterStateStore(directory / f"filters-{mode}.json"))
    out: dict[str, Any] = {"import_s": imported}

    def paint_probe(widget: Any) -> dict[str, Any]:
        """Record when `widget` last rendered a line: the moment a change is on screen.

        (Textual renders lines when the compositor refreshes; `pilot.pause()` would wait for
        the whole app to go idle, which overstates the time to paint.)"""
        seen: dict[str, Any] = {"all": [], "rows": []}
        real = widget.render_line

        def render_line(y: int) -> Any:
            now = time.time()
            seen["all"].append(now)
            if widget.row_count:
                seen["rows"].append(now)
            return real(y)

        widget.render_line = render_line
        return seen

    async def painted_after(pilot: Any, probe: dict[str, Any], after: float) -> float:
        """The first paint at or after `after` (the probe keeps every paint time)."""
        await wait(pilot, lambda: any(t >= after for t in probe["all"]))
        return min(t for t in probe["all"] if t >= after)

    async def wait(pilot: Any, condition: Any, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(str(condition))
            await pilot.pause(0.005)

    async def list_mode(pilot: Any) -> None:
        screen = app._list_screen
        mounted = time.time()
        probe = paint_probe(screen.table)
        await wait(pilot, lambda: bool(probe["rows"]))
        out["first_paint_s"] = probe["rows"][0] - spawned
        out["first_rows"] = screen.table.row_count
        await wait(pilot, lambda: not screen.loading_changes)
        done_at = time.time()
        out["list_load_s"] = await painted_after(pilot, probe, done_at) - mounted
        out["list_rows"] = screen.table.row_count
        out["rss_mb"] = peak_rss_mb()
        out["rss_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        # Open the heavy change. Probes sit on the classes, before the screen exists: when
        # the row's CI summary was already loaded (the normal path from the list), the
        # change screen paints its results during its own mount.
        from vstui.ui.screens.change import ChangeScreen
        from vstui.ui.widgets.ci_pane import CIPane
        from vstui.ui.widgets.ci_table import CIResultsTable

        number = params["heavy"]
        events: dict[str, list[float]] = {"paint": [], "filled": [], "fetched": []}
        real_render = CIResultsTable.render_line
        real_set_jobs = CIPane.set_jobs
        real_load = session.load_change

        def render_line(self: Any, y: int) -> Any:
            if self.row_count:
                events["paint"].append(time.time())
            return real_render(self, y)

        def set_jobs(self: Any, jobs: Any, *, loaded: bool = True) -> None:
            real_set_jobs(self, jobs, loaded=loaded)
            if loaded and jobs:
                events["filled"].append(time.time())

        async def timed_load(n: int) -> None:
            await real_load(n)
            events["fetched"].append(time.time())

        CIResultsTable.render_line = render_line  # type: ignore[method-assign]
        CIPane.set_jobs = set_jobs  # type: ignore[method-assign]
        session.load_change = timed_load  # type: ignore[method-assign]

        async def open_and_measure(prefix: str) -> Any:
            for values in events.values():
                values.clear()
            started = time.time()
            await pilot.press("enter")
            await wait(pilot, lambda: isinstance(app.screen, ChangeScreen))
            change = app.screen
            await wait(pilot, lambda: bool(events["fetched"]) and bool(events["filled"]))
            first_fill = events["filled"][0]
            last_fill = events["filled"][-1]
            await wait(pilot, lambda: any(t >= last_fill for t in events["paint"]))
            first_paint = min(t for t in events["paint"] if t >= first_fill)
            final_paint = min(t for t in events["paint"] if t >= last_fill)
            out[f"{prefix}_first_s"] = first_paint - started
            out[f"{prefix}_full_s"] = final_paint - started
            out[f"{prefix}_fetch_s"] = events["fetched"][0] - started
            return change

        screen.table.move_cursor_to_key(number)
        # Jumping there loads the CI summaries of the rows now on screen (as scrolling would).
        await wait(
            pilot,
            lambda: all(screen._items[n].ci is not None for n in screen.table.visible_keys()),
        )
        await pilot.pause()
        change = await open_and_measure("open_warm")
        await pilot.press("escape")
        await wait(pilot, lambda: app.screen is screen)
        # Cold: nothing known but the list row (e.g. opened from the command palette).
        entry = session.store.get((session.server, number))
        entry.messages, entry.results = None, None
        entry.verifications.clear()
        entry.version += 1
        await pilot.pause()
        change = await open_and_measure("open_cold")
        view = change.view
        out["open_messages"] = len(view.messages)
        out["open_humans"] = sum(1 for m in view.messages if not m.is_bot)
        out["open_ci_reports"] = sum(1 for m in view.messages if m.is_bot)
        out["open_jobs"] = len(view.jobs)
        ci_probe = {"all": events["paint"]}
        # View rows alone (what every live update of this change recomputes).
        t0 = time.perf_counter()
        session.change_view(number)
        out["view_rebuild_s"] = time.perf_counter() - t0

        pane = change.ci_pane

        async def toggle_times() -> tuple[float, float]:
            """Median of: the toggle's own work (filter + regroup), and toggle to repaint."""
            work, total = [], []
            for _ in range(7):
                await pilot.pause()
                started = time.time()
                pane.action_toggle("hide_failing_non_voting")
                work.append(time.time() - started)
                total.append(await painted_after(pilot, ci_probe, started) - started)
            return sorted(work)[3], sorted(total)[3]

        out["toggle_work_s"], out["toggle_s"] = await toggle_times()

        # A synthetic 1,000-row CI table through the same pane (filtering + grouping + paint).
        from vstui.core.views import CIJobItem

        jobs = [
            CIJobItem(
                ci_name=f"CI {i % 40:02d}",
                name=f"job-{i:04d}",
                result="FAILURE" if i % 7 == 0 else "SUCCESS",
                status="failure" if i % 7 == 0 else "success",
                failing=i % 7 == 0,
                running=False,
                voting=i % 3 != 0,
                duration_s=60.0 + i,
                when=None,
                url=f"http://logs.example.org/{i}/",
                source="comment",
                raw_title="",
                raw_text="",
            )
            for i in range(1000)
        ]
        jobs.sort(key=lambda j: (j.ci_name, j.name))
        pane.set_jobs(jobs)
        await pilot.pause()
        out["toggle_1000_work_s"], out["toggle_1000_s"] = await toggle_times()
        out["toggle_1000_rows"] = (len(pane.jobs), len(pane.shown_jobs))
        app.exit()

    async def flood_mode(pilot: Any) -> None:
        screen = app._list_screen
        await wait(pilot, lambda: not screen.loading_changes and app.stream_status.state == "live")
        (directory / "flood-ready").write_text("1")
        lags: list[float] = []
        last = [time.perf_counter()]
        tick = 0.02

        def probe() -> None:
            now = time.perf_counter()
            lags.append(now - last[0] - tick)
            last[0] = now

        timer = app.set_interval(tick, probe)
        seen_before = session.events_applied
        await wait(pilot, lambda: (directory / "flood-done").exists(), timeout=120)
        # Let the backlog drain, then report.
        await pilot.pause(1.0)
        timer.stop()
        lags.sort()
        out["flood_events"] = session.events_applied - seen_before
        out["flood_max_lag_s"] = lags[-1] if lags else float("nan")
        out["flood_p99_lag_s"] = lags[int(len(lags) * 0.99)] if lags else float("nan")
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=list_mode if mode == "list" else flood_mode)
    print("RESULT " + json.dumps(out), flush=True)


# ---------------------------------------------------------------------------- parent side


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not `ru_maxrss`: Linux carries that across
    execve from the process that forked the child, so here it counted the benchmark's parent,
    which holds the emulator's whole large:10000 world (git objects included) in memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spawn(args: list[str]) -> tuple[subprocess.Popen[str], float]:
    spawned = time.time()
    proc = subprocess.Popen(
        [sys.executable, *args, str(spawned)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return proc, spawned


def result_of(proc: subprocess.Popen[str], timeout: float = 300) -> dict[str, Any]:
    stdout, _ = proc.communicate(timeout=timeout)
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"child failed (exit {proc.returncode}):\n{stdout[-2000:]}")


def fetch_floor(url: str, user: str, password: str, pages: int) -> float:
    """Seconds for bare sequential httpx GETs of the list's pages (no decoding at all)."""
    import httpx

    from vstui.core.session import FIRST_PAGE, LIST_OPTIONS, PAGE_SIZE

    start = time.perf_counter()
    with httpx.Client(auth=(user, password)) as client:
        offsets = [(FIRST_PAGE, 0)] + [
            (PAGE_SIZE, FIRST_PAGE + i * PAGE_SIZE) for i in range(pages)
        ]
        for size, offset in offsets:
            params = [("q", "status:open"), ("n", str(size)), ("S", str(offset))]
            params += [("o", o) for o in LIST_OPTIONS]
            client.get(url + "a/changes/", params=params).raise_for_status()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def import_floor() -> float:
    """Seconds from spawning a fresh interpreter to `import textual.app` done (median of 3)."""
    times = []
    for _ in range(3):
        spawned = time.time()
        out = subprocess.run(
            [sys.executable, "-c", "import time, textual.app; print(time.time())"],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()) - spawned)
    return sorted(times)[1]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4]))
        return 0

    from vstui.commands.demo import demo_config
    from vstui.fake import FakeGerrit

    with tempfile.TemporaryDirectory(prefix="vstui-bench-ui-") as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        fake = FakeGerrit(scenario=f"large:{CHANGES}", state_dir=directory / "state").start()
        built = time.perf_counter() - start
        try:
            info = fake.info
            user = info["default_account"]
            account = next(a for a in info["accounts"] if a["username"] == user)
            heavy = max(fake.store.changes(), key=lambda c: len(c.messages)).number
            (directory / "params.json").write_text(
                json.dumps({"password": account["http_password"], "heavy": heavy})
            )
            demo_config(info, directory)
            print(f"world: large:{CHANGES} built in {built:.1f} s; heavy change {heavy}")

            floor = import_floor()
            # Three fresh processes (the machine is shared: medians, and the spread).
            runs = []
            for _ in range(RUNS):
                proc, _ = spawn([__file__, "--child", "list", str(directory)])
                runs.append(result_of(proc))
            r = dict(runs[-1])
            for key in ("first_paint_s", "list_load_s", "rss_mb", "import_s"):
                r[key] = median([run[key] for run in runs])
            paints = sorted(run["first_paint_s"] for run in runs)
            loads = sorted(run["list_load_s"] for run in runs)
            pages = CHANGES // 500 + 1
            fetch = median(
                [
                    fetch_floor(info["http"]["url"], user, account["http_password"], pages)
                    for _ in range(3)
                ]
            )
            ratio = r["first_paint_s"] / floor
            print(
                f"start to first painted list: {r['first_paint_s']:.2f} s median of {RUNS} "
                f"(range {paints[0]:.2f}-{paints[-1]:.2f}; {r['first_rows']} rows; goal <= 0.6 s) "
                f"| import floor (fresh `import textual.app`): {floor:.2f} s, ratio {ratio:.1f}x "
                f"| vstui imports done at {r['import_s']:.2f} s"
            )
            print(
                f"list of {r['list_rows']} changes: loaded and painted in "
                f"{r['list_load_s']:.2f} s after mount, median (range {loads[0]:.2f}-"
                f"{loads[-1]:.2f}; goal <= 1 s) | floor: bare sequential GETs of the same pages "
                f"{fetch:.2f} s, ratio {r['list_load_s'] / fetch:.1f}x | peak RSS "
                f"{r['rss_mb']:.0f} MB (goal <= 150 MB)"
            )
            print(
                f"open change {heavy} ({r['open_ci_reports']} CI reports, {r['open_humans']} "
                f"human messages; {r['open_jobs']} job rows on the latest patch set; goal "
                f"<= 150 ms): from the list (row summary loaded) results painted in "
                f"{r['open_warm_first_s'] * 1000:.0f} ms, full detail refresh painted at "
                f"{r['open_warm_full_s'] * 1000:.0f} ms | cold (nothing cached): fetch+parse "
                f"{r['open_cold_fetch_s'] * 1000:.0f} ms, painted at "
                f"{r['open_cold_full_s'] * 1000:.0f} ms | view rows rebuild "
                f"{r['view_rebuild_s'] * 1000:.1f} ms"
            )
            total, _shown = r["toggle_1000_rows"]
            print(
                f"filter toggle (x) to repaint: {r['toggle_s'] * 1000:.1f} ms on that change "
                f"(work {r['toggle_work_s'] * 1000:.1f} ms); {r['toggle_1000_s'] * 1000:.1f} ms "
                f"on a {total}-row CI table (work {r['toggle_1000_work_s'] * 1000:.1f} ms) "
                f"(goal <= 50 ms)"
            )

            proc, _ = spawn([__file__, "--child", "flood", str(directory)])
            deadline = time.monotonic() + 120
            while not (directory / "flood-ready").exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("flood child did not get ready")
                time.sleep(0.05)
            before = len(fake.store.events())
            fake.start_activity(FLOOD_RATE)
            time.sleep(FLOOD_SECONDS)
            fake.stop_activity()
            emitted = len(fake.store.events()) - before
            (directory / "flood-done").write_text("1")
            r = result_of(proc)
            print(
                f"stream flood: {emitted / FLOOD_SECONDS:.0f} events/s for {FLOOD_SECONDS:.0f} s "
                f"({emitted} events, {r['flood_events']} applied by the app): worst event-loop "
                f"stall {r['flood_max_lag_s'] * 1000:.0f} ms, p99 {r['flood_p99_lag_s'] * 1000:.0f} ms"
            )
        finally:
            fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
