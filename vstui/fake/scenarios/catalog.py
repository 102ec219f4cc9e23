"""Who lives in the emulated world: CI systems (with their real names and styles), humans,
projects and their labels. Data only; `seed.py` / `large.py` build worlds from it.
"""

from __future__ import annotations

from vstui.fake.ci_styles import CISystem, JobSpec
from vstui.fake.model import LabelType, code_review_label, workflow_label


def openstack_verified() -> LabelType:
    """OpenStack's Verified ran -2..+2: +1/-1 from check, +2/-2 from the gate."""
    return LabelType(
        "Verified",
        {-2: "Fails", -1: "Doesn't seem to work", 0: "No score", 1: "Works for me", 2: "Verified"},
    )


def openstack_labels() -> list[LabelType]:
    return [code_review_label(), openstack_verified(), workflow_label()]


def simple_verified() -> LabelType:
    return LabelType("Verified", {-1: "Fails", 0: "No score", 1: "Verified"})


def custom_label(name: str, lo: int, hi: int, function: str = "MaxWithBlock") -> LabelType:
    values = {v: ("No score" if v == 0 else f"{name} {v:+d}") for v in range(lo, hi + 1)}
    return LabelType(name, values, function=function)


# ------------------------------------------------------------------ OpenStack upstream

_T = JobSpec  # short alias for the tables below

JENKINS = CISystem(
    "Jenkins",
    "jenkins",
    "zuul-v2",
    (
        _T("gate-cinder-pep8-ubuntu-xenial", typical_s=240, fail_rate=0.05),
        _T(
            "gate-cinder-docs-ubuntu-xenial",
            typical_s=330,
            fail_rate=0.02,
            url="http://docs-draft.openstack.org/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}/doc/build/html/",
        ),
        _T("gate-cinder-python27-ubuntu-xenial", typical_s=720, fail_rate=0.06),
        _T("gate-cinder-python35", typical_s=760, fail_rate=0.06),
        _T("gate-tempest-dsvm-full-ubuntu-xenial", typical_s=3300, fail_rate=0.08),
        _T("gate-tempest-dsvm-neutron-full-ubuntu-xenial", typical_s=3600, fail_rate=0.08),
        _T("gate-grenade-dsvm-ubuntu-xenial", typical_s=2600, fail_rate=0.05),
        _T("gate-rally-dsvm-cinder", voting=False, typical_s=2400, fail_rate=0.3),
        _T(
            "gate-cinder-tox-db-functional-ubuntu-xenial",
            voting=False,
            typical_s=600,
            fail_rate=0.2,
        ),
    ),
    host="http://logs.openstack.org",
    vote_label="Verified",
    email_domain="openstack.org",
)

ZUUL = CISystem(
    "Zuul",
    "zuul",
    "zuul-v3",
    (
        _T("openstack-tox-pep8", typical_s=210, fail_rate=0.05),
        _T("openstack-tox-py36", typical_s=590, fail_rate=0.07),
        _T("openstack-tox-py38", typical_s=610, fail_rate=0.07),
        _T("octavia-v2-dsvm-scenario", typical_s=4800, fail_rate=0.1),
        _T("octavia-grenade", voting=False, typical_s=3600, fail_rate=0.3),
    ),
    host="https://zuul.opendev.org",
    url="{host}/t/openstack/build/{hash32}",
    vote_label="Verified",
    email_domain="openstack.org",
)

ELASTIC_RECHECK = ("elasticrecheck", "Elastic Recheck")

# ------------------------------------------------------------------ the seed change's CIs
# In the order they reported on cinder change 381272, patch set 1 (shared/SEED.md), with the
# outcome they reported there.

