# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/backup: the guide's paths, archives, retention, safe extraction, restore comparison.

Archives are real tar.gz files made in throwaway folders; the CLI's answers
are recordings of the real ``openclaw backup`` of 2026.9.6 and 2026.6.5
(``tests/unit/fixtures/cli/<version>/backup_*.json``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import io
import json
import os
import re
import sqlite3
import tarfile
import time

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import backup
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

VERSIONS = ('2026.9.6', '2026.6.5')
HOUR = 3600


put = helpers.put


def age_tree(root, seconds):
    """Move every entry under root ``seconds`` into the past (folders too)."""
    stamp = time.time() - seconds
    for folder, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            os.utime(os.path.join(folder, name), (stamp, stamp), follow_symlinks=False)
    os.utime(str(root), (stamp, stamp))


@pytest.fixture
def state(tmp_path):
    """A state folder as a Gateway host has it (2026.6 layout: identity and devices as files)."""
    root = tmp_path / 'home' / '.openclaw'
    put(root / 'openclaw.json', '{"gateway": {"mode": "local"}}\n')
    put(root / 'workspace' / 'AGENTS.md', '# Agents\n', mode=0o644)
    put(root / 'workspace' / 'memory' / '2026-11-28.md', 'Watered the plant.\n', mode=0o644)
    put(root / 'workspace' / 'node_modules' / 'left' / 'index.js', 'left out\n')
    put(root / 'workspace-coder' / 'NOTES.md', 'coder notes\n')
    put(root / 'memory' / 'index.json', '{}\n')
    put(root / 'credentials' / 'telegram-allowFrom.json', '{"allowFrom": ["1"]}\n')
    put(root / 'agents' / 'main' / 'agent' / 'auth-profiles.json', '{"profiles": {}}\n')
    put(root / 'agents' / 'main' / 'sessions' / 'a.jsonl', '{}\n')
    put(root / 'skills' / 'plant-care' / 'SKILL.md', '---\nname: plant-care\n---\n', mode=0o644)
    put(root / 'identity' / 'device.json', '{"deviceId": "abc", "privateKeyPem": "not real"}\n')
    put(root / 'devices' / 'paired.json', '{}\n')
    put(root / 'logs' / 'openclaw.log', 'ready\n')
    os.symlink('AGENTS.md', str(root / 'workspace' / 'CLAUDE.md'))
    os.chmod(str(root), 0o700)
    age_tree(root, 2 * HOUR)
    return root


@pytest.fixture
def backups(tmp_path):
    folder = tmp_path / 'backups'
    folder.mkdir(mode=0o700)
    return folder


def members(path):
    with tarfile.open(str(path), 'r:gz') as tar:
        return [member.name for member in tar.getmembers()]


def rewrite(path, change):
    """Rewrite an archive through ``change(name, data) -> data`` (valid gzip, new content)."""
    with tarfile.open(str(path), 'r:gz') as tar:
        items = [(member, tar.extractfile(member).read() if member.isfile() else None) for member in tar.getmembers()]
    with tarfile.open(str(path), 'w:gz', format=tarfile.PAX_FORMAT) as tar:
        for member, data in items:
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))
            else:
                tar.addfile(member)


def evil_archive(path, entries):
    """A tar.gz with the given ``(TarInfo, data)`` entries."""
    with tarfile.open(str(path), 'w:gz') as tar:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return path


info = helpers.tar_entry


# --------------------------------------------------------------------------
# Versions, names, retention
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version, create, restore', [
    ('2026.9.6', True, True), ('2026.6.5', True, False), ('2026.6.4', False, False),
    ('2026.10.1', True, True), ('v2026.9.6-beta.1', True, True), (None, False, False), ('garbage', False, False)])
def test_cli_commands_by_version(version, create, restore):
    assert backup.cli_has(version, 'create') is create
    assert backup.cli_has(version, 'verify') is create
    assert backup.cli_has(version, 'restore') is restore


