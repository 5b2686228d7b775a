# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_backup on a throwaway home, with run_command answering from real recorded CLI output.

Each case names the exact CLI calls the module must make; the answers are the
recordings of ``openclaw backup`` of 2026.9.6 and 2026.6.5
(``tests/unit/fixtures/cli/<version>/backup_*.json``), with ``<HOME>`` put
back. What a real command leaves on disk (an archive, a restored tree) is
made by the test from a real archive of the test's own state folder.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.module_utils import backup
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_backup
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')

HOUR = 3600


put = helpers.put


class Host(object):
    """A home with an OpenClaw package of ``version`` and a lived-in state folder; run_command plays a script."""

    def __init__(self, tmp_path, monkeypatch, version, calls=()):
        self.home = tmp_path / 'home'
        self.state = self.home / '.openclaw'
        put(self.state / 'openclaw.json', '{"gateway": {"mode": "local"}}\n')
        put(self.state / 'workspace' / 'AGENTS.md', '# Agents\n', mode=0o644)
        put(self.state / 'workspace' / 'memory' / '2026-11-28.md', 'note\n')
        put(self.state / 'credentials' / 'telegram-allowFrom.json', '{}\n')
        put(self.state / 'agents' / 'main' / 'agent' / 'auth-profiles.json', '{}\n')
        put(self.state / 'identity' / 'device.json', '{"deviceId": "abc"}\n')
        os.chmod(str(self.state), 0o700)
        stamp = time.time() - 2 * HOUR
        for folder, dirs, files in os.walk(str(self.state)):
            for name in dirs + files:
                os.utime(os.path.join(folder, name), (stamp, stamp))
        os.utime(str(self.state), (stamp, stamp))
        self.backups = tmp_path / 'backups'
        self.backups.mkdir(mode=0o700)
        package = tmp_path / 'pkg' / 'openclaw'
        package.mkdir(parents=True)
        (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
        self.binary = package / 'openclaw.mjs'
        self.binary.write_text('#!/usr/bin/env node\n')
        self.version = version
        self.script = list(calls)
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)

    def sub(self, text):
        return text.replace('<HOME>/Backups', str(self.backups)).replace('<HOME>', str(self.home))

    def run_command(self, args, **kwargs):
        self.calls.append(args[4:])
        assert len(self.calls) <= len(self.script), 'unexpected CLI call %r' % (args,)
        expected, name, effect = self.script[len(self.calls) - 1]
        assert args[:3] == ['timeout', '--kill-after=10', '600']
        assert args[3] == str(self.binary)
        assert args[4:] == [self.sub(str(item)) for item in expected], 'call %d' % len(self.calls)
        assert kwargs['environ_update']['HOME'] == str(self.home)
        assert kwargs['check_rc'] is False
        rec = helpers.recording(self.version, name)
        stdout = self.sub(rec['stdout'])
        if effect:
            effect(self, args[4:], stdout)
        return rec['rc'], stdout, self.sub(rec['stderr'])

    def args(self, **extra):
        args = {'openclaw_bin': str(self.binary), 'home': str(self.home)}
        args.update(extra)
        return args


def run(host, capsys, **args):
    return helpers.run_module(openclaw_backup, host.args(**args), capsys)


def writes_archive(host, args, stdout):
    """What `openclaw backup create` leaves: the archive it names (2026.6.5 with the umask's 0644)."""
    put(host.backups / os.path.basename(json.loads(stdout)['archivePath']), 'archive', mode=0o644)


def restores(host, args, stdout):
    """What `openclaw backup restore` leaves: the archive's tree in the new target folder."""
    target = args[args.index('--target') + 1]
    os.mkdir(target, 0o700)
    backup.safe_extract(args[2], target)


def own_archive(host, age=0.0):
    made = backup.create_archive(str(host.state), str(host.backups), host.version)['archivePath']
    if age:
        stamp = time.time() - age
        os.utime(made, (stamp, stamp))
    return made


