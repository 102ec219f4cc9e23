"""Held-out-style CI messages, labelled by the rules in fixtures/ci-comments/README.md.

None of these is in the dev set. `verbatim` ones are real messages from the same public
sources the README names (jruesga/rview test resources: ci-openstack, ci-aosp, ci-chromium,
ci-couchbase, ci-intelhpdd, ci-linaro, ci-lineageos, ci-zephyr, ci-gerrit, ci-ovirt);
`synthesized` ones are written from the CI systems' own formatting code (Zuul's reporter and
pipeline defaults, Gerrit Trigger's ParameterExpander/Config defaults, LUCI CV usertext and
composeReason tests, Wikimedia's wm-checks-api.js QUnit tests, buildbot's GerritStatusPush,
elastic-recheck's bot messages). Expectations were written from the README rules, not from
the parser's output.

`python tests/ci/generalization_cases.py OUT.jsonl` writes them as a scorer corpus.
"""

from __future__ import annotations

import json
import sys


def d(h: int = 0, m: int = 0, s: int = 0) -> int:
    return h * 3600 + m * 60 + s


def job(name, url, result, dur=None, voting=True):
    return {"name": name, "url": url, "result": result, "duration_s": dur, "voting": voting}


def rec(fmt, author, message, expect, tag=None, ps=1, prov="synthesized", username=None):
    return {
        "format": fmt,
        "provenance": prov,
        "author": {"name": author, "username": username},
        "tag": tag,
        "date": None,
        "_revision_number": ps,
        "message": message,
        "expect": expect,
    }


def bot(ci, overall, jobs=(), vote=None):
    return {
        "is_bot": True,
        "ci_name": ci,
        "overall": overall,
        "vote": vote or {},
        "jobs": list(jobs),
    }


def human(vote=None):
    return {"is_bot": False, "ci_name": None, "overall": None, "vote": vote or {}, "jobs": []}


L = "http://logs.openstack.org/85/499285/1/check/"
Z = "https://zuul.opendev.org/t/openstack/build/"
W = "https://integration.wikimedia.org/ci/job/"
TH = "https://android-build.googleplex.com/builds/pending/"