@pytest.mark.parametrize('version', VERSIONS)
def test_archive_names_have_openclaws_form(version):
    recorded = json.loads(helpers.recording(version, 'backup_create')['stdout'])
    pattern = r'^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}[+-]\d{2}-\d{2}-openclaw-backup\.tar\.gz$'
    assert re.match(pattern, os.path.basename(recorded['archivePath']))
    ours = backup.archive_name(1796036903.643)
    assert ours == '2026-11-30T11-08-23.643+00-00-openclaw-backup.tar.gz'
    assert re.match(pattern, ours)
    assert backup.parse_iso(recorded['createdAt']) == pytest.approx(
        backup.parse_iso(recorded['archiveRoot'][:10] + 'T' + recorded['archiveRoot'][11:23].replace('-', ':', 2)
                         + 'Z'))


def test_parse_iso_reads_offsets():
    assert backup.parse_iso('2026-11-30T10:48:23.643Z') == pytest.approx(1796035703.643)
    assert backup.parse_iso('2026-11-30T11:48:23.643+01:00') == pytest.approx(1796035703.643)
    assert backup.parse_iso('yesterday') is None


def test_list_archives_counts_only_archives_newest_first(backups):
    old = put(backups / '2026-11-01T03-15-00.000+00-00-openclaw-backup.tar.gz', age=10 * HOUR)
    new = put(backups / '2026-11-02T03-15-00.000+00-00-openclaw-backup.tar.gz', age=1 * HOUR)
    put(backups / 'notes.txt')
    put(backups / 'openclaw-state-20261101.tar.gz')
    put(backups / '.2026-11-03T03-15-00.000+00-00-openclaw-backup.tar.gz.x.partial')
    os.symlink(str(old), str(backups / 'latest-openclaw-backup.tar.gz'))
    found = backup.list_archives(str(backups))
    assert [item['path'] for item in found] == [str(new), str(old)]
    assert found[0]['mode'] == '0600'
    assert backup.list_archives(str(backups / 'missing')) == []


def test_select_prune_keeps_the_newest():
    rows = [{'path': str(index)} for index in range(5)]
    kept, pruned = backup.select_prune(rows, 3)
    assert [row['path'] for row in kept] == ['0', '1', '2']
    assert [row['path'] for row in pruned] == ['3', '4']
    assert backup.select_prune(rows[:2], 7) == (rows[:2], [])
    with pytest.raises(backup.BackupError, match='keep must be 1 or more'):
        backup.select_prune(rows, 0)


def test_backup_folder_inside_the_state_folder_is_refused(state, tmp_path):
    with pytest.raises(backup.BackupError, match='inside the OpenClaw state folder'):
        backup.check_outside_state(str(state / 'backups'), str(state), 'The backup folder')
    with pytest.raises(backup.BackupError, match='or holds it'):
        backup.check_outside_state(str(state.parent), str(state), 'The backup folder')
    link = tmp_path / 'innocent'
    os.symlink(str(state / 'workspace'), str(link))
    with pytest.raises(backup.BackupError, match='inside the OpenClaw state folder'):
        backup.check_outside_state(str(link / 'backups'), str(state), 'The backup folder')
    backup.check_outside_state(str(tmp_path / 'backups'), str(state), 'The backup folder')


def test_guide_paths_leave_out_identity_and_sessions(state):
    assert backup.guide_paths(str(state)) == [
        'agents/main/agent', 'credentials', 'memory', 'openclaw.json', 'skills', 'workspace', 'workspace-coder']
    assert backup.guide_paths(str(state), include_workspace=False) == [
        'agents/main/agent', 'credentials', 'memory', 'openclaw.json', 'skills']


# --------------------------------------------------------------------------
# This module's own archive, and checking it
# --------------------------------------------------------------------------