SEED_CIS: list[tuple[CISystem, str]] = [
    (
        CISystem(
            "VMware NSX CI",
            "vmware_nsx_ci",
            "gerrit-trigger-star",
            (_T("vmware-nsx-cinder-dsvm-tempest", typical_s=3000),),
            host="http://208.91.1.172/logs",
            vote_label="Verified",
            url="{host}/{n}/{ps}/{job}/{hash}/",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Cisco CI",
            "cisco_cinder_ci",
            "zuul-third-party",
            (_T("cisco_zm_cinder", typical_s=2100),),
            host="http://192.133.158.2:8080",
            url="{host}/job/{job}/{build}",
            verify_status="also",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Brocade Openstack CI",
            "brocade-oss-service",
            "gerrit-trigger-star",
            (_T("brocade_fc_zone_driver_tempest_full", voting=False, typical_s=4000),),
            host="http://144.49.208.28:8000",
            url="{host}/build_logs/{date}/",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "X-IO OpenStack CI",
            "xio-ci",
            "zuul-third-party",
            (_T("xio-dsvm-tempest-iscsi", typical_s=3600),),
            host="http://xio-ci.x-io.com/logs",
            failure_headline=(
                "Build failed.  For information on how to proceed, see "
                "https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures. For 3rd party ci "
                "contact info: https://wiki.openstack.org/wiki/ThirdPartySystems/X-IO_technologies_CI"
            ),
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "IBM FlashSystem CI",
            "ibm-flashsystem-ci",
            "zuul-third-party",
            (_T("ibm-flashsystem-dsvm-tempest", typical_s=3900),),
            host="http://flashsystem-ci.ibm.com/logs",
        ),
        "SUCCESS",
    ),
    (JENKINS, "SUCCESS"),
    (
        CISystem(
            "HGST Solutions CI",
            "hgst-ci",
            "zuul-third-party",
            (_T("dsvm-tempest-hgst-cinder", typical_s=3400),),
            host="http://54.68.198.119/logs",
            success_headline=(
                "Build succeeded on HGST Solutions CI system. For more information see "
                "https://wiki.openstack.org/wiki/ThirdPartySystems/HGST_Solutions_CI"
            ),
            failure_headline=(
                "Build failed on HGST Solutions CI system. For more information see "
                "https://wiki.openstack.org/wiki/ThirdPartySystems/HGST_Solutions_CI"
            ),
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "SolidFire CI",
            "sfci",
            "gerrit-trigger-star",
            (_T("SolidFire-dsvm-full", typical_s=3000),),
            host="http://54.164.167.86/solidfire-ci-logs",
            url="{host}/refs-changes-{last2}-{n}-{ps}",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Fujitsu ETERNUS CI",
            "Fujitsu_ETERNUS_CI",
            "zuul-third-party",
            (
                _T("fujitsu-eternus-dx-iscsi", typical_s=6600, fail_rate=0.05),
                _T("fujitsu-eternus-dx-fc", typical_s=6300, fail_rate=0.05),
            ),
            host="http://openstackci.jp.fujitsu.com/Eternusci",
            url="{host}/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}",
            success_headline=(
                "Build succeeded\n  - For information of Fujitsu ETERNUS CI, see:\n"
                "    https://wiki.openstack.org/wiki/ThirdPartySystems/Fujitsu_ETERNUS_CI"
            ),
            failure_headline=(
                "Build failed\n  - For information of Fujitsu ETERNUS CI, see:\n"
                "    https://wiki.openstack.org/wiki/ThirdPartySystems/Fujitsu_ETERNUS_CI"
            ),
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Tintri CI",
            "tintri-ci",
            "gerrit-trigger-star",
            (_T("tintri-dsvm-tempest-full", typical_s=3300),),
            host="http://openstack-ci.tintri.com/tintri/logs",
            url="{host}/refs-changes-{last2}-{n}-{ps}/",
            duration_style="none",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "NetApp CI",
            "netapp-ci",
            "zuul-third-party",
            (
                _T("cinder-cDOT-NFS", typical_s=4100),
                _T("cinder-cDOT-iSCSI", typical_s=4000),
                _T("cinder-eseries-iSCSI", typical_s=3800),
                _T("cinder-cDOT-FC", voting=False, typical_s=4200, fail_rate=0.3),
            ),
            host="http://dcf901611175aa43f968-c54047c910227e27e1d6f03bb1796fd7.r95.cf5.rackcdn.com",
            verify_status="also",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "Tegile Storage CI",
            "tegile-ci",
            "zuul-third-party",
            (
                _T("tegile-dsvm-tempest-iscsi", typical_s=3700),
                _T("tegile-dsvm-tempest-fc", typical_s=3600),
            ),
            host="http://38.95.113.137/tegile-ci",
            recheck="run tegile",
            success_headline="Build succeeded. To re-run, leave a comment with 'run tegile'.",
            failure_headline="Build failed. To re-run, leave a comment with 'run tegile'.",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "IBM XIV CI",
            "ibm-xiv-ci",
            "zuul-third-party",
            (_T("xiv-ds8k-dsvm-tempest", typical_s=4200),),
            host="http://xiv-ci.ibm.com/logs",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Violin Memory V6000 CI",
            "vmem-ci",
            "zuul-third-party",
            (_T("dsvm-tempest-vmem-cinder-v7000_fcp", typical_s=3500),),
            host="http://logstack.vmem.com",
            url="{host}/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Coho Data Storage CI",
            "coho-ci",
            "zuul-third-party",
            (_T("coho-dsvm-tempest-nfs", typical_s=3200),),
            host="http://coho-ci-logs.cohodata.com",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Microsoft ISCSI CI",
            "hyper-v-ci",
            "zuul-third-party",
            (_T("cinder-hyperv-iscsi", typical_s=5400), _T("cinder-hyperv-smb3", typical_s=5200)),
            host="http://64.119.130.115/cinder",
            verify_status="also",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "HPE Storage CI",
            "hpe-storage-ci",
            "zuul-third-party",
            (_T("hpe-3par-iscsi-dsvm", typical_s=4300), _T("hpe-3par-fc-dsvm", typical_s=4400)),
            host="http://15.126.198.151/hpe-storage-ci",
            recheck="run-HPE Storage CI",
            success_headline="Build succeeded. To recheck, comment 'run-HPE Storage CI'.",
            failure_headline="Build failed. To recheck, comment 'run-HPE Storage CI'.",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "Datera CI",
            "datera-ci",
            "gerrit-trigger-star",
            (_T("datera-dsvm-full", typical_s=3100),),
            host="http://stkci.daterainc.com/logs",
            url="{host}/refs-changes-{last2}-{n}-{ps}/",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Mellanox CI",
            "mellanox",
            "zuul-third-party",
            (_T("Cinder-ISER-ISCSI", typical_s=2800), _T("Cinder-ISER-LIO", typical_s=2700)),
            host="http://144.76.193.39/ci-artifacts",
            url="{host}/{n}/{ps}/{job}",
            success_headline=(
                "Build succeeded. To rerun the jobs, comment 'recheck cinder-mlnx'. "
                "For more info visit https://wiki.openstack.org/wiki/ThirdPartySystems/Mellanox_CI"
            ),
            failure_headline=(
                "Build failed. To rerun the jobs, comment 'recheck cinder-mlnx'. "
                "For more info visit https://wiki.openstack.org/wiki/ThirdPartySystems/Mellanox_CI"
            ),
            recheck="recheck cinder-mlnx",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "EMC XIO CI",
            "emc-xio-ci",
            "zuul-third-party",
            (
                _T("EMC_XtremIO_FC", typical_s=2970),
                _T("EMC_XtremIO_iSCSI", typical_s=2900),
                _T("EMC_XtremIO_FC_multipath", voting=False, typical_s=3100, fail_rate=0.2),
            ),
            host="http://publiclogs.emc.com/xio_ostack",
            url="{host}/{job}/{build}",
            success_headline="Build succeed.",
            failure_headline="Build failed.",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Dell Storage CI",
            "dell-storage-ci",
            "gerrit-trigger-star",
            (_T("dell-sc-iscsi-dsvm", typical_s=3300), _T("dell-sc-fc-dsvm", typical_s=3200)),
            host="http://dellstorageci.dell.com/logs",
            url="{host}/{last2}/{n}/{ps}/{job}/{hash}/",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Nexenta CI",
            "nexenta-ci",
            "gerrit-trigger-star",
            (
                _T("nexenta-ns4-iscsi", typical_s=1734),
                _T("nexenta-ns4-nfs", typical_s=1800),
                _T("nexenta-ns5-iscsi", typical_s=2100),
                _T("nexenta-ns5-nfs", typical_s=2200),
            ),
            host="http://140.174.232.106/logs",
            url="{host}/{n}/{ps}/{job}/{hash}/",
            duration_style="minutes",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "ZadaraStorage VPSA CI",
            "zadara",
            "zuul-third-party",
            (_T("dsvm-tempest-zadara-driver", voting=False, typical_s=330, fail_rate=0.3),),
            host="http://openstack-ci-logs.zadarastorage.com",
            url="{host}/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}",
            recheck="run-ZadaraStorage VPSA CI",
            success_headline=(
                "Build succeeded (check pipeline). Use run-ZadaraStorage VPSA CI to recheck. For "
                "information, see https://wiki.openstack.org/wiki/ThirdPartySystems/ZadaraStorage_VPSA_CI."
            ),
            failure_headline=(
                "Build failed (check pipeline). Use run-ZadaraStorage VPSA CI to recheck. For "
                "information, see https://wiki.openstack.org/wiki/ThirdPartySystems/ZadaraStorage_VPSA_CI."
            ),
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Synology DSM CI",
            "synology-ci",
            "zuul-third-party",
            (_T("synology-dsvm-tempest-iscsi", typical_s=3000),),
            host="http://synologyci.synology.com/logs",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "FalconStor CI",
            "falconstor-ci",
            "zuul-third-party",
            (_T("dsvm-cinder-fss-iscsi", typical_s=2900),),
            host="http://openstack.falconstor.com",
            url="{host}/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}",
            duration_style="none",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Nexenta Edge CI",
            "nexenta-edge-ci",
            "gerrit-trigger-star",
            (_T("nexenta-edge-iscsi", typical_s=6557, fail_rate=0.3),),
            host="http://140.174.232.107/logs",
            url="{host}/{n}/{ps}/{job}/{hash}/",
            duration_style="minutes",
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "Vedams HP Driver CI",
            "vedams-hp-ci",
            "zuul-third-party",
            (_T("vedams-hp-lefthand-dsvm", typical_s=3500),),
            host="http://vedams-ci.vedams.com/logs",
            failure_headline=(
                "Build failed.  For information on how to proceed, see "
                "https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures. For 3rd party ci "
                "contact info: https://wiki.openstack.org/wiki/ThirdPartySystems/Vedams_HP_Driver_CI"
            ),
        ),
        "FAILURE",
    ),
    (
        CISystem(
            "Hitachi HBSD2 CI",
            "hitachi-hbsd2-ci",
            "zuul-third-party",
            (_T("hbsd2-dsvm-tempest-fc", typical_s=3900),),
            host="http://hbsd-ci.hitachi.co.jp/logs",
        ),
        "SUCCESS",
    ),
    (
        CISystem(
            "Oracle ZFSSA CI",
            "oracle-zfssa-ci",
            "gerrit-trigger-star",
            (_T("oracle-zfssa-dsvm-iscsi", typical_s=3000),),
            host="https://openstackci.oracle.com/zfssa_ci",
            url="{host}/refs-changes-{last2}-{n}-{ps}-iscsi",
            duration_style="none",
        ),
        "SUCCESS",
    ),
]

