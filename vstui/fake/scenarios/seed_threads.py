"""Inline comment threads of the seed world (the reviews SEED.md tells as change messages).

Gorka's unit-test request on 381272 is an inline thread on the migration code the change
touches; the owner answers it when patch set 2 adds the test. A few other changes get short
threads too. The files' text is registered so a client can show the lines around a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vstui.fake.comments import CommentInput, comments_of
from vstui.fake.file_content import set_content
from vstui.fake.model import Change
from vstui.fake.store import GerritStore

MANAGER = "cinder/volume/manager.py"
MIGRATION_TEST = "cinder/tests/unit/volume/test_volume_migration.py"
SEED_FILES_PS1 = [(MANAGER, "MODIFIED", 18, 4)]
SEED_FILES_PS2 = [(MANAGER, "MODIFIED", 18, 4), (MIGRATION_TEST, "ADDED", 41, 0)]

# The part of cinder's volume manager the change is about (lines 1-40 of the file shown).
MANAGER_TEXT = '''\
"""Volume manager manages creating, attaching, detaching, and persistent storage."""

from oslo_log import log as logging

from cinder import exception
from cinder.i18n import _
from cinder import objects
from cinder.volume import volume_utils

LOG = logging.getLogger(__name__)


class VolumeManager(object):
    """Manages attachable block storage devices."""

    def _migrate_volume_generic(self, ctxt, volume, backend, new_type_id):
        new_vol_values = {k: volume[k] for k in set(volume.keys()) - self._VOLUME_CLONE_SKIP_PROPERTIES}
        if new_type_id:
            new_vol_values['volume_type_id'] = new_type_id
            if volume_utils.volume_types_encryption_changed(
                    ctxt, volume.volume_type_id, new_type_id):
                encryption_key_id = volume_utils.create_encryption_key(
                    ctxt, self.key_manager, new_type_id)
                new_vol_values['encryption_key_id'] = encryption_key_id
        elif volume.encryption_key_id:
            # Clone the key: the source volume's key is deleted with it.
            new_vol_values['encryption_key_id'] = volume_utils.clone_encryption_key(
                ctxt, self.key_manager, volume.encryption_key_id)

        dst_service = self._get_service(backend['host'])
        new_volume = objects.Volume(
            context=ctxt,
            host=backend['host'],
            cluster_name=backend.get('cluster_name'),
            status='creating',
            attach_status=objects.fields.VolumeAttachStatus.DETACHED,
            migration_status='target:%s' % volume['id'],
            **new_vol_values
        )
        new_volume.create()
        LOG.debug("Migrating volume %s to %s", volume.id, dst_service)
        return new_volume
'''

TEST_TEXT = '''\
"""Tests for volume migration of encrypted volumes."""

from unittest import mock

from cinder.tests.unit import test
from cinder.volume import manager


class MigrationEncryptionTestCase(test.TestCase):

    @mock.patch('cinder.volume.volume_utils.clone_encryption_key')
    def test_migrate_volume_generic_clones_key(self, clone_key):
        clone_key.return_value = 'new-key-id'
        volume = self._create_volume(encryption_key_id='old-key-id')
        new_volume = self.manager._migrate_volume_generic(
            self.context, volume, {'host': 'dest'}, None)
        clone_key.assert_called_once_with(
            self.context, self.manager.key_manager, 'old-key-id')
        self.assertEqual('new-key-id', new_volume.encryption_key_id)
'''

CommentsFn = Callable[[Change], Sequence[CommentInput]]


def register_seed_files(store: GerritStore, number: int) -> None:
    set_content(store, number, MANAGER, MANAGER_TEXT)
    set_content(store, number, MIGRATION_TEST, TEST_TEXT + "\n" * 20)


def _find(store: GerritStore, change: Change, prefix: str) -> str | None:
    for c in comments_of(store, change):
        if c.message.startswith(prefix):
            return c.id
    return None


def vijay_comments(_change: Change) -> list[CommentInput]:
    return [
        CommentInput(
            MANAGER,
            28,
            None,
            None,
            "Should this also handle a key manager that is unavailable? clone_encryption_key "
            "raises and the migration is left half done.",
            True,
            None,
        )
    ]


def gorka_comments(_change: Change) -> list[CommentInput]:
    return [
        CommentInput(
            MANAGER,
            27,
            {"start_line": 27, "start_character": 12, "end_line": 28, "end_character": 65},
            None,
            "This is the fix, but nothing tests it: please add a unit test that migrates an "
            "encrypted volume and checks the new volume gets a cloned key, not the source's "
            "key id. We regressed here twice already.",
            True,
            None,
        ),
        CommentInput(
            MANAGER,
            41,
            None,
            None,
            "nit: log the new encryption key id here too (at debug level), it helps when "
            "chasing a lost key.",
            True,
            None,
        ),
    ]


def owner_replies(store: GerritStore) -> CommentsFn:
    def make(change: Change) -> list[CommentInput]:
        out: list[CommentInput] = []
        gorka = _find(store, change, "This is the fix, but nothing tests it")
        if gorka is not None:
            out.append(
                CommentInput(
                    MANAGER,
                    27,
                    None,
                    gorka,
                    "Done: test_migrate_volume_generic_clones_key in patch set 2.",
                    False,
                    None,
                )
            )
        vijay = _find(store, change, "Should this also handle a key manager")
        if vijay is not None:
            out.append(
                CommentInput(
                    MANAGER,
                    28,
                    None,
                    vijay,
                    "Good point; the generic path has the same problem today, I'd rather fix "
                    "that in a follow-up. Thoughts?",
                    None,
                    None,
                )
            )
        return out

    return make


def review_comments(number: int, path: str) -> CommentsFn | None:
    """Inline comments for some of the other changes' reviews (every 4th change)."""
    if number % 4:
        return None

    def make(_change: Change) -> list[CommentInput]:
        return [
            CommentInput(
                path,
                12 + number % 30,
                None,
                None,
                "Could this use the existing helper instead of a new one?",
                number % 8 == 0,
                None,
            )
        ]

    return make