def test_archive_holds_the_guides_paths_without_identity(state, backups):
    made = backup.create_archive(str(state), str(backups), '2026.5.1')
    path = made['archivePath']
    assert os.path.dirname(path) == str(backups)
    assert oct(os.stat(path).st_mode & 0o777) == '0o600'
    assert os.listdir(str(backups)) == [os.path.basename(path)]
    root = made['archiveRoot']
    prefix = root + '/payload/posix' + str(state)
    names = members(path)
    assert names[-1] == root + '/manifest.json'
    for rel in ('openclaw.json', 'workspace/AGENTS.md', 'workspace/memory/2026-11-28.md', 'workspace/CLAUDE.md',
                'workspace-coder/NOTES.md', 'memory/index.json', 'credentials/telegram-allowFrom.json',
                'agents', 'agents/main', 'agents/main/agent/auth-profiles.json', 'skills/plant-care/SKILL.md'):
        assert prefix + '/' + rel in names, rel
    for name in names:
        assert '/identity' not in name and '/devices' not in name, name
        assert '/sessions' not in name and '/logs' not in name and 'node_modules' not in name, name
    with tarfile.open(path, 'r:gz') as tar:
        manifest = json.loads(tar.extractfile(root + '/manifest.json').read().decode('utf-8'))
        link = tar.getmember(prefix + '/workspace/CLAUDE.md')
    assert link.issym() and link.linkname == 'AGENTS.md'
    assert manifest['schemaVersion'] == 1
    assert manifest['runtimeVersion'] == '2026.5.1'
    assert manifest['createdBy'] == 'clawfleet.openclaw'
    assert manifest['assets'] == [{'kind': 'state', 'sourcePath': str(state), 'archivePath': prefix}]
    skipped = sorted(item['sourcePath'] for item in manifest['skipped'])
    assert skipped == [str(state / 'devices'), str(state / 'identity')]
    assert len(manifest['files']) == 8
    checked = backup.check_archive(path)
    assert checked['ok'], checked['errors']
    assert checked['runtimeVersion'] == '2026.5.1'


def test_no_half_archive_is_left_when_the_state_folder_is_not_openclaws(tmp_path, backups):
    empty = tmp_path / 'not-openclaw'
    (empty / 'workspace').mkdir(parents=True)
    with pytest.raises(backup.BackupError, match='has no openclaw.json'):
        backup.create_archive(str(empty), str(backups))
    assert os.listdir(str(backups)) == []


def test_archive_inside_the_state_folder_is_refused(state):
    with pytest.raises(backup.BackupError, match='inside the OpenClaw state folder'):
        backup.create_archive(str(state), str(state / 'workspace'))