# CIs that report only through verify-status on cinder (no comment at all).
VERIFY_ONLY_CIS: list[CISystem] = [
    CISystem(
        "Pure Storage CI",
        "purestorage-cinder-ci",
        "zuul-third-party",
        (
            _T("PureISCSIDriver-tempest-dsvm-xenial-aio-multipath-chap", typical_s=3135),
            _T("PureFCDriver-tempest-dsvm-xenial-aio-multipath", typical_s=2473),
        ),
        host="http://openstack-logs.purestorage.com",
        verify_status="only",
    ),
    CISystem(
        "Infortrend CI",
        "infortrend-ci",
        "zuul-third-party",
        (_T("infortrend-dsvm-tempest-iscsi", typical_s=3300),),
        host="http://infortrend-ci.infortrend.com/logs",
        verify_status="only",
    ),
]

# Nova-side third-party CIs (the driver-log dashboard rows in SEED.md).
NOVA_CIS: list[CISystem] = [
    CISystem(
        "IBM PowerKVM CI",
        "powerkvm",
        "zuul-third-party",
        (_T("tempest-dsvm-full-xenial", typical_s=4310),),
        host="http://dal05.objectstorage.softlayer.net/v1/AUTH_3d8e6ecb-f597-448c-8ec2-164e9f710dd6/pkvmci/nova",
        recheck="pkvm: recheck",
        success_headline=(
            "Build succeeded. Test completed on IBM PowerKVM platform. For rechecking only on the "
            "IBM PowerKVM CI, add a review comment with pkvm: recheck. For contact and more "
            "information, see https://wiki.openstack.org/wiki/PowerKVM"
        ),
        failure_headline=(
            "Build failed. Test completed on IBM PowerKVM platform. For rechecking only on the "
            "IBM PowerKVM CI, add a review comment with pkvm: recheck. For contact and more "
            "information, see https://wiki.openstack.org/wiki/PowerKVM"
        ),
    ),
    CISystem(
        "Hyper-V CI",
        "hyper-v-nova-ci",
        "zuul-third-party",
        (_T("nova-hyperv-tempest", typical_s=5000),),
        host="http://64.119.130.115/nova",
        verify_status="also",
    ),
    CISystem(
        "XenServer CI",
        "citrix_xenserver_ci",
        "zuul-third-party",
        (_T("dsvm-tempest-xen", typical_s=4600, fail_rate=0.15),),
        host="http://dd6b71949550285df7dc-dda4e480e005aaa13ec303551d2d8155.r49.cf1.rackcdn.com",
        vote_label="Verified",
    ),
    CISystem(
        "Virtuozzo Storage CI",
        "virtuozzo-ci",
        "gerrit-trigger-star",
        (_T("vz-nova-dsvm-tempest", typical_s=5100, fail_rate=0.2),),
        host="http://fg-ci.virtuozzo.com/logs",
        url="{host}/{n}/{ps}/{job}/{hash}/",
        recheck="run-Virtuozzo Storage CI",
        duration_style="minutes",
    ),
]

