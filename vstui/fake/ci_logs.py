"""Job logs for every CI run the emulator reports, served over HTTP, and a Zuul status API.

The CI reports in the emulator's messages carry real-looking URLs on hosts that do not exist
(`http://15.126.198.151/hpe-storage-ci/...`). The emulator serves them as a log *mirror*
under its own HTTP server: `<emulator>/_ci/<scheme>/<host>/<path>` is the log at
`<scheme>://<host>/<path>` (the client's `log_mirror` setting maps URLs this way). Routes
below the mirror prefix, for a run URL U found in a message:

- `U` or `U/`: the run's HTML index (Zuul style) or job page (Jenkins style);
- `U/job-output.txt`: the Zuul job log (devstack + tempest-like); `U/job-output.txt.gz`
  the same, gzipped (small logs only: big ones have no `.gz`, like hosts that compress
  nothing past a size);
- `U/consoleText` and `U/logText/progressiveText?start=N` (Jenkins, with `X-Text-Size` and
  `X-More-Data` headers): the same log; `Range: bytes=N-` is honoured on every log;
- `/_ci/<scheme>/<host>/api/tenant/<t>/status/change/<n>,<ps>`: Zuul's status for the
  change's running jobs (a JSON list of queue items) on that CI's host;
- `/_ci/<scheme>/<host>/api/tenant/<t>/build/<uuid>`: a Zuul build (`log_url`) for the
  `.../t/<t>/build/<uuid>` links zuul.opendev.org reports.

Which run a URL belongs to is read from the store's messages (`- job URL : RESULT`, `Build
Started URL`, verify-status rows), so every scenario and the live activity get logs without
registering anything. Content is deterministic per URL (seeded by its hash): passing and
failing runs of one job share their vocabulary and differ like real runs (timestamps,
request ids, test order); failing runs add a real failure (a service error with its
traceback, then the failed test with its own). About one run in twelve has a big log (60 MB
and more), generated chunk by chunk while it is sent, never held in memory. A run that
started but has not reported grows while it is watched (about 40 KB/s).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from vstui.fake.http_server import HttpRequest, HttpResponse, RestError

PREFIX = "/_ci/"
CHUNK = 64 * 1024
SMALL_CHUNKS = (6, 14)  # a normal log: 6..14 chunks of 64 KB (0.4-0.9 MB)
BIG_CHUNKS = 960  # 60 MB
GROW_BYTES_PER_S = 40 * 1024
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_RESULT_AFTER = re.compile(r"^\s*:\s*([A-Z_]+)")
_DURATION = re.compile(r"\bin (?:(\d+)h )?(?:(\d+)m )?(\d+)s\b")


@dataclass(slots=True)
class Run:
    """One CI run as the messages tell it."""

    url: str
    result: str  # SUCCESS, FAILURE, ... or STARTED (running)
    job: str
    reported: float  # message date
    duration_s: int
    change: int
    ps: int
    ci: str  # the reporting account's username
    watched_since: float | None = None

    @property
    def running(self) -> bool:
        return self.result == "STARTED"

    @property
    def failed(self) -> bool:
        return self.result not in ("SUCCESS", "PASS", "PASSED", "SUCCEEDED", "STARTED")

    @property
    def seed(self) -> int:
        return int.from_bytes(hashlib.sha256(self.url.encode()).digest()[:8], "big")

    @property
    def big(self) -> bool:
        return self.seed % 12 == 0 and not self.running

    @property
    def start_time(self) -> float:
        return self.reported - (self.duration_s or 3600)


def _key(url: str) -> str:
    key = url.rstrip("/")
    if "/job/" in key and key.endswith("/console"):
        key = key[: -len("/console")]  # Jenkins reports link the console page of the build
    return key


def _job_from_line(line: str, url: str) -> str:
    before = line.split(url, 1)[0].split()
    words = [w for w in before if w not in ("-", "*", "✅", "❌", "Build", "Started")]
    if words and re.fullmatch(r"[\w.\-/]+", words[-1]):
        return words[-1]
    parts = [p for p in re.split(r"/", url.split("://", 1)[-1]) if p]
    jobs = [p for p in parts if re.search(r"[a-z]-[a-z]", p)]
    return jobs[-1] if jobs else "job"


# ------------------------------------------------------------------ the run index


class RunIndex:
    """URL -> Run, rebuilt from the store when its messages change (checked per request)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        self._derived: dict[str, Run] = {}  # log directories a Zuul build API answer named
        # Zuul "Starting <pipeline> jobs." notices not yet followed by that CI's report:
        # (status root, change, ps) -> the jobs it runs (for the status API).
        self._queued: dict[tuple[str, int, int], list[Run]] = {}
        self._stamp: tuple[int, int] = (-1, -1)

    def _current_stamp(self) -> tuple[int, int]:
        changes = self.store.changes()
        return (len(changes), sum(len(c.messages) for c in changes))

    def runs(self) -> dict[str, Run]:
        with self._lock:
            stamp = self._current_stamp()
            if stamp != self._stamp:
                self._rebuild()
                self._stamp = stamp
            return self._runs

    def find(self, url: str) -> Run | None:
        key = _key(url)
        run = self.runs().get(key)
        if run is None:
            with self._lock:
                run = self._derived.get(key)
        return run

    def queued(self, root: str, change: int, ps: int) -> list[Run]:
        self.runs()
        with self._lock:
            return list(self._queued.get((root, change, ps), ()))

    def derive(self, run: Run) -> None:
        with self._lock:
            self._derived[_key(run.url)] = run

    def _rebuild(self) -> None:
        old = self._runs
        runs: dict[str, Run] = {}
        with self.store.lock:
            changes = list(self.store.changes())
            for change in changes:
                for msg in change.messages:
                    author = getattr(msg.author, "username", None) or "unknown"
                    ps = msg.revision_number or 1
                    for line in msg.message.splitlines():
                        for m in _URL.finditer(line):
                            url = m.group().rstrip(".,;")
                            after = line[m.end() :]
                            started = line.lstrip().startswith("Build Started")
                            rm = _RESULT_AFTER.match(after)
                            if started:
                                result = "STARTED"
                            elif rm:
                                result = rm.group(1)
                            else:
                                continue  # a link, not a run report
                            dm = _DURATION.search(after)
                            dur = 0
                            if dm:
                                h, mi, s = (int(x) if x else 0 for x in dm.groups())
                                dur = h * 3600 + mi * 60 + s
                            runs[_key(url)] = Run(
                                url, result, _job_from_line(line, url), msg.date, dur,
                                change.number, ps, author,
                            )  # fmt: skip
                for ps, rows in change.verifications.items():
                    for row in rows:
                        if row.url and _key(row.url) not in runs:
                            result = {1: "SUCCESS", -1: "FAILURE"}.get(row.value, "STARTED")
                            runs[_key(row.url)] = Run(
                                row.url, result, row.name, row.granted, 0, change.number, ps,
                                row.reporter or "unknown",
                            )  # fmt: skip
        self._queued = self._zuul_queue(changes, runs)
        # A build that started and whose CI reported later on the same patch set has finished
        # (the emulator's start notices and reports carry different build URLs).
        finished: dict[tuple[int, int, str, str], tuple[float, str]] = {}
        for run in runs.values():
            if not run.running:
                k = (run.change, run.ps, run.ci, run.job)
                if k not in finished or finished[k][0] < run.reported:
                    finished[k] = (run.reported, run.result)
        for run in runs.values():
            if run.running:
                done = finished.get((run.change, run.ps, run.ci, run.job))
                if done is not None and done[0] >= run.reported:
                    run.result = done[1]
        for key, run in runs.items():
            prev = old.get(key)
            if prev is not None:
                run.watched_since = prev.watched_since
        self._runs = runs

    def _zuul_queue(
        self, changes: list[Any], runs: dict[str, Run]
    ) -> dict[tuple[str, int, int], list[Run]]:
        """Jobs of Zuul CIs that announced a start and have not reported since."""
        roots: dict[str, str] = {}  # author -> Zuul root (from its `.../t/<tenant>/...` URLs)
        jobs: dict[str, list[str]] = {}  # author -> job names it reported
        for run in runs.values():
            m = _ZUUL_ROOT.match(run.url)
            if m:
                roots.setdefault(run.ci, m.group(1))
                if run.job not in jobs.setdefault(run.ci, []):
                    jobs[run.ci].append(run.job)
        queued: dict[tuple[str, int, int], list[Run]] = {}
        for change in changes:
            latest: dict[tuple[str, int], tuple[float, bool]] = {}
            for msg in change.messages:
                author = getattr(msg.author, "username", None)
                if author not in roots:
                    continue
                ps = msg.revision_number or 1
                started = bool(_ZUUL_START.search(msg.message))
                key = (author, ps)
                if key not in latest or latest[key][0] <= msg.date:
                    latest[key] = (msg.date, started)
            for (author, ps), (date, started) in latest.items():
                if not started:
                    continue
                root = roots[author]
                queued[(root, change.number, ps)] = [
                    Run(f"{root}/t/openstack/stream/{_uuid(root, change.number, ps, name)}"
                        "?logfile=console.log", "STARTED", name, date, 0, change.number, ps,
                        author)
                    for name in jobs.get(author, ())
                ]  # fmt: skip
        return queued