def test_flipped_bytes_are_caught(state, backups):
    path = backup.create_archive(str(state), str(backups))['archivePath']
    data = bytearray(open(path, 'rb').read())
    for index in range(len(data) // 2, len(data) // 2 + 16):
        data[index] ^= 0xFF
    open(path, 'wb').write(bytes(data))
    checked = backup.check_archive(path)
    assert not checked['ok']
    assert checked['errors'][0].startswith('the archive cannot be read to its end')


def test_truncated_archive_is_caught(state, backups):
    path = backup.create_archive(str(state), str(backups))['archivePath']
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:len(data) // 2])
    assert not backup.check_archive(path)['ok']


def test_changed_payload_fails_its_sha256(state, backups):
    path = backup.create_archive(str(state), str(backups))['archivePath']
    rewrite(path, lambda name, data: b'{"gateway": {"mode": "remote"}}\n' if name.endswith('/openclaw.json') else data)
    checked = backup.check_archive(path)
    assert not checked['ok']
    assert checked['errors'] == ['%s does not match its SHA-256 in the manifest'
                                 % [name for name in members(path) if name.endswith('/openclaw.json')][0]]


def test_archive_without_manifest_is_caught(tmp_path):
    path = evil_archive(tmp_path / 'a.tar.gz', [(info('root/payload/posix/x'), b'x')])
    assert 'expected exactly one manifest.json at the archive root, found 0' in backup.check_archive(str(path))['errors']


@pytest.mark.parametrize('entry, problem', [
    (info('../escape.txt'), 'a ".." step'),
    (info('/etc/cron.d/evil'), 'an absolute path'),
    (info('root/payload/hard', tarfile.LNKTYPE, 'root/manifest.json'), 'hard link'),
    (info('root/payload/dev', tarfile.CHRTYPE), 'a device or pipe'),
])
def test_unsafe_entries_are_refused_and_nothing_leaves_the_staging_folder(tmp_path, entry, problem):
    manifest = json.dumps({'schemaVersion': 1, 'archiveRoot': 'root', 'assets': []}).encode('utf-8')
    path = evil_archive(tmp_path / 'evil.tar.gz',
                        [(info('root/manifest.json'), manifest), (entry, b'evil' if entry.isfile() else None)])
    checked = backup.check_archive(str(path))
    assert not checked['ok']
    assert any(problem in error for error in checked['errors']), checked['errors']
    staging = tmp_path / 'deep' / 'staging'
    staging.mkdir(parents=True)
    before = sorted(os.listdir(str(tmp_path)))
    with pytest.raises(backup.BackupError, match='failed its check, nothing was extracted'):
        backup.safe_extract(str(path), str(staging))
    assert os.listdir(str(staging)) == []
    assert sorted(os.listdir(str(tmp_path))) == before


def test_safe_extract_restores_content_modes_and_links(state, backups, tmp_path):
    path = backup.create_archive(str(state), str(backups))['archivePath']
    staging = tmp_path / 'staging'
    staging.mkdir()
    backup.safe_extract(path, str(staging))
    root, manifest = backup.read_manifest(str(staging))
    restored = staging / root / 'payload' / 'posix' / str(state).lstrip('/')
    assert (restored / 'workspace' / 'AGENTS.md').read_text() == '# Agents\n'
    assert os.stat(str(restored / 'workspace' / 'AGENTS.md')).st_mode & 0o777 == 0o644
    assert os.stat(str(restored / 'openclaw.json')).st_mode & 0o777 == 0o600
    assert os.stat(str(restored)).st_mode & 0o777 == 0o700
    assert os.readlink(str(restored / 'workspace' / 'CLAUDE.md')) == 'AGENTS.md'
    assert not (restored / 'identity').exists()
    with pytest.raises(backup.BackupError, match='not empty'):
        backup.safe_extract(path, str(staging))


def test_links_leading_outside_the_archive_are_listed_and_never_created(state, backups, tmp_path):
    outside = tmp_path / 'opt' / 'browser-automation'
    outside.mkdir(parents=True)
    path = backup.create_archive(str(state), str(backups))['archivePath']
    links = {'plugin-skills/browser-automation': str(outside), 'plugin-skills/up': '../' * 40 + 'opt'}
    helpers.add_links_outside(path, state, links, file_below=True)
    checked = backup.check_archive(path)
    assert checked['ok'], checked['errors']
    root = checked['archiveRoot']
    assert sorted(checked['outsideLinks'].values()) == sorted(links.values())
    staging = tmp_path / 'staging'
    staging.mkdir()
    assert backup.safe_extract(path, str(staging))['outsideLinks'] == checked['outsideLinks']
    restored = staging / root / 'payload' / 'posix' / str(state).lstrip('/')
    assert not os.path.lexists(str(restored / 'plugin-skills' / 'up'))
    assert not os.path.islink(str(restored / 'plugin-skills' / 'browser-automation'))
    assert (restored / 'plugin-skills' / 'browser-automation' / 'SKILL.md').is_file()
    assert os.listdir(str(outside)) == []
    assert backup.links_below(checked['outsideLinks'], str(staging), str(restored)) == links


def test_a_link_outside_the_archive_is_compared_by_its_target(state, backups, tmp_path):
    made = backup.create_archive(str(state), str(backups))['archivePath']
    (state / 'plugin-skills').mkdir()
    os.symlink('/opt/openclaw/skills/browser-automation', str(state / 'plugin-skills' / 'browser-automation'))
    os.symlink('/opt/openclaw/skills/canvas', str(state / 'plugin-skills' / 'canvas'))
    put(state / 'plugin-skills' / 'notes', 'a file now\n')
    links = {'plugin-skills/browser-automation': '/opt/openclaw/skills/browser-automation',
             'plugin-skills/canvas': '/opt/openclaw/skills/old-canvas',
             'plugin-skills/notes': '/opt/openclaw/skills/notes'}
    helpers.add_links_outside(made, state, links)
    staging = tmp_path / 'staging'
    staging.mkdir()
    checked = backup.safe_extract(made, str(staging))
    root, manifest = backup.read_manifest(str(staging))
    (restored, live), = backup.restored_roots(str(staging), manifest)
    expected, unexpected = backup.compare_trees(
        restored, live, backup.backup_time_of(manifest, made), None, backup.left_out_of(manifest, live),
        backup.links_below(checked['outsideLinks'], str(staging), restored))
    assert by_path(expected)['plugin-skills/browser-automation'] == {
        'path': 'plugin-skills/browser-automation', 'kind': 'link',
        'reason': 'a link to /opt/openclaw/skills/browser-automation, outside the archive: not restored, the live '
                  'link points to the same place'}
    assert [(item['path'], item['kind']) for item in unexpected] == [
        ('plugin-skills/canvas', 'link'), ('plugin-skills/notes', 'link')]
    assert unexpected[1]['detail'] == ('the backup holds a link to /opt/openclaw/skills/notes (outside the archive, '
                                       'not restored); the live state has a file here')


# --------------------------------------------------------------------------
# Comparing a restored tree with the live state
# --------------------------------------------------------------------------

def restore(state, backups, tmp_path):
    made = backup.create_archive(str(state), str(backups))
    staging = tmp_path / 'staging'
    staging.mkdir()
    backup.safe_extract(made['archivePath'], str(staging))
    root, manifest = backup.read_manifest(str(staging))
    (restored, live), = backup.restored_roots(str(staging), manifest)
    assert live == str(state)
    return restored, manifest, backup.backup_time_of(manifest, made['archivePath'])


def compare(state, restored, manifest, since):
    return backup.compare_trees(restored, str(state), since, None, backup.left_out_of(manifest, str(state)))


def by_path(items):
    return dict((item['path'], item) for item in items)


def test_fresh_restore_differs_only_as_expected(state, backups, tmp_path):
    restored, manifest, since = restore(state, backups, tmp_path)
    expected, unexpected = compare(state, restored, manifest, since)
    assert unexpected == []
    found = by_path(expected)
    assert found['identity/']['reason'].startswith('left out by the backup: machine-local pairing identity')
    assert found['devices/']['kind'] == 'only_live'
    assert found['logs/']['reason'] == 'left out by the backup: not one of the paths the guide backs up'
    assert found['agents/main/sessions/']['kind'] == 'only_live'
    assert found['workspace/node_modules/']['reason'].startswith('installed packages')


def test_a_file_that_did_not_change_since_the_backup_must_come_back_identical(state, backups, tmp_path):
    restored, manifest, since = restore(state, backups, tmp_path)
    # Damage the restored copy, keeping the live file as it was before the backup.
    put(tmp_path / 'staging' / restored.split('/staging/', 1)[1] / 'workspace' / 'AGENTS.md', '# Agents, altered\n',
        mode=0o644)
    os.chmod(os.path.join(restored, 'credentials', 'telegram-allowFrom.json'), 0o644)
    os.unlink(os.path.join(restored, 'skills', 'plant-care', 'SKILL.md'))
    expected, unexpected = compare(state, restored, manifest, since)
    assert by_path(unexpected) == {
        'workspace/AGENTS.md': {'path': 'workspace/AGENTS.md', 'kind': 'content',
                                'detail': 'the content differs (18 bytes in the backup, 9 live)'},
        'credentials/telegram-allowFrom.json': {'path': 'credentials/telegram-allowFrom.json', 'kind': 'mode',
                                                'detail': 'mode 0644 in the backup, 0600 live'},
        'skills/plant-care/SKILL.md': {'path': 'skills/plant-care/SKILL.md', 'kind': 'only_live',
                                       'detail': 'in the live state but not in the backup'},
    }


def test_changes_made_since_the_backup_are_expected(state, backups, tmp_path):
    restored, manifest, since = restore(state, backups, tmp_path)
    time.sleep(0.01)
    put(state / 'workspace' / 'AGENTS.md', '# Agents\n\nNew rule.\n', mode=0o644)
    put(state / 'workspace' / 'memory' / '2026-11-30.md', 'today\n')
    os.unlink(str(state / 'workspace' / 'memory' / '2026-11-28.md'))
    expected, unexpected = compare(state, restored, manifest, since)
    assert unexpected == []
    found = by_path(expected)
    since_reason = 'written since the backup was made (the live state moves on)'
    assert found['workspace/AGENTS.md'] == {'path': 'workspace/AGENTS.md', 'kind': 'content', 'reason': since_reason}
    assert found['workspace/memory/2026-11-30.md']['kind'] == 'only_live'
    assert found['workspace/memory/2026-11-28.md'] == {'path': 'workspace/memory/2026-11-28.md',
                                                       'kind': 'only_backup', 'reason': since_reason}


def test_a_removal_the_live_folder_does_not_explain_is_unexpected(state, backups, tmp_path):
    restored, manifest, since = restore(state, backups, tmp_path)
    memory = state / 'workspace' / 'memory'
    os.unlink(str(memory / '2026-11-28.md'))
    stamp = since - HOUR
    os.utime(str(memory), (stamp, stamp))
    expected, unexpected = compare(state, restored, manifest, since)
    assert unexpected == [{'path': 'workspace/memory/2026-11-28.md', 'kind': 'only_backup',
                           'detail': 'in the backup but no longer in the live state'}]


def sqlite_file(path, rows):
    connection = sqlite3.connect(str(path))
    connection.execute('create table notes (text)')
    connection.executemany('insert into notes values (?)', [(row,) for row in rows])
    connection.commit()
    connection.close()


def test_databases_and_folder_modes_of_openclaws_restore(tmp_path):
    live = tmp_path / 'live' / '.openclaw'
    restored = tmp_path / 'restored' / '.openclaw'
    for root, rows in ((live, ['a', 'b', 'c']), (restored, ['a', 'b'])):
        (root / 'state').mkdir(parents=True)
        sqlite_file(root / 'state' / 'openclaw.sqlite', rows)
        put(root / 'openclaw.json', '{}\n')
    put(live / 'state' / 'openclaw.sqlite-wal', 'wal')
    os.chmod(str(live), 0o700)
    os.chmod(str(live / 'state'), 0o700)
    os.chmod(str(restored), 0o755)
    os.chmod(str(restored / 'state'), 0o755)
    age_tree(live, HOUR)
    expected, unexpected = backup.compare_trees(str(restored), str(live), time.time())
    assert unexpected == []
    assert [(item['path'], item['kind']) for item in expected] == [
        ('./', 'mode'), ('state/', 'mode'), ('state/openclaw.sqlite', 'content'), ('state/openclaw.sqlite-wal', 'only_live')]
    assert expected[0]['reason'].startswith('restored folders come back 0755')
    # A restored database that is damaged is never expected.
    data = bytearray(open(str(restored / 'state' / 'openclaw.sqlite'), 'rb').read())
    data[4096:4096 + 200] = b'\xff' * 200
    open(str(restored / 'state' / 'openclaw.sqlite'), 'wb').write(bytes(data))
    expected, unexpected = backup.compare_trees(str(restored), str(live), time.time())
    assert [(item['path'], item['kind']) for item in unexpected] == [('state/openclaw.sqlite', 'database')]
    assert unexpected[0]['detail'].startswith('the restored database fails its integrity check')


def test_rules_are_checked():
    with pytest.raises(backup.BackupError, match='needs a path pattern and a reason'):
        backup.normalize_rules([{'path': 'x'}])
    with pytest.raises(backup.BackupError, match='unknown kinds bytes'):
        backup.normalize_rules([{'path': 'x', 'reason': 'y', 'kinds': ['bytes']}])
    assert backup.normalize_rules([{'path': 'x', 'reason': 'y'}])[0]['kinds'] == list(backup.KINDS)


def test_role_keeps_the_same_expected_differences():
    vars_file = os.path.join(os.path.dirname(backup.__file__), '..', '..', 'roles', 'backups', 'vars', 'main.yml')
    import yaml
    with open(vars_file) as handle:
        listed = yaml.safe_load(handle)['openclaw_backups_expected_differences']
    assert backup.normalize_rules(listed) == backup.normalize_rules(None)


# --------------------------------------------------------------------------
# The CLI's answers (recorded) and the scheduled job
# --------------------------------------------------------------------------

def answer(version, name, home='/home/openclaw', calls=None):
    rec = helpers.recording(version, name)

    def run(args):
        if calls is not None:
            calls.append(list(args))
        return rec['rc'], rec['stdout'].replace('<HOME>', home), rec['stderr'].replace('<HOME>', home)
    return run


@pytest.mark.parametrize('version, name, message', [
    ('2026.9.6', 'backup_verify_flipped', 'zlib: incorrect data check'),
    ('2026.9.6', 'backup_verify_truncated', 'zlib: unexpected end of file'),
    ('2026.9.6', 'backup_verify_missing', 'Archive does not exist'),
    ('2026.6.5', 'backup_verify_flipped', 'ZlibError: zlib: incorrect data check'),
    ('2026.6.5', 'backup_verify_truncated', 'ZlibError: zlib: unexpected end of file'),
    ('2026.6.5', 'backup_verify_missing', 'ENOENT: no such file or directory'),
])
def test_cli_verify_failures_carry_openclaws_reason(version, name, message):
    verified = backup.cli_verify(answer(version, name), '/x.tar.gz')
    assert verified['ok'] is False
    assert message in verified['errors'][0]


@pytest.mark.parametrize('version', VERSIONS)
def test_cli_verify_and_create(version):
    calls = []
    verified = backup.cli_verify(answer(version, 'backup_verify', calls=calls), '/b/x.tar.gz')
    assert verified['ok'] is True and verified['errors'] == []
    assert verified['runtimeVersion'] == version
    made = backup.cli_create(answer(version, 'backup_create', calls=calls), '/home/openclaw/b')
    assert made['verified'] is True
    assert made['archivePath'].startswith('/home/openclaw/Backups/')
    assert calls == [['backup', 'verify', '/b/x.tar.gz', '--json'],
                     ['backup', 'create', '--output', '/home/openclaw/b', '--verify', '--json']]


@pytest.mark.parametrize('version, text', [
    ('2026.9.6', 'Backup output must not be written inside a source path: /home/openclaw/.openclaw/backups is '
                 'inside /home/openclaw/.openclaw'),
    ('2026.6.5', 'Error: Backup output must not be written inside a source path'),
])
def test_cli_create_refusal_is_named(version, text):
    with pytest.raises(backup.BackupError, match='exit code 1') as caught:
        backup.cli_create(answer(version, 'backup_create_inside_state'), '/home/openclaw/.openclaw/backups')
    assert text in str(caught.value)


@pytest.mark.parametrize('name, text', [
    ('backup_restore_not_empty', 'Backup restore target directory must be empty'),
    ('backup_restore_inside_state', 'must be outside the live OpenClaw state directory'),
    ('backup_restore_flipped', 'Backup archive verification failed'),
])
def test_cli_restore_refusals_are_named(name, text):
    with pytest.raises(backup.BackupError, match=text):
        backup.cli_restore(answer('2026.9.6', name), '/x.tar.gz', '/t')


def test_cli_restore_returns_the_warnings():
    restored = backup.cli_restore(answer('2026.9.6', 'backup_restore'), '/x.tar.gz', '/t')
    assert restored['ok'] is True
    assert any('time travel' in warning for warning in restored['warnings'])
    with pytest.raises(backup.BackupError, match='does not know the command "restore"'):
        backup.cli_restore(answer('2026.6.5', 'backup_restore_unsupported'), '/x.tar.gz', '/t')


def test_scheduled_job_with_this_files_archive(state, backups, capsys):
    for dummy in range(3):
        assert backup.main(['run', '--backup-dir', str(backups), '--state-dir', str(state), '--home',
                            str(state.parent), '--keep', '2', '--method', 'archive']) == 0
        time.sleep(0.01)
    summaries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    left = backup.list_archives(str(backups))
    assert len(left) == 2
    assert summaries[-1]['kept'] == [item['path'] for item in left]
    assert summaries[-1]['pruned'] == [summaries[0]['archive']]
    assert all(item['mode'] == '0600' for item in left)


@pytest.mark.parametrize('version', VERSIONS)
def test_scheduled_job_with_the_cli(state, backups, version):
    home = str(state.parent)
    rec = helpers.recording(version, 'backup_create')
    stdout = rec['stdout'].replace('<HOME>/Backups', str(backups)).replace('<HOME>', home)
    archive = json.loads(stdout)['archivePath']
    old = put(backups / '2026-01-01T03-15-00.000+00-00-openclaw-backup.tar.gz', age=48 * HOUR)
    calls = []

    def run(args):
        calls.append(list(args))
        # What the real command leaves behind: the archive, with the umask's mode.
        put(backups / os.path.basename(archive), 'archive', mode=0o644)
        return rec['rc'], stdout, rec['stderr']

    caller_umask = os.umask(0o022)
    summary = backup.run_job({'method': 'cli', 'backup_dir': str(backups), 'state_dir': str(state), 'home': home,
                              'include_workspace': False, 'keep': 1, 'timeout': 60}, run)
    # The job must not change its caller's umask: later restores would inherit it.
    assert os.umask(caller_umask) == 0o022
    assert calls == [['backup', 'create', '--output', str(backups), '--verify', '--json', '--no-include-workspace']]
    assert summary == {'archive': archive, 'verified': True, 'kept': [archive], 'pruned': [str(old)]}
    assert os.stat(archive).st_mode & 0o777 == 0o600


def test_scheduled_job_reports_a_failure(state, backups, capsys):
    caller_umask = os.umask(0o022)
    assert backup.main(['run', '--backup-dir', str(state / 'inside'), '--state-dir', str(state), '--home',
                        str(state.parent), '--keep', '2', '--method', 'archive']) == 1
    assert 'inside the OpenClaw state folder' in capsys.readouterr().err
    assert os.umask(caller_umask) == 0o022
    with pytest.raises(SystemExit):
        backup.main(['run', '--backup-dir', str(backups), '--state-dir', str(state), '--home', str(state.parent),
                     '--keep', '2', '--method', 'cli'])


def test_gzip_of_the_archive_is_a_real_gzip(state, backups):
    path = backup.create_archive(str(state), str(backups))['archivePath']
    with gzip.open(path) as handle:
        assert handle.read(512)