# Other ecosystems living on the same emulated server (one project each).
GERRITFORGE_CI = CISystem(
    "GerritForge CI",
    "gerritforge",
    "gerritforge-ci",
    (
        _T("bazel/notedb", typical_s=1500),
        _T("bazel/reviewdb", typical_s=1400),
        _T("polygerrit", typical_s=900),
    ),
    host="https://gerrit-ci.gerritforge.com",
    url="{host}/job/Gerrit-verifier-bazel/{build}/console",
    tag="autogenerated:gerrit-ci:addVerified",
)
WIKIMEDIA_JENKINS_BOT = CISystem(
    "jenkins-bot",
    "jenkins-bot",
    "wikimedia-zuul",
    (
        _T("mwgate-php74-phan-docker", typical_s=115),
        _T("mwgate-node14-docker", typical_s=182),
        _T("quibble-vendor-mysql-php74-docker", typical_s=750),
        _T("tox-py39-sqlite-docker", voting=False, typical_s=73, fail_rate=0.3),
    ),
    host="https://integration.wikimedia.org/ci",
    url="{host}/job/{job}/{build}/console",
)
LUCI_CQ = CISystem(
    "Chromium LUCI CQ",
    "chromium-luci-cq",
    "luci-cq",
    (_T("chromium/try/linux-rel"), _T("chromium/try/win-rel"), _T("chromium/try/mac-rel")),
)
TREEHUGGER = CISystem(
    "Treehugger Robot",
    "treehugger-robot",
    "treehugger",
    (
        _T("aosp-master/aosp_arm64-eng"),
        _T("aosp-master/aosp_x86-eng"),
        _T("git_master/marlin-userdebug"),
    ),
)
LF_JENKINS = CISystem(
    "Jenkins CI",
    "lf-jenkins",
    "gerrit-trigger",
    (
        _T("lf-infra-global-jjb-tox-verify-any", typical_s=600),
        _T("lf-infra-global-jjb-rtd-verify-any", typical_s=400),
        _T("lf-infra-sonar", voting=False, typical_s=900, fail_rate=0.4),
    ),
    host="https://jenkins.opendaylight.org/releng",
    url="{host}/job/{job}/{build}/",
    vote_label="Verified",
)
OVIRT_JENKINS = CISystem(
    "oVirt Jenkins CI",
    "ovirt-jenkins",
    "gerrit-trigger",
    (
        _T("ovirt-engine_4.1_check-patch-el7-x86_64", typical_s=1800),
        _T("ovirt-engine_4.1_check-patch-fc24-x86_64", typical_s=1900),
    ),
    host="http://jenkins.ovirt.org",
    url="{host}/job/{job}/{build}/",
    vote_label="Continuous-Integration",
)

