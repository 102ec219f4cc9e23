"""Hand-built histories: `rec(...)` makes one RunRecord with short defaults."""

from __future__ import annotations

from vstui.history.records import RunRecord

DAY = 86400.0
NOW = 1_800_000_000.0


def rec(
    change: int,
    ps: int,
    result: str,
    *,
    t: float,
    ci: str = "hpe-ci",
    ci_name: str = "HPE Storage CI",
    job: str = "hpe-iscsi",
    pipeline: str = "check",
    project: str = "openstack/cinder",
    key: str | None = None,
    voting: bool = True,
) -> RunRecord:
    return RunRecord(
        change=change,
        patch_set=ps,
        project=project,
        ci=ci,
        ci_name=ci_name,
        pipeline=pipeline,
        job=job,
        result=result,
        voting=voting,
        url=f"http://logs.example.org/{change}/{ps}/{job}/{int(t)}/",
        duration_s=1800,
        time=t,
        report_key=key or f"msg-{change}-{ps}-{ci}-{int(t)}",
    )
