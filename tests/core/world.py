"""A small world built through the emulator's mutation API, so tests know every fact in it.

One change with a human review, a Zuul-style report whose four jobs cover every
voting/failing combination, and verify-status rows from a second CI (one of them a
non-voting failure); plus a second change whose subject, comment and CI name are hostile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LOGS = "http://logs.example.org/72/{n}/1/check/{job}/abc123/"

ZUUL_REPORT = """Build failed (check pipeline).  For information on how to proceed, see
https://docs.openstack.org/infra/manual/developers.html#automated-testing

- cinder-tempest-full {u1} : FAILURE in 1h 02m 03s
- cinder-tempest-slow {u2} : FAILURE in 50m 00s (non-voting)
- cinder-pep8 {u3} : SUCCESS in 3m 10s
- cinder-grenade {u4} : SUCCESS in 40m 00s (non-voting)
"""

HOSTILE = "[@click=app.quit]boom[/] [/] [WIP] \x1b]0;pwned\x07 tail"


@dataclass(frozen=True)
class World:
    change: int
    hostile_change: int
    jobs: dict[tuple[str, str], tuple[bool, bool]]  # (CI, job) -> (failing, voting)
    urls: dict[tuple[str, str], str]


def build(store: Any, reviewer: str) -> World:
    from vstui.fake.model import CAP_SAVE_VERIFICATION

    owner = store.create_account("eharney", "Eric Harney")
    cisco = store.create_account("cisco-ci", "Cisco CI", service_user=True)
    vs_ci = store.create_account("vs-ci", "Storage VS CI", service_user=True)
    evil = store.create_account("evil-ci", f"Evil {HOSTILE} CI", service_user=True)
    store.grant_capability(CAP_SAVE_VERIFICATION, "Service Users")
    store.create_project("openstack/cinder")
    change = store.create_change("openstack/cinder", owner, "Fix the retry path")
    n = change.number
    urls = {
        ("Cisco CI", job): LOGS.format(n=n, job=job)
        for job in ("cinder-tempest-full", "cinder-tempest-slow", "cinder-pep8", "cinder-grenade")
    }
    store.post_review(
        change, 1, reviewer, message="Looks fine, one nit.", labels={"Code-Review": 1}
    )
    report = ZUUL_REPORT.format(
        u1=urls[("Cisco CI", "cinder-tempest-full")],
        u2=urls[("Cisco CI", "cinder-tempest-slow")],
        u3=urls[("Cisco CI", "cinder-pep8")],
        u4=urls[("Cisco CI", "cinder-grenade")],
    )
    store.post_review(change, 1, cisco, message=report, labels={"Verified": -1})
    vs_unit = "https://ci.storage.example.com/job/vs-unit/7/"
    vs_lint = "https://ci.storage.example.com/job/vs-lint/7/"
    store.save_verifications(
        change,
        1,
        vs_ci,
        {
            "vs-unit": {
                "value": 1,
                "url": vs_unit,
                "reporter": "Storage VS CI",
                "duration": "3m 10s",
            },
            "vs-lint": {"value": -1, "url": vs_lint, "reporter": "Storage VS CI", "abstain": True},
        },
    )
    urls[("Storage VS CI", "vs-unit")] = vs_unit
    urls[("Storage VS CI", "vs-lint")] = vs_lint
    jobs = {
        ("Cisco CI", "cinder-tempest-full"): (True, True),
        ("Cisco CI", "cinder-tempest-slow"): (True, False),
        ("Cisco CI", "cinder-pep8"): (False, True),
        ("Cisco CI", "cinder-grenade"): (False, False),
        ("Storage VS CI", "vs-unit"): (False, True),
        ("Storage VS CI", "vs-lint"): (True, False),
    }

    hostile = store.create_change("openstack/cinder", owner, f"Subject {HOSTILE}")
    store.post_review(hostile, 1, reviewer, message=f"Comment {HOSTILE}")
    store.post_review(
        hostile,
        1,
        evil,
        message=f"Build failed.\n\n- evil-job {LOGS.format(n=hostile.number, job='evil-job')} : FAILURE in 1m 00s\n",
    )
    return World(n, hostile.number, jobs, urls)