CASES = [
    # ------------------------------------------------------------------ zuul-v2
    rec(
        "zuul-v2",
        "Jenkins",
        "Patch Set 1: Verified-1\n\nBuild failed (check pipeline).  For information on how to "
        "proceed, see http://docs.openstack.org/infra/manual/developers.html#automated-testing\n\n"
        "- gate-cinder-docs-ubuntu-xenial http://docs-draft.openstack.org/85/499285/1/check/"
        "gate-cinder-docs-ubuntu-xenial/532395d//doc/build/html/ : SUCCESS in 16m 29s\n"
        f"- gate-cinder-pep8-ubuntu-xenial {L}gate-cinder-pep8-ubuntu-xenial/a3bf308/ : SUCCESS in 7m 40s\n"
        f"- gate-tempest-dsvm-py35-ubuntu-xenial {L}gate-tempest-dsvm-py35-ubuntu-xenial/c500128/ : FAILURE in 1h 14m 46s\n"
        f"- gate-cinder-pylint-ubuntu-xenial {L}gate-cinder-pylint-ubuntu-xenial/e00d972/ : SUCCESS in 12m 38s (non-voting)\n"
        f"- gate-tempest-dsvm-full-lio-ubuntu-xenial {L}gate-tempest-dsvm-full-lio-ubuntu-xenial/25d5f0d/ : FAILURE in 1h 13m 14s (non-voting)",
        bot(
            "Jenkins",
            "FAILURE",
            [
                job(
                    "gate-cinder-docs-ubuntu-xenial",
                    "http://docs-draft.openstack.org/85/499285/1/check/gate-cinder-docs-ubuntu-xenial/532395d//doc/build/html/",
                    "SUCCESS",
                    d(0, 16, 29),
                ),
                job(
                    "gate-cinder-pep8-ubuntu-xenial",
                    f"{L}gate-cinder-pep8-ubuntu-xenial/a3bf308/",
                    "SUCCESS",
                    d(0, 7, 40),
                ),
                job(
                    "gate-tempest-dsvm-py35-ubuntu-xenial",
                    f"{L}gate-tempest-dsvm-py35-ubuntu-xenial/c500128/",
                    "FAILURE",
                    d(1, 14, 46),
                ),
                job(
                    "gate-cinder-pylint-ubuntu-xenial",
                    f"{L}gate-cinder-pylint-ubuntu-xenial/e00d972/",
                    "SUCCESS",
                    d(0, 12, 38),
                    False,
                ),
                job(
                    "gate-tempest-dsvm-full-lio-ubuntu-xenial",
                    f"{L}gate-tempest-dsvm-full-lio-ubuntu-xenial/25d5f0d/",
                    "FAILURE",
                    d(1, 13, 14),
                    False,
                ),
            ],
            {"Verified": -1},
        ),
        prov="verbatim",
        username="jenkins",
    ),
    rec(
        "zuul-v2",
        "Jenkins",
        "Patch Set 3: Verified+2\n\nBuild succeeded (gate pipeline).\n\n"
        "- gate-nova-pep8-ubuntu-xenial http://logs.openstack.org/12/345612/3/gate/gate-nova-pep8-ubuntu-xenial/1a2b3c4/ : SUCCESS in 5m 02s\n"
        "- gate-tempest-dsvm-neutron-full-ubuntu-xenial http://logs.openstack.org/12/345612/3/gate/gate-tempest-dsvm-neutron-full-ubuntu-xenial/9f8e7d6/ : SUCCESS in 1h 05m 09s\n",
        bot(
            "Jenkins",
            "SUCCESS",
            [
                job(
                    "gate-nova-pep8-ubuntu-xenial",
                    "http://logs.openstack.org/12/345612/3/gate/gate-nova-pep8-ubuntu-xenial/1a2b3c4/",
                    "SUCCESS",
                    d(0, 5, 2),
                ),
                job(
                    "gate-tempest-dsvm-neutron-full-ubuntu-xenial",
                    "http://logs.openstack.org/12/345612/3/gate/gate-tempest-dsvm-neutron-full-ubuntu-xenial/9f8e7d6/",
                    "SUCCESS",
                    d(1, 5, 9),
                ),
            ],
            {"Verified": 2},
        ),
        ps=3,
        username="jenkins",
    ),
    rec(
        "zuul-v2",
        "Jenkins",
        "Patch Set 2: Verified-2\n\nBuild failed (gate pipeline).  For information on how to proceed, "
        "see http://docs.openstack.org/infra/manual/developers.html#automated-testing\n\n"
        "- gate-swift-python27 http://logs.openstack.org/44/123444/2/gate/gate-swift-python27/0a0b0c0 : SUCCESS in 9m 12s\n"
        "- gate-swift-dsvm-functional gate-swift-dsvm-functional : LOST\n"
        "- gate-swift-tox-func-py35 http://logs.openstack.org/44/123444/2/gate/gate-swift-tox-func-py35/1d2e3f4 : ABORTED in 46s\n",
        bot(
            "Jenkins",
            "FAILURE",
            [
                job(
                    "gate-swift-python27",
                    "http://logs.openstack.org/44/123444/2/gate/gate-swift-python27/0a0b0c0",
                    "SUCCESS",
                    d(0, 9, 12),
                ),
                job("gate-swift-dsvm-functional", None, "LOST"),
                job(
                    "gate-swift-tox-func-py35",
                    "http://logs.openstack.org/44/123444/2/gate/gate-swift-tox-func-py35/1d2e3f4",
                    "ABORTED",
                    46,
                ),
            ],
            {"Verified": -2},
        ),
        ps=2,
        username="jenkins",
    ),
    rec(
        "zuul-v2",
        "Jenkins",
        "Patch Set 7:\n\nBuild succeeded (experimental pipeline).\n\n"
        "- gate-grenade-dsvm-neutron-multinode http://logs.openstack.org/77/300077/7/experimental/gate-grenade-dsvm-neutron-multinode/5e5e5e5/ : SUCCESS in 58m 00s\n",
        bot(
            "Jenkins",
            "SUCCESS",
            [
                job(
                    "gate-grenade-dsvm-neutron-multinode",
                    "http://logs.openstack.org/77/300077/7/experimental/gate-grenade-dsvm-neutron-multinode/5e5e5e5/",
                    "SUCCESS",
                    d(0, 58, 0),
                )
            ],
        ),
        ps=7,
        username="jenkins",
    ),
    # ------------------------------------------------------------------ zuul-v3
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 2: Verified+1\n\nBuild succeeded (check pipeline).\n"
        "https://zuul.opendev.org/t/openstack/buildset/0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c5d\n\n"
        f"- openstack-tox-pep8 {Z}1111222233334444aaaabbbbccccdddd : SUCCESS in 4m 12s\n"
        f"- tempest-full-py3 {Z}99998888777766665555444433332222 : SUCCESS in 2h 01m 07s\n"
        f"- cinder-tempest-plugin-cbak-ceph {Z}abcdefabcdefabcdefabcdefabcdefab : FAILURE in 1h 30m 00s (non-voting)\n",
        bot(
            "Zuul",
            "SUCCESS",
            [
                job(
                    "openstack-tox-pep8",
                    f"{Z}1111222233334444aaaabbbbccccdddd",
                    "SUCCESS",
                    d(0, 4, 12),
                ),
                job(
                    "tempest-full-py3",
                    f"{Z}99998888777766665555444433332222",
                    "SUCCESS",
                    d(2, 1, 7),
                ),
                job(
                    "cinder-tempest-plugin-cbak-ceph",
                    f"{Z}abcdefabcdefabcdefabcdefabcdefab",
                    "FAILURE",
                    d(1, 30, 0),
                    False,
                ),
            ],
            {"Verified": 1},
        ),
        tag="autogenerated:zuul:check",
        ps=2,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 6: Verified-1\n\nBuild failed (check pipeline).  For information on how to proceed, see\n"
        "https://docs.opendev.org/opendev/infra-manual/latest/developers.html#automated-testing\n\n"
        "https://zuul.opendev.org/t/openstack/buildset/ffffeeeeddddccccbbbbaaaa99998888\n\n"
        f"- openstack-tox-py39 {Z}00001111222233334444555566667777 : SUCCESS in 6m 02s\n"
        f"- devstack-platform-centos-9-stream {Z}88889999aaaabbbbccccddddeeeeffff : RETRY_LIMIT in 3m 11s\n"
        f"- tempest-integrated-storage {Z}12121212343434345656565678787878 : FAILURE in 55m 31s\n"
        "Skipped 2 jobs\n\nWarning:\n  Job openstack-tox-docs: the nodeset ubuntu-focal is deprecated\n",
        bot(
            "Zuul",
            "FAILURE",
            [
                job(
                    "openstack-tox-py39",
                    f"{Z}00001111222233334444555566667777",
                    "SUCCESS",
                    d(0, 6, 2),
                ),
                job(
                    "devstack-platform-centos-9-stream",
                    f"{Z}88889999aaaabbbbccccddddeeeeffff",
                    "RETRY_LIMIT",
                    d(0, 3, 11),
                ),
                job(
                    "tempest-integrated-storage",
                    f"{Z}12121212343434345656565678787878",
                    "FAILURE",
                    d(0, 55, 31),
                ),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:zuul:check",
        ps=6,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 1: Verified-1\n\nZuul encountered a syntax error while parsing its\n"
        "configuration in the repo openstack/cinder on branch master.  The\nproblem was:\n\n"
        "  extra keys not allowed @ data['garbage']\n\nThe problem appears in the following job stanza:\n\n"
        "  job:\n    name: garbage-job\n    garbage: true\n\n"
        '  in "openstack/cinder/.zuul.yaml@master", line 2, column 3\n',
        bot("Zuul", "FAILURE", [], {"Verified": -1}),
        tag="autogenerated:zuul:check",
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 2: Verified-2\n\nThis change depends on a change that failed to merge.\n",
        bot("Zuul", "FAILURE", [], {"Verified": -2}),
        tag="autogenerated:zuul:gate",
        ps=2,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 4:\n\nStarting check jobs.",
        bot("Zuul", "STARTED"),
        tag="autogenerated:zuul:check",
        ps=4,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 3: Verified-1\n\nBuild failed (check pipeline).  For information on how to proceed, see\n"
        "https://docs.opendev.org/opendev/infra-manual/latest/developers.html#automated-testing\n\n\n"
        "- build-openstack-sphinx-docs build-openstack-sphinx-docs : ERROR Project openstack/foo does not have the default branch master\n"
        f"- openstack-tox-pep8 {Z}cafecafecafecafecafecafecafecafe : SUCCESS in 46s\n",
        bot(
            "Zuul",
            "FAILURE",
            [
                job("build-openstack-sphinx-docs", None, "ERROR"),
                job("openstack-tox-pep8", f"{Z}cafecafecafecafecafecafecafecafe", "SUCCESS", 46),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:zuul:check",
        ps=3,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 8: Verified-1\n\nMerge Failed.\n\nThis change or one of its cross-repo dependencies "
        "was unable to be automatically merged with the current state of its repository. Please "
        "rebase the change and upload a new patchset.\n\nWarning:\n  Error merging gerrit/openstack/nova for 712345,8\n",
        bot("Zuul", "MERGE_CONFLICT", [], {"Verified": -1}),
        tag="autogenerated:zuul:gate",
        ps=8,
        username="zuul",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 5:\n\nBuild canceled (check pipeline).\n\n"
        f"- openstack-tox-py310 {Z}deadbeefdeadbeefdeadbeefdeadbeef : CANCELED\n"
        "- openstack-tox-docs openstack-tox-docs : SKIPPED\n",
        bot(
            "Zuul",
            "CANCELED",
            [
                job("openstack-tox-py310", f"{Z}deadbeefdeadbeefdeadbeefdeadbeef", "CANCELED"),
                job("openstack-tox-docs", None, "SKIPPED"),
            ],
        ),
        tag="autogenerated:zuul:check",
        ps=5,
        username="zuul",
    ),
    # --------------------------------------------------------- zuul-third-party
    rec(
        "zuul-third-party",
        "Lenovo Storage CI",
        "Patch Set 1:\n\nBuild failed. To recheck use 'lenovo-ci: recheck'.  For 3rd party ci contact info: "
        "https://wiki.openstack.org/wiki/ThirdPartySystems/Lenovo_Storage_CI\n\n"
        "- lenovo-fc http://os-logs.tristero.net/85/499285/1/check/lenovo-fc/5842d19 : FAILURE in 43s\n"
        "- lenovo-iscsi http://os-logs.tristero.net/85/499285/1/check/lenovo-iscsi/1f65595 : FAILURE in 45s",
        bot(
            "Lenovo Storage CI",
            "FAILURE",
            [
                job(
                    "lenovo-fc",
                    "http://os-logs.tristero.net/85/499285/1/check/lenovo-fc/5842d19",
                    "FAILURE",
                    43,
                ),
                job(
                    "lenovo-iscsi",
                    "http://os-logs.tristero.net/85/499285/1/check/lenovo-iscsi/1f65595",
                    "FAILURE",
                    45,
                ),
            ],
        ),
        prov="verbatim",
        username="lenovo-ci",
    ),
    rec(
        "zuul-third-party",
        "NEC Cinder CI",
        "Patch Set 1:\n\nBuild failed.  To recheck use 'run-NEC Cinder CI'.  For 3rd party ci contact info: "
        "https://wiki.openstack.org/wiki/ThirdPartySystems\n\n"
        "- NEC-ISCSI http://FL9-119-243-99-132.tky.mesh.ad.jp/NEC-ISCSI/85/499285/1/check/NEC-ISCSI/4ad6c31 : FAILURE in 1m 00s\n"
        "- NEC-FC http://FL9-119-243-99-132.tky.mesh.ad.jp/NEC-FC/85/499285/1/check/NEC-FC/6499124 : FAILURE in 1m 05s",
        bot(
            "NEC Cinder CI",
            "FAILURE",
            [
                job(
                    "NEC-ISCSI",
                    "http://FL9-119-243-99-132.tky.mesh.ad.jp/NEC-ISCSI/85/499285/1/check/NEC-ISCSI/4ad6c31",
                    "FAILURE",
                    60,
                ),
                job(
                    "NEC-FC",
                    "http://FL9-119-243-99-132.tky.mesh.ad.jp/NEC-FC/85/499285/1/check/NEC-FC/6499124",
                    "FAILURE",
                    65,
                ),
            ],
        ),
        prov="verbatim",
        username="nec-cinder-ci",
    ),
    rec(
        "zuul-third-party",
        "Virtuozzo Storage CI",
        "Patch Set 1:\n\nBuild succeeded.\n\n- dsvm-tempest-kvm http://openstack-3rd-party-storage-ci-logs.virtuozzo.com/85/499285/1/check/dsvm-tempest-kvm/74402fc : SUCCESS in 1h 00m 32s\n\n"
        "For information, see https://wiki.openstack.org/wiki/ThirdPartySystems/Virtuozzo_Storage_CI Make the comment 'run-Virtuozzo Storage CI' to recheck",
        bot(
            "Virtuozzo Storage CI",
            "SUCCESS",
            [
                job(
                    "dsvm-tempest-kvm",
                    "http://openstack-3rd-party-storage-ci-logs.virtuozzo.com/85/499285/1/check/dsvm-tempest-kvm/74402fc",
                    "SUCCESS",
                    d(1, 0, 32),
                )
            ],
        ),
        prov="verbatim",
        username="vzstorage-ci",
    ),
    rec(
        "zuul-third-party",
        "Infortrend CI",
        "Patch Set 1:\n\nBuild failed.  For information on how to proceed, see https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures. "
        "For 3rd party ci contact info: https://wiki.openstack.org/wiki/ThirdPartySystems/Infortrend_Storage_CI\n\n"
        "- infortrend-cinder-volume-iscsi http://openstack.infortrend.com/85/499285/1/check/infortrend-cinder-volume-iscsi/d51da9d : FAILURE in 19m 27s\n"
        "- infortrend-cinder-volume-fc http://openstack.infortrend.com/85/499285/1/check/infortrend-cinder-volume-fc/6ea4680 : FAILURE in 22m 11s",
        bot(
            "Infortrend CI",
            "FAILURE",
            [
                job(
                    "infortrend-cinder-volume-iscsi",
                    "http://openstack.infortrend.com/85/499285/1/check/infortrend-cinder-volume-iscsi/d51da9d",
                    "FAILURE",
                    d(0, 19, 27),
                ),
                job(
                    "infortrend-cinder-volume-fc",
                    "http://openstack.infortrend.com/85/499285/1/check/infortrend-cinder-volume-fc/6ea4680",
                    "FAILURE",
                    d(0, 22, 11),
                ),
            ],
        ),
        prov="verbatim",
        username="InfortrendCI",
    ),
    rec(
        "zuul-third-party",
        "Mellanox CI",
        "Patch Set 2:\n\nBuild failed. To re-run the job please post a comment with 'recheck cinder-mlnx'.\n\n"
        "- Cinder-ISER-ISCSI http://13.74.249.42/12/345612/2/check-cinder/Cinder-ISER-ISCSI/f4e5d6c : FAILURE in 37m 10s\n"
        "- Cinder-ISER-LIO http://13.74.249.42/12/345612/2/check-cinder/Cinder-ISER-LIO/a1b2c3d : SUCCESS in 35m 02s\n"
        "- NVMe http://13.74.249.42/12/345612/2/check-cinder/NVMe/0f0e0d0 : SUCCESS in 20m 45s (non-voting)\n\n"
        "To re-run the job post 'recheck cinder-mlnx' comment. For more information visit https://wiki.openstack.org/wiki/ThirdPartySystems/Mellanox_CI",
        bot(
            "Mellanox CI",
            "FAILURE",
            [
                job(
                    "Cinder-ISER-ISCSI",
                    "http://13.74.249.42/12/345612/2/check-cinder/Cinder-ISER-ISCSI/f4e5d6c",
                    "FAILURE",
                    d(0, 37, 10),
                ),
                job(
                    "Cinder-ISER-LIO",
                    "http://13.74.249.42/12/345612/2/check-cinder/Cinder-ISER-LIO/a1b2c3d",
                    "SUCCESS",
                    d(0, 35, 2),
                ),
                job(
                    "NVMe",
                    "http://13.74.249.42/12/345612/2/check-cinder/NVMe/0f0e0d0",
                    "SUCCESS",
                    d(0, 20, 45),
                    False,
                ),
            ],
        ),
        ps=2,
    ),
    rec(
        "zuul-third-party",
        "HGST Solutions CI",
        "Patch Set 1:\n\nBuild succeeded on HGST Solutions CI system. For more information see "
        "https://wiki.openstack.org/wiki/ThirdPartySystems/HGST_Solutions_CI\n\n"
        "- hgst-cinder-tempest http://ci-logs.hgst.example/72/381272/1/check/hgst-cinder-tempest/7a7b7c7 : SUCCESS in 58m 12s\n",
        bot(
            "HGST Solutions CI",
            "SUCCESS",
            [
                job(
                    "hgst-cinder-tempest",
                    "http://ci-logs.hgst.example/72/381272/1/check/hgst-cinder-tempest/7a7b7c7",
                    "SUCCESS",
                    d(0, 58, 12),
                )
            ],
        ),
    ),
    rec(
        "zuul-third-party",
        "Microsoft ISCSI CI",
        "Patch Set 1:\n\nBuild succeeded.\n\n"
        "- cinder-iscsi http://64.119.130.115/cinder/72/381272/1/results.html.gz : SUCCESS in 1h 12m 38s\n"
        "- cinder-smb3 http://64.119.130.115/cinder-smb3/72/381272/1/results.html.gz : SUCCESS in 1h 24m 09s\n",
        bot(
            "Microsoft ISCSI CI",
            "SUCCESS",
            [
                job(
                    "cinder-iscsi",
                    "http://64.119.130.115/cinder/72/381272/1/results.html.gz",
                    "SUCCESS",
                    d(1, 12, 38),
                ),
                job(
                    "cinder-smb3",
                    "http://64.119.130.115/cinder-smb3/72/381272/1/results.html.gz",
                    "SUCCESS",
                    d(1, 24, 9),
                ),
            ],
        ),
    ),
    # ------------------------------------------------------ gerrit-trigger-star
    rec(
        "gerrit-trigger-star",
        "Nexenta CI",
        "Patch Set 1:\n\n* nexenta-iscsi-tempest http://nexenta-ci.example.com/72/381272/1/iscsi/ : FAILURE in 28m 54s\n"
        "* nexenta-nfs-tempest http://nexenta-ci.example.com/72/381272/1/nfs/ : SUCCESS in 31m 02s\n",
        bot(
            "Nexenta CI",
            "FAILURE",
            [
                job(
                    "nexenta-iscsi-tempest",
                    "http://nexenta-ci.example.com/72/381272/1/iscsi/",
                    "FAILURE",
                    d(0, 28, 54),
                ),
                job(
                    "nexenta-nfs-tempest",
                    "http://nexenta-ci.example.com/72/381272/1/nfs/",
                    "SUCCESS",
                    d(0, 31, 2),
                ),
            ],
        ),
    ),
    rec(
        "gerrit-trigger-star",
        "Nexenta Edge CI",
        "Patch Set 1:\n\n* nexentaedge-iscsi-tempest http://nexentaedge-ci.example.com/logs/refs-changes-72-381272-1/ : FAILURE in 109m 17s",
        bot(
            "Nexenta Edge CI",
            "FAILURE",
            [
                job(
                    "nexentaedge-iscsi-tempest",
                    "http://nexentaedge-ci.example.com/logs/refs-changes-72-381272-1/",
                    "FAILURE",
                    6557,
                )
            ],
        ),
    ),
    rec(
        "gerrit-trigger-star",
        "VMware NSX CI",
        "Patch Set 1: Verified+1\n\nBuild Successful \n\n* vmware-nsx-tempest-dsvm http://208.91.1.172/logs/72/381272/1/refs-changes-72-381272-1/ : SUCCESS",
        bot(
            "VMware NSX CI",
            "SUCCESS",
            [
                job(
                    "vmware-nsx-tempest-dsvm",
                    "http://208.91.1.172/logs/72/381272/1/refs-changes-72-381272-1/",
                    "SUCCESS",
                )
            ],
            {"Verified": 1},
        ),
    ),
    rec(
        "gerrit-trigger-star",
        "Dell Storage CI",
        "Patch Set 1:\n\n* dell-sc-iscsi http://dell-ci.example.net/72/381272/1/iscsi : SUCCESS\n"
        "* dell-sc-fc http://dell-ci.example.net/72/381272/1/fc : SUCCESS",
        bot(
            "Dell Storage CI",
            "SUCCESS",
            [
                job("dell-sc-iscsi", "http://dell-ci.example.net/72/381272/1/iscsi", "SUCCESS"),
                job("dell-sc-fc", "http://dell-ci.example.net/72/381272/1/fc", "SUCCESS"),
            ],
        ),
    ),
    # ----------------------------------------------------------- gerrit-trigger
    rec(
        "gerrit-trigger",
        "Build Bot",
        "Patch Set 1:\n\nBuild Started http://cv.jenkins.couchbase.com/job/platform-gerrit-watson/116/ (1/2)",
        bot(
            "Build Bot",
            "STARTED",
            [
                job(
                    "platform-gerrit-watson",
                    "http://cv.jenkins.couchbase.com/job/platform-gerrit-watson/116/",
                    "STARTED",
                )
            ],
        ),
        tag="jenkins-gerrit-trigger",
        prov="verbatim",
        username="buildbot",
    ),
    rec(
        "gerrit-trigger",
        "Build Bot",
        "Patch Set 1: Verified+1\n\nBuild Successful \n\nhttp://cv.jenkins.couchbase.com/job/platform-clang_analyzer-watson/90/ : SUCCESS\n\n"
        "http://cv.jenkins.couchbase.com/job/platform-gerrit-watson/116/ : SUCCESS",
        bot(
            "Build Bot",
            "SUCCESS",
            [
                job(
                    "platform-clang_analyzer-watson",
                    "http://cv.jenkins.couchbase.com/job/platform-clang_analyzer-watson/90/",
                    "SUCCESS",
                ),
                job(
                    "platform-gerrit-watson",
                    "http://cv.jenkins.couchbase.com/job/platform-gerrit-watson/116/",
                    "SUCCESS",
                ),
            ],
            {"Verified": 1},
        ),
        tag="jenkins-gerrit-trigger",
        prov="verbatim",
        username="buildbot",
    ),
    rec(
        "gerrit-trigger",
        "lava-bot",
        'Patch Set 1:\n\n"Build Successful \n\nhttps://ci.linaro.org/job/linaro-art-scripts-presubmit/664/ : SUCCESS"',
        bot(
            "lava-bot",
            "SUCCESS",
            [
                job(
                    "linaro-art-scripts-presubmit",
                    "https://ci.linaro.org/job/linaro-art-scripts-presubmit/664/",
                    "SUCCESS",
                )
            ],
        ),
        prov="verbatim",
        username="lava-bot",
    ),
    rec(
        "gerrit-trigger",
        "lava-bot",
        'Patch Set 1:\n\n"Build Failed \n\nhttps://ci.linaro.org/job/android-lcr-reference-x15-o/3/ : FAILURE\n\n'
        "https://ci.linaro.org/job/android-lcr-reference-hikey-o/8/ : SUCCESS\n\n"
        'https://ci.linaro.org/job/android-lcr-reference-juno-o/4/ : SUCCESS"',
        bot(
            "lava-bot",
            "FAILURE",
            [
                job(
                    "android-lcr-reference-x15-o",
                    "https://ci.linaro.org/job/android-lcr-reference-x15-o/3/",
                    "FAILURE",
                ),
                job(
                    "android-lcr-reference-hikey-o",
                    "https://ci.linaro.org/job/android-lcr-reference-hikey-o/8/",
                    "SUCCESS",
                ),
                job(
                    "android-lcr-reference-juno-o",
                    "https://ci.linaro.org/job/android-lcr-reference-juno-o/4/",
                    "SUCCESS",
                ),
            ],
        ),
        prov="verbatim",
        username="lava-bot",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 1: Verified+1\n\nBuild Successful \n\nhttps://jenkins.lineageos.org/job/infra/job/www/30/ : SUCCESS",
        bot(
            "Jenkins",
            "SUCCESS",
            [job("infra/www", "https://jenkins.lineageos.org/job/infra/job/www/30/", "SUCCESS")],
            {"Verified": 1},
        ),
        prov="verbatim",
        username="jenkins",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 1: Verified-1\n\nBuild Failed \n\nhttps://jenkins.lineageos.org/job/infra/job/wiki/246/ : FAILURE",
        bot(
            "Jenkins",
            "FAILURE",
            [job("infra/wiki", "https://jenkins.lineageos.org/job/infra/job/wiki/246/", "FAILURE")],
            {"Verified": -1},
        ),
        prov="verbatim",
        username="jenkins",
    ),
    rec(
        "gerrit-trigger",
        "Zephyr JobBuilder",
        "Patch Set 1: Verified+1\n\nBuild Successful\nhttps://jenkins.zephyrproject.org/job/zephyr-verify/27024/ : SUCCESS\n"
        "Build logs: https://logs.zephyrproject.org/production/vex-yul-zep-jenkins-1/zephyr-verify/27024",
        bot(
            "Zephyr JobBuilder",
            "SUCCESS",
            [
                job(
                    "zephyr-verify",
                    "https://jenkins.zephyrproject.org/job/zephyr-verify/27024/",
                    "SUCCESS",
                )
            ],
            {"Verified": 1},
        ),
        prov="verbatim",
        username="zephyr-jobbuilder",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 1: Verified+1\n\nBuild Successful \n\nhttps://build.hpdd.intel.com/job/lustre-reviews/49978/ : SUCCESS",
        bot(
            "Jenkins",
            "SUCCESS",
            [
                job(
                    "lustre-reviews",
                    "https://build.hpdd.intel.com/job/lustre-reviews/49978/",
                    "SUCCESS",
                )
            ],
            {"Verified": 1},
        ),
        prov="verbatim",
        username="hudson",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins CI",
        "Patch Set 2: Code-Review-1\n\nBuild Unstable \n\nhttps://jenkins.example.org/job/proj-verify/12/ : UNSTABLE\n\n"
        "https://jenkins.example.org/job/proj-sonar/8/ : SUCCESS",
        bot(
            "Jenkins CI",
            "UNSTABLE",
            [
                job("proj-verify", "https://jenkins.example.org/job/proj-verify/12/", "UNSTABLE"),
                job("proj-sonar", "https://jenkins.example.org/job/proj-sonar/8/", "SUCCESS"),
            ],
            {"Code-Review": -1},
        ),
        ps=2,
        username="jenkins",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins CI",
        "Patch Set 5:\n\nBuild Aborted \n\nhttps://jenkins.opendaylight.org/releng/job/netvirt-csit-1node-openstack-queens-upstream-stateful-oxygen/77/ : ABORTED",
        bot(
            "Jenkins CI",
            "ABORTED",
            [
                job(
                    "netvirt-csit-1node-openstack-queens-upstream-stateful-oxygen",
                    "https://jenkins.opendaylight.org/releng/job/netvirt-csit-1node-openstack-queens-upstream-stateful-oxygen/77/",
                    "ABORTED",
                )
            ],
        ),
        ps=5,
        username="lf-jenkins",
    ),
    rec(
        "gerrit-trigger",
        "ONAP Jobbuilder",
        "Patch Set 3:\n\nNo Builds Executed \n\nhttps://jenkins.onap.org/job/so-master-verify-java/901/ : NOT_BUILT",
        bot(
            "ONAP Jobbuilder",
            "NOT_BUILT",
            [
                job(
                    "so-master-verify-java",
                    "https://jenkins.onap.org/job/so-master-verify-java/901/",
                    "NOT_BUILT",
                )
            ],
        ),
        ps=3,
        username="onap-jobbuilder",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 1: Verified-1\n\nBuild Failed \n\nhttps://ci.example.com/job/app-verify/301/ : FAILURE <<<\n"
        "Unit tests failed: 3 of 1204\n>>>\n\nhttps://ci.example.com/job/app-lint/120/ : SUCCESS",
        bot(
            "Jenkins",
            "FAILURE",
            [
                job("app-verify", "https://ci.example.com/job/app-verify/301/", "FAILURE"),
                job("app-lint", "https://ci.example.com/job/app-lint/120/", "SUCCESS"),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:jenkins-gerrit-trigger",
        username="jenkins",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 4: Verified+1\n\nBuild Successful \n\nhttps://ci.example.com/job/team/job/repo/job/PR-12/5/ : SUCCESS",
        bot(
            "Jenkins",
            "SUCCESS",
            [
                job(
                    "team/repo/PR-12",
                    "https://ci.example.com/job/team/job/repo/job/PR-12/5/",
                    "SUCCESS",
                )
            ],
            {"Verified": 1},
        ),
        tag="autogenerated:jenkins-gerrit-trigger",
        ps=4,
        username="jenkins",
    ),
    rec(
        "gerrit-trigger",
        "Jenkins (Automated Verifier)",
        "Patch Set 2: Verified-1\n\nBuild Failed (includes older changes 10670/1) http://jenkins.diamond.ac.uk:8080/job/GDA.master-junit.tests-gerrit/8270/",
        bot(
            "Jenkins (Automated Verifier)",
            "FAILURE",
            [
                job(
                    "GDA.master-junit.tests-gerrit",
                    "http://jenkins.diamond.ac.uk:8080/job/GDA.master-junit.tests-gerrit/8270/",
                    "FAILURE",
                )
            ],
            {"Verified": -1},
        ),
        ps=2,
        username="dlshudson",
    ),
    # ------------------------------------------------------------------ luci-cq
    rec(
        "luci-cq",
        "Commit Bot",
        "Patch Set 1:\n\nDry run: This issue passed the CQ dry run.",
        bot("Commit Bot", "SUCCESS"),
        tag="autogenerated:cq:dry-run",
        prov="verbatim",
    ),
    rec(
        "luci-cq",
        "Commit Bot",
        "Patch Set 1:\n\nDry run: Try jobs failed on following builders:\n  linux_chromium_tsan_rel_ng on master.tryserver.chromium.linux "
        "(JOB_FAILED, http://build.chromium.org/p/tryserver.chromium.linux/builders/linux_chromium_tsan_rel_ng/builds/148028)",
        bot(
            "Commit Bot",
            "FAILURE",
            [
                job(
                    "linux_chromium_tsan_rel_ng",
                    "http://build.chromium.org/p/tryserver.chromium.linux/builders/linux_chromium_tsan_rel_ng/builds/148028",
                    "JOB_FAILED",
                )
            ],
        ),
        tag="autogenerated:cq:dry-run",
        prov="verbatim",
    ),
    rec(
        "luci-cq",
        "Chromium LUCI CQ",
        "Patch Set 2:\n\nThis CL has failed the run. Reason:\n\nFailed Tryjobs:\n"
        "* [chromium/try/win-rel](https://ci.chromium.org/b/8800000000000000001)\n"
        "* [chromium/try/mac-rel](https://ci.chromium.org/b/8800000000000000002). Summary ([view all results](https://chromium-review.googlesource.com/c/chromium/src/+/4000000?checksPatchset=2&tab=checks)):\n\n---\nCompile failure\n\n---",
        bot(
            "Chromium LUCI CQ",
            "FAILURE",
            [
                job(
                    "chromium/try/win-rel",
                    "https://ci.chromium.org/b/8800000000000000001",
                    "FAILED",
                ),
                job(
                    "chromium/try/mac-rel",
                    "https://ci.chromium.org/b/8800000000000000002",
                    "FAILED",
                ),
            ],
        ),
        tag="autogenerated:cv:dry-run:1690000000",
        ps=2,
    ),
    rec(
        "luci-cq",
        "Chromium LUCI CQ",
        "Patch Set 6:\n\nThis CL has failed the run. Reason:\n\n[Tryjob](https://cr-buildbucket.appspot.com/build/8811111111111111111) has failed",
        bot(
            "Chromium LUCI CQ",
            "FAILURE",
            [job(None, "https://cr-buildbucket.appspot.com/build/8811111111111111111", "FAILED")],
        ),
        tag="autogenerated:cv:full-run:1690000001",
        ps=6,
    ),
    rec(
        "luci-cq",
        "LUCI CQ",
        "Patch Set 2:\n\nQuick dry run: CQ is trying the patch.\n\nFollow status at: https://luci-change-verifier.appspot.com/ui/run/chromium/8800-1-abcdef",
        bot("LUCI CQ", "STARTED"),
        tag="autogenerated:cv:quick-dry-run",
        ps=2,
    ),
    rec(
        "luci-cq",
        "Chromium LUCI CQ",
        "Patch Set 9:\n\nFull run: This CL passed CQ and is ready for submission.",
        bot("Chromium LUCI CQ", "SUCCESS"),
        tag="autogenerated:cv:full-run",
        ps=9,
    ),
    # --------------------------------------------------------------- treehugger
    rec(
        "treehugger",
        "Treehugger Robot",
        "Patch Set 1: Presubmit-Verified-1\n\n=== Finished presubmit run: L15800000103332239 ===\n\n"
        "Status: https://android-build.googleplex.com/builds/where-is-my-cl/android-review/486597?revision=1\n\n\n\n\n"
        "TreeHugger finished with: 1 failed.\n\nFAIL: Failed to build git_master/marlin-userdebug_fastbuild_linux/4338332 (ToT). "
        f"See {TH}P4783922/kernel_test/latest\n\nHave a question? Found a bug? http://go/treehugger-troubleshoot",
        bot(
            "Treehugger Robot",
            "FAILURE",
            [
                job(
                    "git_master/marlin-userdebug_fastbuild_linux",
                    f"{TH}P4783922/kernel_test/latest",
                    "FAIL",
                )
            ],
            {"Presubmit-Verified": -1},
        ),
        tag="autogenerated:TreeHugger:Verify-Fail",
        prov="verbatim",
    ),
    rec(
        "treehugger",
        "Treehugger Robot",
        "Patch Set 1: Presubmit-Verified-1\n\n=== Finished presubmit run: L35300000098035294 ===\n\n"
        "Status: https://android-build.googleplex.com/builds/where-is-my-cl/android-review/471832?revision=3\n\n\n\n\n"
        "FAIL: Some checks failed. See below.\n\n\n=== aosp-master/aosp_arm64-eng ===\n\n"
        f"PASS: Built aosp-master/aosp_arm64-eng/4307465 (ToT). See {TH}P4720458/aosp_arm64-eng/latest\n\n\n"
        "=== git_master/marlin-userdebug_fastbuild_linux ===\n\n"
        f"FAIL: Failed to build git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). See {TH}P4720460/marlin-userdebug_fastbuild_linux/latest. "
        "WARNING: Your change was built on top of build 4307501, which is broken.\n"
        "SKIPPED: Tests were skipped for git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). Internal error: cannot find a successful build output.\n"
        "SKIPPED: Tests were skipped for git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). Internal error: cannot find a successful build output.\n\n\n"
        "===\n\nHave a question? Found a bug? http://go/treehugger-troubleshoot",
        bot(
            "Treehugger Robot",
            "FAILURE",
            [
                job("aosp-master/aosp_arm64-eng", f"{TH}P4720458/aosp_arm64-eng/latest", "PASS"),
                job(
                    "git_master/marlin-userdebug_fastbuild_linux",
                    f"{TH}P4720460/marlin-userdebug_fastbuild_linux/latest",
                    "FAIL",
                ),
                job("git_master/marlin-userdebug_fastbuild_linux", None, "SKIPPED"),
            ],
            {"Presubmit-Verified": -1},
        ),
        tag="autogenerated:TreeHugger:Verify-Fail",
        prov="verbatim",
    ),
    rec(
        "treehugger",
        "Treehugger Robot",
        "Patch Set 3:\n\n=== Started presubmit run: L35300000098035294 ===\n\n"
        "Status: https://android-build.googleplex.com/builds/where-is-my-cl/android-review/471832?revision=3\n\n\n"
        "=== Started building your change on 7 target(s) ===\n\nBuilding 6 configured target(s): aosp-master/aosp_arm64-eng aosp-master/aosp_x86-eng.",
        bot("Treehugger Robot", "STARTED"),
        tag="autogenerated:TreeHugger:Verify-Start",
        ps=3,
        prov="verbatim",
    ),
    # ----------------------------------------------------------- wikimedia-zuul
    rec(
        "wikimedia-zuul",
        "jenkins-bot",
        "Patch Set 3: Verified-2\n\nGate pipeline build failed.\n\n"
        f"- {W}wmf-quibble-core-vendor-mysql-php74-docker/12345/console : FAILURE in 25m 12s\n"
        f"- {W}mwext-php74-phan-docker/61999/console : SUCCESS in 2m 40s\n",
        bot(
            "jenkins-bot",
            "FAILURE",
            [
                job(
                    "wmf-quibble-core-vendor-mysql-php74-docker",
                    f"{W}wmf-quibble-core-vendor-mysql-php74-docker/12345/console",
                    "FAILURE",
                    d(0, 25, 12),
                ),
                job(
                    "mwext-php74-phan-docker",
                    f"{W}mwext-php74-phan-docker/61999/console",
                    "SUCCESS",
                    d(0, 2, 40),
                ),
            ],
            {"Verified": -2},
        ),
        tag="autogenerated:ci-gate-and-submit",
        ps=3,
        username="jenkins-bot",
    ),
    rec(
        "wikimedia-zuul",
        "jenkins-bot",
        f"Patch Set 1:\n\nPost-merge build succeeded.\n\n- {W}mediawiki-core-doxygen-docker-publish/29012/console : SUCCESS in 8m 44s\n",
        bot(
            "jenkins-bot",
            "SUCCESS",
            [
                job(
                    "mediawiki-core-doxygen-docker-publish",
                    f"{W}mediawiki-core-doxygen-docker-publish/29012/console",
                    "SUCCESS",
                    d(0, 8, 44),
                )
            ],
        ),
        tag="autogenerated:ci-postmerge",
        username="jenkins-bot",
    ),
    rec(
        "wikimedia-zuul",
        "jenkins-bot",
        "Patch Set 2: Verified-1\n\nMain test build failed.\n\n"
        f"- {W}operations-puppet-tests-buster-docker/61234/console : FAILURE in 4m 10s\n"
        f"- {W}diffConfig/7/console : SUCCESS Please carefully review. in 47s (non-voting)\n"
        f"- {W}diffConfig/8/console : FAILURE No change detected. in 52s (non-voting)\n",
        bot(
            "jenkins-bot",
            "FAILURE",
            [
                job(
                    "operations-puppet-tests-buster-docker",
                    f"{W}operations-puppet-tests-buster-docker/61234/console",
                    "FAILURE",
                    d(0, 4, 10),
                ),
                job("diffConfig", f"{W}diffConfig/7/console", "SUCCESS", 47, False),
                job("diffConfig", f"{W}diffConfig/8/console", "FAILURE", 52, False),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:ci-test",
        ps=2,
        username="jenkins-bot",
    ),
    # ----------------------------------------------------------- wikimedia-bots
    rec(
        "wikimedia-bots",
        "PipelineBot",
        "Patch Set 7:\n\npipeline-dashboard: service-pipeline-test\npipeline-build-result: FAILURE (job: service-pipeline-test, build: 12284)",
        bot("PipelineBot", "FAILURE", [job("service-pipeline-test", None, "FAILURE")]),
        tag="autogenerated:pipelinelib",
        ps=7,
        username="pipelinebot",
    ),
    rec(
        "wikimedia-bots",
        "SonarQube Bot",
        "Patch Set 2:\n\n❌ Quality gate failed\n\n* Coverage on new code: 61.4% (is less than 80%)\n\n"
        "Report: https://sonarcloud.io/dashboard?id=mediawiki-extensions-Foo&pullRequest=123",
        bot(
            "SonarQube Bot",
            "FAILURE",
            [
                job(
                    "Quality gate",
                    "https://sonarcloud.io/dashboard?id=mediawiki-extensions-Foo&pullRequest=123",
                    "FAILED",
                )
            ],
        ),
        tag="autogenerated:codehealth",
        ps=2,
        username="sonarqubebot",
    ),
    rec(
        "wikimedia-bots",
        "Cindy-the-browser-test-bot",
        "Patch Set 4: Verified+2\n\nCindy says good job. Keep it up.",
        bot("Cindy-the-browser-test-bot", "SUCCESS", [], {"Verified": 2}),
        ps=4,
        username="cindythebrowsertestbot",
    ),
    rec(
        "wikimedia-bots",
        "Cindy-the-browser-test-bot",
        "Patch Set 5: Verified-2\n\nI ran browser tests for your patch and there were some errors you might want to look into:\nhttps://phabricator.wikimedia.org/P899",
        bot("Cindy-the-browser-test-bot", "FAILURE", [], {"Verified": -2}),
        ps=5,
        username="cindythebrowsertestbot",
    ),
    # ----------------------------------------------------------- gerritforge-ci
    rec(
        "gerritforge-ci",
        "GerritForge CI",
        "Patch Set 3: Verified+1\n\n✅ bazel/notedb : SUCCESS\n    (https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30001/console)\n"
        "✅ bazel/reviewdb : SUCCESS\n    (https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30002/console)",
        bot(
            "GerritForge CI",
            "SUCCESS",
            [
                job(
                    "bazel/notedb",
                    "https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30001/console",
                    "SUCCESS",
                ),
                job(
                    "bazel/reviewdb",
                    "https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30002/console",
                    "SUCCESS",
                ),
            ],
            {"Verified": 1},
        ),
        tag="autogenerated:gerrit-ci:addVerified",
        ps=3,
    ),
    rec(
        "gerritforge-ci",
        "GerritForge CI",
        "Patch Set 2: Verified-1\n\n❌ polygerrit : FAILURE\n    (https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-polygerrit/4411/console)\n"
        "✅ bazel/notedb : SUCCESS\n    (https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30101/console)",
        bot(
            "GerritForge CI",
            "FAILURE",
            [
                job(
                    "polygerrit",
                    "https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-polygerrit/4411/console",
                    "FAILURE",
                ),
                job(
                    "bazel/notedb",
                    "https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/30101/console",
                    "SUCCESS",
                ),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:gerrit-ci:addVerified",
        ps=2,
    ),
    # ---------------------------------------------------------- elastic-recheck
    rec(
        "elastic-recheck",
        "Elastic Recheck",
        "Patch Set 3:\n\nI noticed Zuul failed, I think you hit bug(s):\n\n"
        "- tempest-full-py3: https://bugs.launchpad.net/bugs/1929710\n- grenade: https://bugs.launchpad.net/bugs/1844929\n\n"
        "For more details on this and other bugs, please see http://status.openstack.org/elastic-recheck/",
        bot("Elastic Recheck", None),
        ps=3,
        username="elasticrecheck",
    ),
    rec(
        "elastic-recheck",
        "Elastic Recheck",
        "Patch Set 1:\n\nI noticed jenkins failed, I think you hit bug(s):\n\n- https://bugs.launchpad.net/bugs/1253896\n\n"
        "We don't automatically recheck or reverify, so please consider\ndoing that manually if someone hasn't already. "
        "For a code review\nwhich is not yet approved, you can recheck by leaving a code\nreview comment with just the text:\n\n"
        "    recheck bug 1253896",
        bot("Elastic Recheck", None),
        username="elasticrecheck",
    ),
    # ----------------------------------------------------------------- misc-bot
    rec(
        "misc-bot",
        "Lustre Buildbot",
        "Patch Set 1:\n\nOverall Build Status: FAIL\n\n"
        "Builder CentOS 6.7 x86_64 (BUILD) succeeded (build successful) - http://build.lustre.org/builders/CentOS%206.7%20x86_64%20%28BUILD%29/builds/10790\n\n"
        "Builder Ubuntu 14.04 x86_64 (BUILD) failed (failed shell_4) - http://build.lustre.org/builders/Ubuntu%2014.04%20x86_64%20%28BUILD%29/builds/10736",
        bot(
            "Lustre Buildbot",
            "FAILURE",
            [
                job(
                    "CentOS 6.7 x86_64 (BUILD)",
                    "http://build.lustre.org/builders/CentOS%206.7%20x86_64%20%28BUILD%29/builds/10790",
                    "SUCCEEDED",
                ),
                job(
                    "Ubuntu 14.04 x86_64 (BUILD)",
                    "http://build.lustre.org/builders/Ubuntu%2014.04%20x86_64%20%28BUILD%29/builds/10736",
                    "FAILED",
                ),
            ],
        ),
        prov="verbatim",
        username="LustreBuildbot",
    ),
    rec(
        "misc-bot",
        "Build Bot",
        "Patch Set 1: Well-Formed-1\n\nBranch restricted. PLEASE READ this URL: \n\n"
        "http://server.jenkins.couchbase.com/job/restricted-branch-check/88980/artifact/restricted.html : FAILURE",
        bot(
            "Build Bot",
            "FAILURE",
            [
                job(
                    "restricted-branch-check",
                    "http://server.jenkins.couchbase.com/job/restricted-branch-check/88980/artifact/restricted.html",
                    "FAILURE",
                )
            ],
            {"Well-Formed": -1},
        ),
        prov="verbatim",
        username="buildbot",
    ),
    rec(
        "misc-bot",
        "gerrit-hooks",
        "Patch Set 1: Verified-1\n\n* Check Bug-Url::1496720::OK, classification: 'oVirt', product: 'ovirt-engine'\n"
        "* Check Product::#1496720::OK, product: ovirt-engine\n* Check TM::#1496720::WARN, wrong target milestone: ovirt-4.2.0 (-1)\n"
        "* Update Tracker::#1496720::OK, tracker status: POST",
        bot("gerrit-hooks", None, [], {"Verified": -1}),
        prov="verbatim",
        username="gerrit-hooks",
    ),
    rec(
        "misc-bot",
        "Qt Sanity Bot",
        "Patch Set 3: Sanity-Review+1",
        bot("Qt Sanity Bot", None, [], {"Sanity-Review": 1}),
        ps=3,
        username="qt_sanity_bot",
    ),
    # ------------------------------------------------------------ gerrit-notice
    rec(
        "gerrit-notice",
        "Zuul",
        "Change has been successfully merged by Zuul",
        bot("Zuul", None),
        tag="autogenerated:gerrit:merged",
        ps=None,
        username="zuul",
    ),
    rec(
        "gerrit-notice",
        "OpenStack Proposal Bot",
        "Uploaded patch set 1.",
        bot("OpenStack Proposal Bot", None),
        tag="autogenerated:gerrit:newPatchSet",
        username="proposal-bot",
    ),
    rec(
        "gerrit-notice",
        "Tintri CI",
        "Patch Set 2:\n\nrecheck",
        bot("Tintri CI", None),
        ps=2,
    ),
    rec(
        "gerrit-notice",
        "Zuul",
        "Removed Verified-1 by Zuul <zuul@openstack.org>\n",
        bot("Zuul", None),
        tag="autogenerated:gerrit:deleteVote",
        username="zuul",
    ),
    # -------------------------------------------------------------------- human
    rec(
        "human",
        "Brian Rosmaita",
        "Patch Set 4:\n\nrecheck bug 1712345",
        human(),
        ps=4,
        username="brian-rosmaita",
    ),
    rec("human", "Kevin Lee", "Patch Set 2:\n\npkvm: recheck", human(), ps=2, username="klee"),
    rec(
        "human",
        "Sean McGinnis",
        "Patch Set 6:\n\ncheck experimental",
        human(),
        ps=6,
        username="smcginnis",
    ),
    rec(
        "human",
        "Eric Harney",
        "Uploaded patch set 3.",
        human(),
        tag="autogenerated:gerrit:newPatchSet",
        ps=3,
        username="eharney",
    ),
    rec(
        "human",
        "Eric Harney",
        "Abandoned\n\nSuperseded by I4f2c1a",
        human(),
        tag="autogenerated:gerrit:abandon",
        ps=3,
        username="eharney",
    ),
    rec(
        "human",
        "Jenkins Smith",
        "Patch Set 2: Code-Review+1\n\nLooks good, thanks for adding the unit test.",
        human({"Code-Review": 1}),
        ps=2,
        username="jsmith",
    ),
    rec(
        "human",
        "Jenkins Smith",
        "Patch Set 5:\n\nThe gate job keeps timing out:\n\n"
        f"- tempest-full {Z}abcdabcdabcdabcdabcdabcdabcdabcd : TIMED_OUT in 3h 00m 12s\n\nIs this related to the new fixture?",
        human(),
        ps=5,
    ),
    rec(
        "human",
        "Anil Belur",
        "Patch Set 1:\n\nhttps://jenkins.opendaylight.org/releng/job/builder-verify/12/ : FAILURE\n\nthis is a known infra issue, recheck",
        human(),
        username="askb",
    ),
    rec(
        "human",
        "Gorka Eguileor",
        "Patch Set 1: Code-Review-1\n\n(2 comments)\n\nPlease add a unit test.",
        human({"Code-Review": -1}),
        username="geguileo",
    ),
    rec(
        "human",
        "Vijay Ladani",
        "Patch Set 1: -Code-Review",
        human({"Code-Review": 0}),
        username="vladani",
    ),
    rec(
        "human",
        "Rafael Mendes",
        "Patch Set 2:\n\nrun-NEC Cinder CI",
        human(),
        ps=2,
        username="rmendes",
    ),
]


# Second review round: variants read off the formatting code (luci-go cv handler/usertext,
# Gerrit Trigger ParameterExpander's `<<< >>>` unsuccessful message and plugin messages,
# Zuul's reporter blocks) and further verbatim messages from the same public sources.
B = "https://cr-buildbucket.appspot.com/build/"
ODL = "https://jenkins.opendaylight.org/releng/job/"
ODL_LOGS = "https://logs.opendaylight.org/releng/vex-yul-odl-jenkins-1/"
AB = "https://android-build.googleplex.com/builds/pending/"
WARN = (
    " WARNING: Your change was built on top of build 4307501, which is broken. Please check "
    "the continuous build at http://go/abbb/git_master/grid and retry your patch only when "
    "marlin-userdebug_fastbuild_linux is green."
)
CASES += [
    rec(
        "luci-cq",
        "LUCI CV",
        "Patch Set 2:\n\nThis CL has passed the run",
        bot("LUCI CV", "SUCCESS"),
        tag="autogenerated:cv:dry-run",
        ps=2,
    ),
    rec(
        "luci-cq",
        "LUCI CV",
        "Patch Set 4:\n\nQuick dry run: This CL passed the CQ quick dry run.",
        bot("LUCI CV", "SUCCESS"),
        tag="autogenerated:cv:quick-dry-run",
        ps=4,
    ),
    rec(
        "luci-cq",
        "LUCI CV",
        "Patch Set 4:\n\nDry run: This CL failed the CQ dry run.",
        bot("LUCI CV", "FAILURE"),
        tag="autogenerated:cv:dry-run",
        ps=4,
    ),
    rec(
        "luci-cq",
        "Chromium LUCI CQ",
        "Patch Set 3:\n\nThis CL has failed the run. Reason:\n\n"
        f"Tryjob [chromium/try/linux-rel]({B}8800000000000000123) has failed with summary "
        "([view all results](https://chromium-review.googlesource.com/c/chromium/src/+/4000001"
        "?checksPatchset=3&tab=checks)):\n\n---\n"
        "[browser_tests](https://ci.chromium.org/ui/inv/build-8800000000000000123) has failed "
        "on 3 tests.",
        bot(
            "Chromium LUCI CQ",
            "FAILURE",
            [job("chromium/try/linux-rel", f"{B}8800000000000000123", "FAILED")],
        ),
        tag="autogenerated:cv:full-run:1690000002",
        ps=3,
    ),
    rec(
        "luci-cq",
        "Chromium LUCI CQ",
        "Patch Set 5:\n\nThis CL has failed the run. Reason:\n\nFailed Tryjobs:\n"
        f"* [chromium/try/win-rel]({B}8800000000000000201). Summary ([view all results]"
        "(https://chromium-review.googlesource.com/c/chromium/src/+/4000002?checksPatchset=5"
        "&tab=checks)):\n\n---\n2 test suites failed:\n"
        "* [browser_tests](https://ci.chromium.org/ui/inv/build-8800000000000000201)\n"
        "* [unit_tests](https://ci.chromium.org/ui/inv/build-8800000000000000201/u)\n\n---\n"
        f"* [chromium/try/mac-rel]({B}8800000000000000202)",
        bot(
            "Chromium LUCI CQ",
            "FAILURE",
            [
                job("chromium/try/win-rel", f"{B}8800000000000000201", "FAILED"),
                job("chromium/try/mac-rel", f"{B}8800000000000000202", "FAILED"),
            ],
        ),
        tag="autogenerated:cv:full-run:1690000003",
        ps=5,
    ),
    rec(
        "gerrit-trigger",
        "Jenkins",
        "Patch Set 2: Verified-1\n\nBuild Failed \n\n"
        "https://ci.example.com/job/app-verify/302/ : FAILURE <<<\nFailed tests:\n"
        "- test_login : FAILED\n- test_logout http://ci.example.com/t/2 : ERROR\n"
        "https://ci.example.com/job/app-verify/302/testReport/ : UNSTABLE\n>>>\n\n"
        "https://ci.example.com/job/app-lint/121/ : SUCCESS (skipped)",
        bot(
            "Jenkins",
            "FAILURE",
            [
                job("app-verify", "https://ci.example.com/job/app-verify/302/", "FAILURE"),
                job(
                    "app-lint", "https://ci.example.com/job/app-lint/121/", "SUCCESS", voting=False
                ),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:jenkins-gerrit-trigger",
        ps=2,
    ),
    rec(
        "gerrit-trigger",
        "LF Jenkins CI",
        "Patch Set 3: Verified-1\n\nBuild Failed \n\n"
        f"{ODL}lf-infra-lftools-tox-verify-any/247/ : FAILURE\n\n"
        "No problems were identified. If you know why this problem occurred, please add a "
        f"suitable Cause for it. ( {ODL}lf-infra-lftools-tox-verify-any/247/ )\n\n"
        f"Logs: {ODL_LOGS}lf-infra-lftools-tox-verify-any/247\n\n"
        f"{ODL}lf-infra-lftools-rtd-verify-any/44/ : SUCCESS\n\n"
        f"Logs: {ODL_LOGS}lf-infra-lftools-rtd-verify-any/44",
        bot(
            "LF Jenkins CI",
            "FAILURE",
            [
                job(
                    "lf-infra-lftools-tox-verify-any",
                    f"{ODL}lf-infra-lftools-tox-verify-any/247/",
                    "FAILURE",
                ),
                job(
                    "lf-infra-lftools-rtd-verify-any",
                    f"{ODL}lf-infra-lftools-rtd-verify-any/44/",
                    "SUCCESS",
                ),
            ],
            {"Verified": -1},
        ),
        ps=3,
        prov="verbatim",
        username="lf-jenkins",
    ),
    rec(
        "gerrit-trigger",
        "LF Jenkins CI",
        f"Patch Set 3:\n\nBuild Started {ODL}lf-infra-lftools-tox-verify-any/247/ (2/2)",
        bot(
            "LF Jenkins CI",
            "STARTED",
            [
                job(
                    "lf-infra-lftools-tox-verify-any",
                    f"{ODL}lf-infra-lftools-tox-verify-any/247/",
                    "STARTED",
                )
            ],
        ),
        ps=3,
        prov="verbatim",
        username="lf-jenkins",
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 3: Verified-1\n\nBuild failed (check pipeline).  For information on how to "
        "proceed, see\nhttps://docs.opendev.org/opendev/infra-manual/latest/developers.html"
        "#automated-testing\n\nhttps://zuul.opendev.org/t/openstack/buildset/5a5a5a5a\n\n"
        f"- openstack-tox-py38 {Z}1a1a1a1a : SUCCESS in 3m 02s\n"
        f"- openstack-tox-docs {Z}2b2b2b2b : FAILURE in 1m 00s (non-voting)\n"
        f"- nova-live-migration {Z}3c3c3c3c : NODE_FAILURE Node request 300-0001 failed in 1s\n"
        "- nova-grenade-multinode nova-grenade-multinode : ERROR Unable to freeze job graph: "
        "Job nova-grenade-multinode depends on tox which was not run in 0s (non-voting)\n"
        "Skipped 4 jobs\n\nWarning:\n  Job tox : uses a deprecated nodeset\n\n"
        "Debug information:\n  - Job openstack-tox-py38 matched : check\n",
        bot(
            "Zuul",
            "FAILURE",
            [
                job("openstack-tox-py38", f"{Z}1a1a1a1a", "SUCCESS", d(0, 3, 2)),
                job("openstack-tox-docs", f"{Z}2b2b2b2b", "FAILURE", 60, voting=False),
                job("nova-live-migration", f"{Z}3c3c3c3c", "NODE_FAILURE", 1),
                job("nova-grenade-multinode", None, "ERROR", 0, voting=False),
            ],
            {"Verified": -1},
        ),
        tag="autogenerated:zuul:check",
        ps=3,
    ),
    rec(
        "zuul-v3",
        "Zuul",
        "Patch Set 2: Verified-2\n\nThis change is part of a dependency cycle that failed.\n\n"
        f"- openstack-tox-py310 {Z}4d4d4d4d : SUCCESS in 4m 40s\n"
        f"- tempest-full-py3 {Z}5e5e5e5e : FAILURE in 1h 12m 00s\n\n"
        "Related changes:\n  - https://review.opendev.org/c/openstack/nova/+/800001\n"
        "  - https://review.opendev.org/c/openstack/cinder/+/800002 (config error)\n",
        bot(
            "Zuul",
            "FAILURE",
            [
                job("openstack-tox-py310", f"{Z}4d4d4d4d", "SUCCESS", d(0, 4, 40)),
                job("tempest-full-py3", f"{Z}5e5e5e5e", "FAILURE", d(1, 12, 0)),
            ],
            {"Verified": -2},
        ),
        tag="autogenerated:zuul:gate",
        ps=2,
    ),
    rec(
        "zuul-v2",
        "Jenkins",
        "Patch Set 2: Verified-1\n\nBuild failed.  For information on how to proceed, see "
        "https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures\n\n"
        "- http://logs.openstack.org/31/62431/2/check/gate-nova-pep8/7f3a1b2 : SUCCESS in 4m 12s\n"
        "- http://logs.openstack.org/31/62431/2/check/check-tempest-dsvm-full/8d9e0f1 : FAILURE "
        "in 1h 02m 33s\n- http://logs.openstack.org/31/62431/2/check/check-grenade-dsvm/9a0b1c2 : "
        "FAILURE in 48m 10s (non-voting)\n- gate-nova-docs : LOST\n",
        bot(
            "Jenkins",
            "FAILURE",
            [
                job(
                    None,
                    "http://logs.openstack.org/31/62431/2/check/gate-nova-pep8/7f3a1b2",
                    "SUCCESS",
                    d(0, 4, 12),
                ),
                job(
                    None,
                    "http://logs.openstack.org/31/62431/2/check/check-tempest-dsvm-full/8d9e0f1",
                    "FAILURE",
                    d(1, 2, 33),
                ),
                job(
                    None,
                    "http://logs.openstack.org/31/62431/2/check/check-grenade-dsvm/9a0b1c2",
                    "FAILURE",
                    d(0, 48, 10),
                    voting=False,
                ),
                job("gate-nova-docs", None, "LOST"),
            ],
            {"Verified": -1},
        ),
        ps=2,
    ),
    rec(
        "treehugger",
        "Treehugger Robot",
        "Patch Set 1: Presubmit-Verified-1\n\n=== Finished presubmit run: L35300000098035294 ===\n\n"
        "Status: https://android-build.googleplex.com/builds/where-is-my-cl/android-review/471832"
        "?revision=3\n\n\n\n\nFAIL: Some checks failed. See below.\n\n\n"
        "=== aosp-master/aosp_arm64-eng ===\n\n"
        f"PASS: Built aosp-master/aosp_arm64-eng/4307465 (ToT). See {AB}P4720458/aosp_arm64-eng/latest\n\n\n"
        "=== git_master/marlin-userdebug_fastbuild_linux ===\n\n"
        "FAIL: Failed to build git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). See "
        f"{AB}P4720460/marlin-userdebug_fastbuild_linux/latest.{WARN}\n"
        "SKIPPED: Tests were skipped for git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). "
        "Internal error: cannot find a successful build output for target "
        f"marlin-userdebug_fastbuild_linux.{WARN}\n"
        "SKIPPED: Tests were skipped for git_master/marlin-userdebug_fastbuild_linux/4307501 (ToT). "
        "Internal error: cannot find a successful build output for target "
        f"marlin-userdebug_fastbuild_linux.{WARN}\n\n\n===\n\n"
        "Have a question? Found a bug? http://go/treehugger-troubleshoot",
        bot(
            "Treehugger Robot",
            "FAILURE",
            [
                job("aosp-master/aosp_arm64-eng", f"{AB}P4720458/aosp_arm64-eng/latest", "PASS"),
                job(
                    "git_master/marlin-userdebug_fastbuild_linux",
                    f"{AB}P4720460/marlin-userdebug_fastbuild_linux/latest",
                    "FAIL",
                ),
                job("git_master/marlin-userdebug_fastbuild_linux", None, "SKIPPED"),
            ],
            {"Presubmit-Verified": -1},
        ),
        tag="autogenerated:TreeHugger:Verify-Fail",
        prov="verbatim",
    ),
]


def records() -> list[dict]:
    out = []
    for i, case in enumerate(CASES):
        r = dict(case)
        r["id"] = f"gen{i:04d}"
        out.append(r)
    return out


if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        for r in records():
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