def mode(path):
    return os.stat(str(path)).st_mode & 0o777


# --------------------------------------------------------------------------
# create
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_create_with_openclaws_backup_create(version, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, version, [
        (['backup', 'create', '--output', '<HOME>/Backups', '--verify', '--json'], 'backup_create', writes_archive)])
    result = run(host, capsys, state='create', backup_dir=str(host.backups), _ansible_diff=True)
    assert result['_exit'] == 0, result.get('msg')
    archive = json.loads(host.sub(helpers.recording(version, 'backup_create')['stdout']))['archivePath']
    assert result['changed'] is True and result['created'] is True
    assert result['method'] == 'cli' and result['verified'] is True
    assert result['archive'] == archive
    assert mode(archive) == 0o600
    assert result['changes'] == [{'path': archive, 'old': None, 'new': 'archive (cli)'}]
    assert result['diff']['before'] == '' and result['diff']['after'] == os.path.basename(archive) + '\n'
    assert result['methods'] == {'create': 'cli', 'verify': 'cli',
                                 'restore': 'cli' if version == '2026.9.6' else 'archive'}
    assert result['cli_calls'] == 1


def test_create_in_check_mode_changes_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    missing = tmp_path / 'new-backups'
    result = run(host, capsys, state='create', backup_dir=str(missing), _ansible_check_mode=True)
    assert result['changed'] is True and result['created'] is True
    assert result['changes'][0]['path'].startswith(str(missing) + '/')
    assert result['changes'][0]['path'].endswith('-openclaw-backup.tar.gz')
    assert not missing.exists()
    assert host.calls == []