# ------------------------------------------------------------------ people

SEED_OWNER = ("eharney", "Eric Harney", "eharney@redhat.com")
SEED_REVIEWERS = [
    ("vladani", "Vijay Ladani", "vladani@example.com"),
    ("geguileo", "Gorka Eguileor", "geguileo@redhat.com"),
]
DEFAULT_REVIEWER = ("smcginnis", "Sean McGinnis", "sean.mcginnis@gmail.com")
ADMIN = ("admin", "Administrator", "admin@example.com")

HUMANS = [
    ("jgriffith", "John Griffith", "john.griffith8@gmail.com"),
    ("e0ne", "Ivan Kolodyazhny", "e0ne@e0ne.info"),
    ("jbernard", "Jon Bernard", "jobernar@redhat.com"),
    ("xyang", "Xing Yang", "xing.yang@emc.com"),
    ("whoami-rajat", "Rajat Dhasmana", "rajatdhasmana@gmail.com"),
    ("rosmaita", "Brian Rosmaita", "rosmaita.fossdev@gmail.com"),
    ("jungleboyj", "Jay Bryant", "jungleboyj@gmail.com"),
    ("mriedem", "Matt Riedemann", "mriedem.os@gmail.com"),
    ("sfinucan", "Stephen Finucane", "stephenfin@redhat.com"),
    ("melwitt", "melanie witt", "melwittt@gmail.com"),
    ("gibi", "Balazs Gibizer", "gibi@redhat.com"),
    ("slaweq", "Slawek Kaplonski", "skaplons@redhat.com"),
    ("amotoki", "Akihiro Motoki", "amotoki@gmail.com"),
    ("ralonsoh", "Rodolfo Alonso", "ralonsoh@redhat.com"),
    ("dstanek", "David Stanek", "dstanek@dstanek.com"),
    ("lbragstad", "Lance Bragstad", "lbragstad@gmail.com"),
    ("notmyname", "John Dickinson", "me@not.mn"),
    ("timburke", "Tim Burke", "tim.burke@gmail.com"),
    ("abhishekk", "Abhishek Kekane", "akekane@redhat.com"),
    ("jokke", "Erno Kuvaja", "jokke@usr.fi"),
    ("vkmc", "Victoria Martinez de la Cruz", "victoria@redhat.com"),
    ("zaneb", "Zane Bitter", "zbitter@redhat.com"),
    ("dtantsur", "Dmitry Tantsur", "dtantsur@protonmail.com"),
    ("johnsom", "Michael Johnson", "johnsomor@gmail.com"),
    ("hokafor", "Hannah Okafor", "hannah.okafor@example.com"),
    ("npetrova", "Nadia Petrova", "nadia.petrova@example.com"),
    ("shaddad", "Samir Haddad", "samir.haddad@example.com"),
    ("twierzbicki", "Tomasz Wierzbicki", "tomasz.w@example.com"),
    ("rmendes", "Rafael Mendes", "rafael.mendes@example.com"),
    ("draghunathan", "Dev Raghunathan", "dev.r@example.com"),
]