_ZUUL_ROOT = re.compile(r"^(https?://[^/]+(?:/[^/]+)*?)/t/[^/]+/")
_ZUUL_START = re.compile(r"^(?:Patch Set \d+:[^\n]*\n\n)?Starting \w+ jobs\.", re.M)


def _uuid(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


# ------------------------------------------------------------------ log content

_TESTS = (
    "tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete",
    "tempest.api.volume.test_volumes_actions.VolumesActionsTest.test_attach_detach_volume_to_instance",
    "tempest.api.volume.test_volumes_snapshots.VolumesSnapshotTestJSON.test_snapshot_create_get_list_update_delete",
    "tempest.api.volume.test_volumes_extend.VolumesExtendTest.test_volume_extend",
    "tempest.api.volume.test_volume_transfers.VolumesTransfersTest.test_create_get_list_accept_volume_transfer",
    "tempest.api.volume.admin.test_multi_backend.VolumeMultiBackendTest.test_backend_name_reporting",
    "tempest.api.volume.test_volumes_backup.VolumesBackupsTest.test_volume_backup_create_get_detailed_list_restore_delete",
    "tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers",
    "tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume",
    "tempest.scenario.test_volume_boot_pattern.TestVolumeBootPattern.test_volume_boot_pattern",
    "tempest.scenario.test_minimum_basic.TestMinimumBasicScenario.test_minimum_basic_scenario",
    "tempest.api.volume.test_versions.VersionsTest.test_list_versions",
    "tempest.api.volume.test_availability_zone.AvailabilityZoneTestJSON.test_get_availability_zone_list",
    "tempest.api.volume.test_volume_metadata.VolumesMetadataTest.test_crud_volume_metadata",
    "tempest.api.volume.admin.test_volume_types.VolumeTypesTest.test_volume_crud_with_volume_type_and_extra_specs",
    "tempest.api.volume.test_qos.QosSpecsTestJSON.test_create_delete_qos_with_back_end_consumer",
)

_BODY = (
    "DEBUG oslo_concurrency.processutils [{req} {proj} {proj}] Running cmd (subprocess): sudo cinder-rootwrap /etc/cinder/rootwrap.conf lvs --noheadings -o lv_name stack-volumes-lvmdriver-1",
    'DEBUG oslo_concurrency.processutils [{req} {proj} {proj}] CMD "sudo cinder-rootwrap /etc/cinder/rootwrap.conf lvs --noheadings -o lv_name stack-volumes-lvmdriver-1" returned: 0 in {dur}s',
    "INFO cinder.volume.manager [{req} {proj} {proj}] Created volume successfully.",
    "INFO cinder.volume.flows.manager.create_volume [{req} {proj} {proj}] Volume volume-{uuid} ({uuid}): created successfully",
    "DEBUG cinder.volume.drivers.lvm [{req} {proj} {proj}] Updating volume stats {{'volume_backend_name': 'lvmdriver-1', 'total_capacity_gb': {n}.{n2}, 'free_capacity_gb': {n}.{n2}}}",
    "INFO cinder.api.openstack.wsgi [{req} {proj} {proj}] GET http://{ip}/volume/v3/{hexid}/volumes/{uuid}",
    "INFO cinder.api.openstack.wsgi [{req} {proj} {proj}] http://{ip}/volume/v3/{hexid}/volumes/{uuid} returned with HTTP 200",
    "DEBUG oslo_service.periodic_task [None {req} None None] Running periodic task VolumeManager.publish_service_capabilities",
    "INFO nova.compute.manager [{req} {proj} {proj}] [instance: {uuid}] Took {dur} seconds to build instance.",
    "DEBUG nova.virt.libvirt.driver [{req} {proj} {proj}] [instance: {uuid}] Instance spawned successfully.",
    "INFO os_brick.initiator.connectors.iscsi [{req} {proj} {proj}] Trying to connect to iSCSI portal {ip}:3260",
    "DEBUG os_brick.initiator.linuxscsi [{req} {proj} {proj}] Searching for a device in {path}",
    "INFO tempest.lib.common.rest_client [{req} ] Request ({cls}:{meth}): 200 GET http://{ip}/volume/v3/{hexid}/volumes/{uuid} {dur}s",
    "INFO tempest.lib.common.rest_client [{req} ] Request ({cls}:{meth}): 202 POST http://{ip}/volume/v3/{hexid}/volumes {dur}s",
    "DEBUG keystonemiddleware.auth_token [-] Authenticating user token process_request",
    'INFO neutron.wsgi [{req} {proj} {proj}] {ip} "GET /v2.0/ports?device_id={uuid} HTTP/1.1" status: 200  len: {n}  time: {dur}',
)

# Printed by every run, passing or not: a reviewer should never be pointed at these.
_BENIGN = (
    "ERROR oslo.messaging._drivers.impl_rabbit [-] [{uuid}] AMQP server on {ip}:5672 is unreachable: [Errno 111] ECONNREFUSED. Trying again in 1 seconds.: ConnectionRefusedError: [Errno 111] ECONNREFUSED",
    "WARNING cinder.volume.manager [{req} None None] Service cinder-volume is not reporting: volume stats are stale",
    "ERROR cinder.scheduler.host_manager [{req} None None] Failed to update capabilities: no backend reported yet",
    "WARNING keystonemiddleware.auth_token [-] AuthToken middleware is set with keystone_authtoken.service_token_roles_required set to False.",
)

_FAILURES = (
    # (service error + its traceback, the failed test + its traceback, culprit markers)
    (
        [
            "ERROR cinder.volume.manager [{req} {proj} {proj}] Failed to create volume {uuid}: cinder.exception.VolumeBackendAPIException: Bad or unexpected response from the storage volume backend API: 3PAR WSAPI returned HTTP 500 for host cpg {word}",
            "ERROR cinder.volume.manager Traceback (most recent call last):",
            'ERROR cinder.volume.manager   File "/opt/stack/cinder/cinder/volume/drivers/hpe/hpe_3par_common.py", line {n}, in create_volume',
            "ERROR cinder.volume.manager     self.client.createVolume(volume_name, cpg, size, optional)",
            'ERROR cinder.volume.manager   File "/usr/local/lib/python3.10/dist-packages/hpe3parclient/client.py", line {n}, in createVolume',
            "ERROR cinder.volume.manager     response, body = self.http.post('/volumes', body=info)",
            "ERROR cinder.volume.manager hpe3parclient.exceptions.HTTPServerError: Internal Server Error (HTTP 500) 3PAR_CPG_FULL",
        ],
        "tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete",
        [
            "Traceback (most recent call last):",
            '  File "/opt/stack/tempest/tempest/api/volume/test_volumes_get.py", line {n}, in test_volume_create_get_update_delete',
            "    volume = self.create_volume(**params)",
            '  File "/opt/stack/tempest/tempest/common/waiters.py", line {n}, in wait_for_volume_resource_status',
            "    raise exceptions.VolumeResourceBuildErrorException(",
            "tempest.exceptions.VolumeResourceBuildErrorException: volume {uuid} failed to build and is in ERROR status",
        ],
    ),
    (
        [
            "ERROR os_brick.initiator.connectors.iscsi [{req} {proj} {proj}] Could not login to any iSCSI portal: iscsiadm: initiator reported error (8 - connection timed out)",
            "ERROR nova.compute.manager [{req} {proj} {proj}] [instance: {uuid}] Failed to attach volume {uuid} at /dev/vdb: os_brick.exception.VolumeDeviceNotFound: Volume device not found at .",
            "ERROR nova.compute.manager Traceback (most recent call last):",
            'ERROR nova.compute.manager   File "/opt/stack/nova/nova/virt/block_device.py", line {n}, in attach',
            "ERROR nova.compute.manager     device_info = connector.connect_volume(connection_info['data'])",
            "ERROR nova.compute.manager os_brick.exception.VolumeDeviceNotFound: Volume device not found at .",
        ],
        "tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume",
        [
            "Traceback (most recent call last):",
            '  File "/opt/stack/tempest/tempest/api/compute/volumes/test_attach_volume.py", line {n}, in test_attach_detach_volume',
            "    self.attach_volume(server, volume)",
            '  File "/opt/stack/tempest/tempest/common/waiters.py", line {n}, in wait_for_volume_resource_status',
            "    raise lib_exc.TimeoutException(message)",
            "tempest.lib.exceptions.TimeoutException: Request timed out Details: volume {uuid} failed to reach in-use status (current attaching) within the required time (196 s).",
        ],
    ),
)


def _t(ts: float) -> str:
    lt = time.gmtime(ts)
    return time.strftime("%Y-%m-%d %H:%M:%S", lt) + f".{int((ts % 1) * 1e6):06d}"


class _Fill:
    """Random field values for templates (deterministic per rng)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, template: str) -> str:
        r = self.rng
        return template.format(
            req=f"req-{self.uuid()}",
            proj=f"{r.getrandbits(128):032x}",
            uuid=self.uuid(),
            hexid=f"{r.getrandbits(128):032x}",
            ip=f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            dur=f"{r.random() * 9:.3f}",
            n=r.randint(1, 999),
            n2=r.randint(0, 99),
            path=f"/dev/disk/by-path/ip-10.0.0.{r.randint(2, 250)}:3260-iscsi-iqn.2010-10.org.openstack:volume-{self.uuid()}-lun-{r.randint(0, 9)}",
            cls=r.choice(("VolumesGetTest", "VolumesActionsTest", "ServersTestJSON")),
            meth=r.choice(("setUpClass", "test_volume_extend", "_run_cleanups")),
            word=r.choice(("FC_r1", "SSD_r5", "FC_r6")),
        )

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:]}"


@dataclass(slots=True)
class LogPlan:
    """How one run's log is laid out: header, N body chunks of exactly CHUNK bytes, tail."""

    run: Run
    header: bytes
    chunks: int
    tail: bytes
    added: list[str] = field(default_factory=list)  # the lines the failure added (truth)
    culprits: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.header) + self.chunks * CHUNK + len(self.tail)

    def chunk(self, i: int) -> bytes:
        rng = random.Random(self.run.seed * 1_000_003 + i)
        fill = _Fill(rng)
        ts = self.run.start_time + 300 + i * (self.run.duration_s or 3600) / max(1, self.chunks)
        out: list[str] = []
        size = 0
        while size < CHUNK - 400:
            ts += rng.random() * 0.05
            tmpl = rng.choice(_BODY)
            line = f"{_t(ts)} | controller | {fill(tmpl)}\n"
            out.append(line)
            size += len(line.encode())
        pad = CHUNK - size
        out.append("#" + "-" * (pad - 2) + "\n")
        data = "".join(out).encode()
        assert len(data) == CHUNK
        return data

    def iter_bytes(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes [start, end) generated lazily, chunk by chunk."""
        end = self.size if end is None else min(end, self.size)
        pos = 0
        pieces: list[tuple[int, Callable[[], bytes], int]] = [
            (0, lambda: self.header, len(self.header))
        ]
        base = len(self.header)
        for i in range(self.chunks):
            pieces.append((base + i * CHUNK, lambda i=i: self.chunk(i), CHUNK))
        pieces.append((base + self.chunks * CHUNK, lambda: self.tail, len(self.tail)))
        for pos, make, length in pieces:
            if pos + length <= start or pos >= end:
                continue
            data = make()
            yield data[max(0, start - pos) : max(0, end - pos)]


def plan(run: Run) -> LogPlan:
    rng = random.Random(run.seed)
    fill = _Fill(rng)
    ts = run.start_time
    head: list[str] = []

    def emit(text: str, node: str = "controller") -> None:
        nonlocal ts
        ts += rng.random() * 0.4
        head.append(f"{_t(ts)} | {node} | {text}")

    emit(f"Job console starting for {run.job}", "localhost")
    emit(f"Running Ansible setup for {run.job} on change {run.change},{run.ps}", "localhost")
    for task in ("Gathering Facts", "configure-mirrors", "ensure-devstack", "Run devstack"):
        emit(f"TASK [{task}]", "localhost")
        emit(f"ok: Runtime: 0:00:0{rng.randint(1, 9)}.{rng.randint(0, 999999):06d}")
    for step in ("Installing package prerequisites", "Installing OpenStack project source",
                 "Configuring and starting Cinder", "Configuring and starting Nova"):  # fmt: skip
        emit(f"+ ./stack.sh:main:{rng.randint(100, 1500)} : echo_summary '{step}'")
    for tmpl in _BENIGN:
        for _ in range(rng.randint(1, 3)):
            emit(fill(tmpl))
    tests = list(_TESTS)
    rng.shuffle(tests)  # tempest runs in parallel workers: the order differs per run
    chunks = BIG_CHUNKS if run.big else rng.randint(*SMALL_CHUNKS)
    if run.running:
        chunks = max(chunks, 400)  # a running job keeps printing for a while
    header = ("\n".join(head) + "\n").encode()
    if run.running:
        return LogPlan(run, header, chunks, b"")
    ts = run.start_time + (run.duration_s or 3600) - 120
    tail: list[str] = []

    def out(text: str) -> None:
        nonlocal ts
        ts += rng.random() * 0.3
        tail.append(f"{_t(ts)} | controller | {text}")

    added: list[str] = []
    culprits: list[str] = []
    failure = _FAILURES[run.seed % len(_FAILURES)] if run.failed else None
    if failure is not None:
        service, _test, _tb = failure
        for i, tmpl in enumerate(service):
            line = fill(tmpl)
            out(line)
            added.append(line)
            if i == 0 or i == len(service) - 1:
                culprits.append(line)
    for k, test in enumerate(tests):
        worker = k % 4
        secs = f"{rng.random() * 60:.6f}"
        if failure is not None and test == failure[1]:
            line = f"{{{worker}}} {test} [{secs}s] ... FAILED"
            out(line)
            added.append(line)
            culprits.append(line)
        else:
            out(f"{{{worker}}} {test} [{secs}s] ... ok")
    if failure is not None:
        out("")
        out("==============================")
        out("Failed 1 tests - output below:")
        added.append("Failed 1 tests - output below:")
        out("==============================")
        out(failure[1])
        added.append(failure[1])
        out("Captured traceback:")
        added.append("Captured traceback:")
        for j, tmpl in enumerate(failure[2]):
            line = fill(tmpl)
            out(line)
            added.append(line)
            if j == len(failure[2]) - 1:
                culprits.append(line)
    passed = len(tests) - (1 if failure else 0)
    out("======")
    out("Totals")
    out("======")
    out(f"Ran: {len(tests)} tests in {rng.random() * 900 + 300:.4f} sec.")
    out(f" - Passed: {passed}")
    out(" - Skipped: 0")
    out(f" - Failed: {1 if failure else 0}")
    if failure is not None:
        out("ERROR: the main setup script run by this job failed - exit code: 1")
        added.append(tail[-1].split(" | ", 2)[2])
        culprits.append(tail[-1].split(" | ", 2)[2])
    out(f"Job {run.job} finished: {run.result}")
    if failure is not None:
        added.append(f"Job {run.job} finished: {run.result}")
    return LogPlan(run, header, chunks, ("\n".join(tail) + "\n").encode(), added, culprits)


# ------------------------------------------------------------------ HTTP routes


class CiLogs:
    """The `/_ci/` routes; `wrap(router)` puts them in front of the Gerrit REST routes."""

    def __init__(self, store: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.index = RunIndex(store)
        self.clock = clock

    def wrap(
        self, router: Callable[[HttpRequest], HttpResponse]
    ) -> Callable[[HttpRequest], HttpResponse]:
        def route(req: HttpRequest) -> HttpResponse:
            if req.path.startswith(PREFIX) and not req.authenticated:
                return self.route(req)
            return router(req)

        return route

    def route(self, req: HttpRequest) -> HttpResponse:
        if req.method not in ("GET", "HEAD"):
            raise RestError(405, "Method Not Allowed")
        rest = unquote(req.path[len(PREFIX) :])
        scheme, _, rest = rest.partition("/")
        if scheme not in ("http", "https") or not rest:
            raise RestError(404, "Not Found")
        url = f"{scheme}://{rest}"
        host_root = f"{scheme}://{rest.split('/', 1)[0]}"
        m = re.search(r"/api/tenant/([^/]+)/status/change/(\d+),(\d+)$", url)
        if m:
            return self._zuul_status(url[: m.start()], m.group(1), int(m.group(2)), int(m.group(3)))
        m = re.search(r"/api/tenant/([^/]+)/build/([0-9a-f]{32})$", url)
        if m:
            return self._zuul_build(url[: m.start()], m.group(1), m.group(2), req)
        for suffix in ("/job-output.txt.gz", "/job-output.txt", "/consoleText",
                       "/logText/progressiveText", "/console", ""):  # fmt: skip
            if suffix and not url.endswith(suffix):
                continue
            base = url[: len(url) - len(suffix)] if suffix else url
            run = self.index.find(base)
            if run is None:
                continue
            return self._serve(req, run, suffix or "/", host_root)
        raise RestError(404, "Not Found")

    # -- logs --------------------------------------------------------------------------

    def _visible(self, run: Run, p: LogPlan) -> tuple[int, bool]:
        """Bytes of the log written so far, and whether more will come."""
        if not run.running:
            return p.size, False
        now = self.clock()
        if run.watched_since is None:
            run.watched_since = now
        grown = len(p.header) + int(max(0.0, now - run.watched_since) * GROW_BYTES_PER_S) + 8192
        return min(p.size, grown), True

    def _serve(self, req: HttpRequest, run: Run, what: str, host_root: str) -> HttpResponse:
        p = plan(run)
        if what in ("/", "/console"):
            return self._page(run, p, what)
        visible, more = self._visible(run, p)
        if what == "/job-output.txt.gz":
            if p.size > 8 * 1024 * 1024 or more:
                raise RestError(404, "Not Found")
            body = gzip.compress(b"".join(p.iter_bytes()), compresslevel=1)
            return HttpResponse(200, b"", "application/gzip", {"Content-Length": str(len(body))},
                                stream=iter((body,)))  # fmt: skip
        start = 0
        status = 200
        headers: dict[str, str] = {"Accept-Ranges": "bytes"}
        if what == "/logText/progressiveText":
            raw = req.param("start") or "0"
            start = int(raw) if raw.isdigit() else 0
            headers["X-Text-Size"] = str(visible)
            if more:
                headers["X-More-Data"] = "true"
        else:
            rng = req.headers.get("Range") or ""
            m = re.fullmatch(r"bytes=(\d+)-", rng.strip())
            if m:
                start = int(m.group(1))
                if start >= visible:
                    return HttpResponse(416, b"", None, {"Content-Range": f"bytes */{visible}"})
                status = 206
                headers["Content-Range"] = f"bytes {start}-{visible - 1}/{visible}"
        start = min(start, visible)
        headers["Content-Length"] = str(visible - start)
        return HttpResponse(status, b"", "text/plain; charset=utf-8", headers,
                            stream=p.iter_bytes(start, visible))  # fmt: skip

    def _page(self, run: Run, p: LogPlan, what: str) -> HttpResponse:
        name = html.escape(run.job)
        if "/job/" in run.url:
            links = ['<a href="consoleText">Console Output (text)</a>']
        else:
            links = ['<a href="job-output.txt">job-output.txt</a>']
            if p.size <= 8 * 1024 * 1024 and not run.running:
                links.append('<a href="job-output.txt.gz">job-output.txt.gz</a>')
        base = html.escape(run.url.rstrip("/") + "/")
        body = (
            f'<!DOCTYPE html><html><head><base href="{base}"><title>{name}</title></head><body>'
            f"<h1>{name}: {html.escape(run.result)}</h1><ul>"
            + "".join(f"<li>{a}</li>" for a in links)
            + "</ul></body></html>"
        )
        return HttpResponse(200, body.encode(), "text/html; charset=utf-8")

    # -- Zuul API ----------------------------------------------------------------------

    def _zuul_build(self, root: str, tenant: str, uuid: str, req: HttpRequest) -> HttpResponse:
        run = self.index.find(f"{root}/t/{tenant}/build/{uuid}")
        if run is None:
            raise RestError(404, "Not Found")
        log_url = (
            f"{root}/logs/{run.change % 100:02d}/{run.change}/{run.ps}/check/{run.job}/{uuid[:7]}/"
        )
        # The log directory is a run of its own, under the build's identity.
        self.index.derive(
            Run(log_url, run.result, run.job, run.reported, run.duration_s, run.change, run.ps,
                run.ci)
        )  # fmt: skip
        body = {"uuid": uuid, "job_name": run.job, "result": run.result, "log_url": log_url,
                "change": run.change, "patchset": str(run.ps)}  # fmt: skip
        return HttpResponse(200, json.dumps(body).encode(), "application/json")

    def _zuul_status(self, root: str, tenant: str, number: int, ps: int) -> HttpResponse:
        """Zuul's `status/change/<n>,<ps>`: one live queue item per running buildset."""
        now = self.store.now()
        jobs = []
        for run in self.index.queued(root, number, ps):
            seed = int(_uuid(run.url)[:8], 16)
            estimated = 600 + seed % 4200
            elapsed = max(0.0, now - run.reported)
            jobs.append({
                "name": run.job, "uuid": _uuid(run.url)[:32], "url": run.url,
                "stream_url": run.url, "result": None, "voting": True,
                "start_time": run.reported,
                "elapsed_time": int(elapsed * 1000),
                "remaining_time": int(max(0.0, estimated - elapsed) * 1000),
                "estimated_time": estimated,
            })  # fmt: skip
        items = []
        if jobs:
            items.append({
                "id": f"{number},{ps}", "live": True, "active": True,
                "enqueue_time": int(min(j["start_time"] for j in jobs) * 1000),
                "jobs": jobs, "zuul_ref": f"Z{_uuid(root, number, ps)[:32]}",
            })  # fmt: skip
        return HttpResponse(200, json.dumps(items).encode(), "application/json")