def test_create_skips_when_an_archive_is_young_enough(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    made = own_archive(host, age=2 * HOUR)
    result = run(host, capsys, state='create', backup_dir=str(host.backups), max_age_hours=24)
    assert result['changed'] is False and result['created'] is False
    assert result['archive'] == made
    assert result['skipped_reason'].startswith('the newest archive is 2.0 hours old')
    assert host.calls == []


def test_create_with_the_collections_archive_where_openclaw_has_no_backup(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.5.2')
    own_archive(host, age=30 * HOUR)
    result = run(host, capsys, state='create', backup_dir=str(host.backups), max_age_hours=24)
    assert result['_exit'] == 0, result.get('msg')
    assert result['method'] == 'archive' and result['verified'] is True
    assert result['verify']['errors'] == []
    assert mode(result['archive']) == 0o600
    assert len(result['archives']) == 2
    assert not any('identity' in name for name in backup_members(result['archive']))
    assert host.calls == []


def backup_members(path):
    import tarfile
    with tarfile.open(path, 'r:gz') as tar:
        return tar.getnames()


@pytest.mark.parametrize('where', ['inside', 'holding'])
def test_backup_folder_inside_the_state_folder_is_refused_before_anything(where, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    folder = host.state / 'backups' if where == 'inside' else host.home
    result = run(host, capsys, state='create', backup_dir=str(folder))
    assert result['failed'] is True
    assert 'inside the OpenClaw state folder' in result['msg']
    assert not (host.state / 'backups').exists()
    assert host.calls == []


def test_relative_backup_folder_is_refused(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    result = run(host, capsys, state='create', backup_dir='backups')
    assert result['failed'] is True
    assert 'backup_dir must be an absolute path' in result['msg']


# --------------------------------------------------------------------------
# verify
# --------------------------------------------------------------------------

@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_verify_the_newest_archive(version, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, version, [(['backup', 'verify', 'NEWEST', '--json'], 'backup_verify', None)])
    own_archive(host, age=HOUR)
    newest = own_archive(host)
    host.script[0] = ([item.replace('NEWEST', newest) for item in host.script[0][0]],) + host.script[0][1:]
    result = run(host, capsys, state='verify', backup_dir=str(host.backups))
    assert result['_exit'] == 0, result.get('msg')
    assert result['archive'] == newest
    assert result['verified'] is True and result['method'] == 'cli'
    assert result['verify']['runtimeVersion'] == version
    assert result['changed'] is False


@pytest.mark.parametrize('version, name, reason', [
    ('2026.9.6', 'backup_verify_flipped', 'zlib: incorrect data check'),
    ('2026.9.6', 'backup_verify_truncated', 'zlib: unexpected end of file'),
    ('2026.6.5', 'backup_verify_flipped', 'ZlibError: zlib: incorrect data check'),
    ('2026.6.5', 'backup_verify_truncated', 'ZlibError: zlib: unexpected end of file'),
])
def test_a_damaged_archive_fails_verify_with_openclaws_reason(version, name, reason, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, version)
    archive = put(host.backups / 'damaged-openclaw-backup.tar.gz', 'not gzip')
    host.script = [(['backup', 'verify', str(archive), '--json'], name, None)]
    result = run(host, capsys, state='verify', archive=str(archive))
    assert result['failed'] is True
    assert result['verified'] is False
    assert 'failed verification' in result['msg'] and reason in result['msg']
    assert 'make a new backup now' in result['msg']


def test_a_damaged_archive_fails_the_collections_own_check(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.5.2')
    archive = own_archive(host)
    data = bytearray(open(archive, 'rb').read())
    for index in range(len(data) // 2, len(data) // 2 + 16):
        data[index] ^= 0xFF
    open(archive, 'wb').write(bytes(data))
    result = run(host, capsys, state='verify', backup_dir=str(host.backups))
    assert result['failed'] is True and result['method'] == 'archive'
    assert 'the archive cannot be read to its end' in result['msg']
    assert host.calls == []


def test_verify_without_any_archive_says_what_to_do(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    result = run(host, capsys, state='verify', backup_dir=str(host.backups))
    assert result['failed'] is True
    assert 'No archive (*-openclaw-backup.tar.gz) in %s: make one first' % host.backups in result['msg']


# --------------------------------------------------------------------------
# prune
# --------------------------------------------------------------------------

def archives_of(host, count):
    made = []
    for index in range(count):
        path = host.backups / ('2026-11-%02dT03-15-00.000+00-00-openclaw-backup.tar.gz' % (index + 1))
        made.append(str(put(path, age=(count - index) * HOUR)))
    put(host.backups / 'notes.txt', age=100 * HOUR)
    return made


def test_prune_in_check_mode_lists_and_deletes_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    made = archives_of(host, 5)
    result = run(host, capsys, state='prune', backup_dir=str(host.backups), keep=3, _ansible_check_mode=True,
                 _ansible_diff=True)
    assert result['changed'] is True
    assert result['pruned'] == [made[1], made[0]]
    assert result['changes'] == [{'path': made[1], 'old': 'present', 'new': 'absent'},
                                 {'path': made[0], 'old': 'present', 'new': 'absent'}]
    assert all(os.path.exists(path) for path in made)
    assert result['diff']['after'].count('\n') == 3


def test_prune_keeps_the_newest_and_other_files(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    made = archives_of(host, 5)
    result = run(host, capsys, state='prune', backup_dir=str(host.backups), keep=3)
    assert result['changed'] is True
    assert sorted(os.listdir(str(host.backups))) == sorted([os.path.basename(path) for path in made[2:]]
                                                           + ['notes.txt'])
    again = run(host, capsys, state='prune', backup_dir=str(host.backups), keep=3)
    assert again['changed'] is False and again['pruned'] == []


def test_prune_to_nothing_is_refused(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    made = archives_of(host, 2)
    result = run(host, capsys, state='prune', backup_dir=str(host.backups), keep=0)
    assert result['failed'] is True and 'keep must be 1 or more' in result['msg']
    assert all(os.path.exists(path) for path in made)


# --------------------------------------------------------------------------
# present: the backups role's run in one call
# --------------------------------------------------------------------------

def present_args(host, folder, **extra):
    args = dict(state='present', backup_dir=str(folder), private_parent=True, max_age_hours=24, keep=2,
                forbidden_dirs=['/', str(host.home.parent / 'shared')], public_pattern='(^|/)public_html(/|$)')
    args.update(extra)
    return args


def test_present_makes_folders_archive_and_modes_private_and_prunes_then_changes_nothing(
        tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', [
        (['backup', 'create', '--output', '<HOME>/Backups', '--verify', '--json'], 'backup_create', writes_archive)])
    host.backups = host.home / 'backups' / 'openclaw'
    stale = [str(put(host.backups / ('2026-11-0%dT03-15-00.000+00-00-openclaw-backup.tar.gz' % day),
                     age=(40 - day) * HOUR, mode=0o644)) for day in (1, 2)]
    os.chmod(str(host.backups), 0o755)
    os.chmod(str(host.backups.parent), 0o755)
    result = run(host, capsys, _ansible_diff=True, **present_args(host, host.backups))
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True and result['created'] is True and result['verified'] is True
    assert mode(host.backups) == 0o700 and mode(host.backups.parent) == 0o700
    kept = [row['path'] for row in result['archives']]
    assert kept == [result['archive'], stale[1]]
    assert all(mode(path) == 0o600 for path in kept)
    assert not os.path.exists(stale[0]) and result['pruned'] == [stale[0]]
    assert {'path': str(host.backups), 'old': '0755', 'new': '0700'} in result['changes']
    assert {'path': stale[1], 'old': '0644', 'new': '0600'} in result['changes']
    assert {'path': stale[0], 'old': 'present', 'new': 'absent'} in result['changes']
    assert os.path.basename(stale[0]) + ' 0644\n' in result['diff']['before']
    assert result['diff']['after'] == ''.join('%s 0600\n' % os.path.basename(path) for path in kept)
    assert host.calls == [['backup', 'create', '--output', str(host.backups), '--verify', '--json']]
    again = run(host, capsys, **present_args(host, host.backups))
    assert again['changed'] is False and again['created'] is False and again['changes'] == []
    assert again['archive'] == result['archive'] and again['pruned'] == []
    assert len(host.calls) == 1, 'a run with nothing to do starts no OpenClaw CLI'


def test_present_can_leave_the_older_archives_until_the_play_accepts_the_new_one(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', [
        (['backup', 'create', '--output', '<HOME>/Backups', '--verify', '--json'], 'backup_create', writes_archive)])
    host.backups = host.home / 'backups' / 'openclaw'
    older = [str(put(host.backups / ('2026-11-0%dT03-15-00.000+00-00-openclaw-backup.tar.gz' % day),
                     age=(40 - day) * HOUR)) for day in (1, 2)]
    result = run(host, capsys, **present_args(host, host.backups, prune_with_new_archive=False))
    assert result['_exit'] == 0, result.get('msg')
    assert result['created'] is True and result['prune_deferred'] is True and result['pruned'] == []
    assert [row['path'] for row in result['archives']] == [result['archive'], older[1], older[0]]
    assert all(os.path.exists(path) for path in older)
    # The play accepted the new archive: the later prune keeps the newest two.
    pruned = run(host, capsys, state='prune', backup_dir=str(host.backups), keep=2)
    assert pruned['pruned'] == [older[0]] and not os.path.exists(older[0])


def test_present_without_a_new_archive_or_in_check_mode_prunes_at_once(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    host.backups = host.home / 'backups' / 'openclaw'
    older = [str(put(host.backups / ('2026-11-0%dT03-15-00.000+00-00-openclaw-backup.tar.gz' % day),
                     age=(10 - day) * HOUR)) for day in (1, 2, 3)]
    predicted = run(host, capsys, _ansible_check_mode=True,
                    **present_args(host, host.backups, prune_with_new_archive=False, max_age_hours=0))
    assert predicted['created'] is True and predicted['prune_deferred'] is False
    assert predicted['pruned'] == [older[1], older[0]] and all(os.path.exists(path) for path in older)
    result = run(host, capsys, **present_args(host, host.backups, prune_with_new_archive=False))
    assert result['created'] is False and result['prune_deferred'] is False
    assert result['pruned'] == [older[0]] and not os.path.exists(older[0])


def test_present_in_check_mode_reports_and_changes_nothing(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    folder = host.home / 'backups' / 'openclaw'
    result = run(host, capsys, _ansible_check_mode=True, **present_args(host, folder))
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True and result['created'] is True
    assert [change['path'] for change in result['changes']][:2] == [str(folder.parent), str(folder)]
    assert result['changes'][2]['new'] == 'archive (cli)'
    assert not folder.parent.exists()
    assert host.calls == []


def test_present_verifies_the_newest_archive_when_it_makes_none(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    newest = own_archive(host, age=HOUR)
    host.script = [(['backup', 'verify', newest, '--json'], 'backup_verify', None)]
    result = run(host, capsys, **present_args(host, host.backups, private_parent=False, verify_existing=True))
    assert result['_exit'] == 0, result.get('msg')
    assert result['created'] is False and result['verified_existing'] is True and result['verified'] is True
    assert result['changed'] is False


@pytest.mark.parametrize('where', ['shared', 'public'])
def test_present_refuses_a_folder_whose_link_leads_to_a_shared_place(where, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    target = tmp_path / {'shared': 'shared', 'public': 'srv/public_html'}[where]
    target.mkdir(parents=True)
    before = mode(target)
    link = host.home / 'backups'
    link.symlink_to(target)
    result = run(host, capsys, **present_args(host, link))
    assert result['failed'] is True
    assert 'resolves to %s, a shared or world-readable place' % target in result['msg']
    assert host.calls == [] and os.listdir(str(target)) == [] and mode(target) == before


def test_present_refuses_a_staging_folder_in_the_state_folder(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    result = run(host, capsys, staging_dir=str(host.state / 'restore'), **present_args(host, host.backups))
    assert result['failed'] is True and 'The staging folder' in result['msg']
    assert host.calls == []


def test_present_refuses_an_archive_of_another_user_and_names_the_fix(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    foreign = own_archive(host, age=HOUR)
    os.chmod(foreign, 0o644)
    monkeypatch.setattr(os, 'geteuid', lambda: 4242)
    result = run(host, capsys, **present_args(host, host.backups, private_parent=False))
    assert result['failed'] is True
    assert 'Cannot keep %s private' % host.backups in result['msg'] and 'chown -R ' in result['msg']
    assert mode(foreign) == 0o644 and host.calls == []


# --------------------------------------------------------------------------
# restore_test
# --------------------------------------------------------------------------

def test_restore_test_with_openclaws_restore(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    archive = own_archive(host)
    staging = tmp_path / 'restore-test'
    host.script = [(['backup', 'verify', archive, '--json'], 'backup_verify', None),
                   (['backup', 'restore', archive, '--target', str(staging / 'restore'), '--json'], 'backup_restore',
                    restores)]
    result = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=str(staging))
    assert result['_exit'] == 0, result.get('msg')
    assert result['passed'] is True and result['restore_method'] == 'cli'
    assert result['unexpected_differences'] == []
    assert {'path': 'identity/', 'kind': 'only_live',
            'reason': 'left out by the backup: machine-local pairing identity (identity)'} in result['expected_differences']
    assert any('time travel' in warning for warning in result['warnings_from_restore'])
    assert result['changed'] is False
    assert not staging.exists()


def test_restore_test_extracts_where_openclaw_has_no_restore(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.6.5')
    archive = own_archive(host)
    # 2026.6.5 archives its plugin-skills links into the install folder; they are compared, never created.
    target = '/opt/openclaw/node_modules/openclaw/dist/extensions/browser/skills/browser-automation'
    (host.state / 'plugin-skills').mkdir(mode=0o700)
    os.symlink(target, str(host.state / 'plugin-skills' / 'browser-automation'))
    helpers.add_links_outside(archive, host.state, {'plugin-skills/browser-automation': target})
    staging = tmp_path / 'restore-test'
    host.script = [(['backup', 'verify', archive, '--json'], 'backup_verify', None)]
    result = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=str(staging),
                 _ansible_check_mode=True)
    assert result['_exit'] == 0, result.get('msg')
    assert result['passed'] is True and result['restore_method'] == 'archive'
    assert {'path': 'plugin-skills/browser-automation', 'kind': 'link',
            'reason': 'a link to %s, outside the archive: not restored, the live link points to the same place'
                      % target} in result['expected_differences']
    assert len(host.calls) == 1
    assert not staging.exists()


def test_restore_test_finds_an_unexpected_difference(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.5.2')
    archive = own_archive(host)
    # The live file changes but keeps its old time: the restored copy differs with no reason.
    agents = host.state / 'workspace' / 'AGENTS.md'
    before = os.stat(str(agents)).st_mtime
    agents.write_text('# Agents, edited\n')
    os.utime(str(agents), (before, before))
    staging = tmp_path / 'restore-test'
    result = run(host, capsys, state='restore_test', archive=archive, staging_dir=str(staging),
                 fail_on_unexpected=False)
    assert result['_exit'] == 0
    assert result['passed'] is False
    assert result['unexpected_differences'] == [{'path': 'workspace/AGENTS.md', 'kind': 'content',
                                                 'detail': 'the content differs (9 bytes in the backup, 17 live)'}]
    failed = run(host, capsys, state='restore_test', archive=archive, staging_dir=str(staging))
    assert failed['failed'] is True
    assert '1 unexpected difference(s)' in failed['msg'] and 'workspace/AGENTS.md (content' in failed['msg']
    accepted = run(host, capsys, state='restore_test', archive=archive, staging_dir=str(staging),
                   expected_differences=[{'path': 'workspace/AGENTS.md', 'kinds': ['content'],
                                          'reason': 'edited by hand on purpose'}] + list(backup.DEFAULT_EXPECTED))
    assert accepted['passed'] is True
    assert {'path': 'workspace/AGENTS.md', 'kind': 'content',
            'reason': 'edited by hand on purpose'} in accepted['expected_differences']
    assert not staging.exists()


def test_restore_test_of_a_damaged_archive(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    archive = str(put(host.backups / '2026-11-30T03-15-00.000+00-00-openclaw-backup.tar.gz', 'damaged'))
    staging = tmp_path / 'restore-test'
    host.script = [(['backup', 'verify', archive, '--json'], 'backup_verify_flipped', None)]
    result = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=str(staging),
                 fail_on_unexpected=False)
    assert result['passed'] is False
    assert 'failed verification' in result['error'] and 'zlib: incorrect data check' in result['error']
    assert not staging.exists()
    host.calls, host.script = [], host.script * 1
    failed = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=str(staging))
    assert failed['failed'] is True and failed['msg'].startswith('Restore test of %s failed' % archive)


@pytest.mark.parametrize('where, message', [
    ('inside', 'inside the OpenClaw state folder'),
    ('not-empty', 'exists and is not an empty folder'),
    ('relative', 'staging_dir must be an absolute path'),
])
def test_restore_test_refuses_a_bad_staging_folder(where, message, tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    own_archive(host)
    staging = {'inside': str(host.state / 'restore'), 'not-empty': str(tmp_path / 'busy'),
               'relative': 'restore-test'}[where]
    if where == 'not-empty':
        put(tmp_path / 'busy' / 'keep.txt', 'mine')
    before = helpers_snapshot(tmp_path)
    result = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=staging)
    assert result['failed'] is True and message in result['msg']
    assert host.calls == []
    assert helpers_snapshot(tmp_path) == before


def helpers_snapshot(root):
    seen = {}
    for folder, dirs, files in os.walk(str(root)):
        for name in dirs + files:
            path = os.path.join(folder, name)
            seen[path] = (os.lstat(path).st_mode, open(path, 'rb').read() if os.path.isfile(path) else None)
    return seen


def test_bad_expected_difference_kind_is_refused(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    result = run(host, capsys, state='restore_test', backup_dir=str(host.backups), staging_dir=str(tmp_path / 's'),
                 expected_differences=[{'path': '*', 'kinds': ['bytes'], 'reason': 'x'}])
    assert result['failed'] is True
    assert 'kinds' in result['msg'] and 'bytes' in result['msg']


# --------------------------------------------------------------------------
# archive_state: the whole state folder before hardening (GNU tar, real)
# --------------------------------------------------------------------------

REAL_RUN_COMMAND = basic.AnsibleModule.run_command


def state_archive_host(tmp_path, monkeypatch):
    host = Host(tmp_path, monkeypatch, '2026.9.6')
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', REAL_RUN_COMMAND)
    put(host.state / 'node_modules' / 'big' / 'index.js', 'x')
    put(host.state / 'tmp' / 'scratch', 'x')
    put(host.state / 'cache' / 'blob', 'x')
    return host


def test_archive_state_makes_a_private_archive_once(tmp_path, monkeypatch, capsys):
    host = state_archive_host(tmp_path, monkeypatch)
    archive = host.home / 'openclaw-backups' / 'openclaw-state-20261201.tar.gz'
    result = run(host, capsys, state='archive_state', archive=str(archive), _ansible_diff=True)
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True and result['created'] is True
    names = backup_members(str(archive))
    assert '.openclaw/openclaw.json' in names and '.openclaw/credentials/telegram-allowFrom.json' in names
    assert not [name for name in names if '/node_modules' in name or '/tmp/' in name or '/cache/' in name]
    assert mode(archive) == 0o600 and mode(archive.parent) == 0o700
    assert os.listdir(str(archive.parent)) == [archive.name]
    again = run(host, capsys, state='archive_state', archive=str(archive))
    assert again['changed'] is False and again['created'] is False


def test_archive_state_in_check_mode_makes_nothing(tmp_path, monkeypatch, capsys):
    host = state_archive_host(tmp_path, monkeypatch)
    archive = host.home / 'openclaw-backups' / 'openclaw-state-20261201.tar.gz'
    result = run(host, capsys, state='archive_state', archive=str(archive), _ansible_check_mode=True)
    assert result['changed'] is True and result['created'] is True
    assert not archive.parent.exists()


def test_archive_state_inside_the_state_folder_is_refused(tmp_path, monkeypatch, capsys):
    host = state_archive_host(tmp_path, monkeypatch)
    result = run(host, capsys, state='archive_state', archive=str(host.state / 'a.tar.gz'))
    assert result['failed'] is True and 'inside the OpenClaw state folder' in result['msg']
    assert not (host.state / 'a.tar.gz').exists()


@pytest.mark.parametrize('exit_code', [1, 2])
def test_archive_state_keeps_a_warned_archive_and_leaves_no_partial_one(exit_code, tmp_path, monkeypatch, capsys):
    """GNU tar, run for real, with the exit status it gives when a file changed (1) or it failed (2)."""
    host = state_archive_host(tmp_path, monkeypatch)
    wrapper = put(tmp_path / 'bin' / 'tar', '#!/bin/sh\n/bin/tar "$@" && echo "tar: .openclaw/logs: file changed as we '
                  'read it" >&2; exit %d\n' % exit_code, mode=0o755)
    real_bin_path = basic.AnsibleModule.get_bin_path

    def bin_path(module, name, *args, **kwargs):
        return str(wrapper) if name == 'tar' else real_bin_path(module, name, *args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', bin_path)
    archive = host.home / 'openclaw-backups' / 'openclaw-state-20261201.tar.gz'
    result = run(host, capsys, state='archive_state', archive=str(archive))
    assert os.listdir(str(archive.parent)) == ([archive.name] if exit_code == 1 else [])
    if exit_code == 1:
        assert result['_exit'] == 0 and 'file changed as we read it' in result['warnings_from_tar']
    else:
        assert result['failed'] is True and 'No archive was written' in result['msg']