OPENSTACK_PROJECTS = [
    "openstack/cinder",
    "openstack/nova",
    "openstack/neutron",
    "openstack/glance",
    "openstack/keystone",
    "openstack/swift",
    "openstack/horizon",
    "openstack/heat",
    "openstack/ironic",
    "openstack/manila",
    "openstack/os-brick",
    "openstack/python-cinderclient",
]
ZUUL_V3_PROJECTS = ["openstack/octavia", "openstack/designate"]

SUBJECTS = [
    "Fix {thing} when the backend returns an empty list",
    "Add {thing} support to the {area} driver",
    "Remove deprecated {thing} option",
    "Use oslo.utils for {thing}",
    "Handle {thing} timeout in {area}",
    "Refactor {area} {thing} handling",
    "Add unit tests for {thing}",
    "Update {thing} documentation",
    "[api-ref] Fix {thing} parameters",
    "Log a warning when {thing} is missing",
    "Make {area} {thing} configurable",
    "Drop Python 2.7 support from {area}",
    "Replace six with native {thing} calls",
    "Switch {area} to the new {thing} API",
]
THINGS = [
    "volume attach",
    "snapshot delete",
    "multiattach",
    "quota",
    "replication",
    "backup",
    "migration",
    "retype",
    "consistency group",
    "image upload",
    "QoS specs",
    "encryption",
    "multipath",
    "iSCSI CHAP",
    "capacity reporting",
    "thin provisioning",
    "RBD clone",
    "policy check",
    "microversion",
    "config drive",
    "port binding",
    "security group",
    "token revocation",
    "object expiry",
    "dashboard panel",
    "stack update",
    "node cleaning",
]
AREAS = [
    "LVM",
    "RBD",
    "NFS",
    "volume manager",
    "scheduler",
    "API",
    "compute",
    "conductor",
    "libvirt",
    "L3 agent",
    "ML2",
    "identity",
    "proxy server",
    "share manager",
    "baremetal",
]
