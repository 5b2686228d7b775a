# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""secret_scan on a throwaway state folder and on real git repositories built with git."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import string
import subprocess

import pytest

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import secret_scan as scan_utils
from ansible_collections.clawfleet.openclaw.plugins.modules import secret_scan
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

# Credential-shaped values are generated, so that no file of the repository
# holds a literal one. None of them is real. The random parts must never show
# up in a result.
_RNG = random.Random(18789)
ALNUM = string.ascii_letters + string.digits


def _random(alphabet, length):
    while True:
        text = ''.join(_RNG.choice(alphabet) for dummy in range(length))
        if any(c.isdigit() for c in text) and any(c.isupper() for c in text) and any(c.islower() for c in text):
            return text


ANTHROPIC_PART = _random(ALNUM + '_-', 93)
ANTHROPIC = 'sk-ant-api03-' + ANTHROPIC_PART + 'AA'
TELEGRAM_PART = _random(ALNUM + '_-', 33)
TELEGRAM = '7214563382:AA' + TELEGRAM_PART
GITHUB_PART = _random(ALNUM, 36)
GITHUB = 'ghp_' + GITHUB_PART
PASSWORD = _random(ALNUM, 24)
RANDOM_PARTS = [ANTHROPIC_PART, TELEGRAM_PART, GITHUB_PART, PASSWORD]

GIT = '/usr/bin/git'
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME='Test', GIT_AUTHOR_EMAIL='test@localhost', GIT_COMMITTER_NAME='Test',
               GIT_COMMITTER_EMAIL='test@localhost', GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL=os.devnull)

pytestmark = pytest.mark.usefixtures('fresh_warnings')


def run_module(args, capsys):
    return helpers.run_module(secret_scan, args, capsys)


def assert_no_leak(result):
    text = json.dumps(result)
    for part in RANDOM_PARTS:
        for i in range(len(part) - 5):
            assert part[i:i + 6] not in text, 'piece %r of a secret leaked' % part[i:i + 6]


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text('\n'.join(lines) + '\n')
    return str(path)


CONFIG = [
    '{',
    '  "gateway": {"bind": "loopback", "port": 18789,',
    '    "auth": {"mode": "token", "token": {"source": "file", "provider": "gwfile", "id": "value"}}},',
    '  "models": {"providers": {"anthropic": {',
    '    "apiKey": "%s"' % ANTHROPIC,
    '  }}},',
    '  "channels": {"telegram": {"botToken": "${TELEGRAM_BOT_TOKEN}"}},',
    '  "secrets": {"providers": {"gwfile": {"source": "file", "path": "~/.openclaw/secrets/gateway-token",',
    '    "mode": "singleValue"}}}',
    '}',
]


@pytest.fixture
def state(tmp_path):
    """A state folder with secrets where they belong and where they do not.

    Returns a dict of paths; ``expected`` are the locations of real exposures.
    """
    root = tmp_path / 'home' / '.openclaw'
    paths = dict(root=str(root), logs=str(tmp_path / 'openclaw-logs'))
    paths['config'] = write(root / 'openclaw.json', CONFIG)
    paths['backup'] = write(root / 'openclaw.json.20261125T154210.clawfleet.bak', [
        '{', '  "channels": {"telegram": {', '    "botToken": "%s"' % TELEGRAM, '  }}', '}'])
    paths['log'] = write(root / 'logs' / 'gateway.log', [
        '2026-11-25T10:00:00Z [gateway] listening on ws://127.0.0.1:18789',
        '2026-11-25T10:00:01Z [gateway] auth mode=token',
        '2026-11-25T10:00:02Z [agent] tool exec: git push https://%s@github.com/o/r.git' % GITHUB,
    ])
    # legitimate stores of secrets: excluded by default
    write(root / 'credentials' / 'whatsapp' / 'default' / 'creds.json', ['{"password": "%s"}' % PASSWORD])
    write(root / 'agents' / 'main' / 'agent' / 'auth-profiles.json', ['{"key": "%s"}' % ANTHROPIC])
    write(root / 'secrets' / 'gateway-token', [GITHUB])
    write(root / '.env', ['ANTHROPIC_API_KEY=%s' % ANTHROPIC])
    write(root / 'workspace' / 'node_modules' / 'x' / 'test.js', ['const token = "%s";' % GITHUB])
    # not text
    paths['binary'] = write(root / 'media' / 'inbound' / 'photo.bin', b'\x89PNG\0\0' + GITHUB.encode() + b'\n')
    # a link to a file outside the state folder is not followed
    outside = write(tmp_path / 'outside' / 'leak.txt', ['password = "%s"' % PASSWORD])
    paths['link'] = str(root / 'workspace' / 'leak.txt')
    os.symlink(outside, paths['link'])
    # broken UTF-8 is no reason to stop reading
    paths['latin1'] = write(root / 'workspace' / 'notes.txt',
                            b'caf\xe9 \xff\xfe notes\nsecond line\n\xe9t\xe9 password: "' + PASSWORD.encode() + b'"\n')
    write(root / 'workspace' / 'AGENTS.md', ['# Agents', 'Never print the gateway token.'])
    paths['expected'] = [
        '%s:5' % paths['config'],
        '%s:3' % paths['log'],
        '%s:3' % paths['backup'],
        '%s:3' % paths['latin1'],
    ]
    return paths


def locations(findings):
    return sorted(finding['location'] for finding in findings)


def test_state_folder_findings_fail_the_task(state, capsys):
    result = run_module({'paths': [state['root'], state['logs']]}, capsys)
    assert result['failed'] is True
    assert result['changed'] is False
    assert locations(result['findings']) == sorted(state['expected'])
    by_location = dict((finding['location'], finding) for finding in result['findings'])
    assert by_location['%s:5' % state['config']] == dict(
        location='%s:5' % state['config'], file=state['config'], line=5, kind='anthropic-api-key',
        masked=u'sk-ant-\u2026(108 chars)', count=1)
    assert by_location['%s:3' % state['log']]['kind'] == 'github-token'
    assert by_location['%s:3' % state['backup']]['kind'] == 'telegram-bot-token'
    assert by_location['%s:3' % state['latin1']]['masked'] == u'password=\u2026(24 chars)'
    assert result['missing'] == [state['logs']]
    assert {'path': state['binary'], 'reason': 'binary'} in result['unread']
    assert {'path': state['link'], 'reason': 'symlink'} in result['unread']
    assert result['unread_count'] == len(result['unread']) == 2
    # openclaw.json, its backup, the log, notes.txt, AGENTS.md
    assert result['scanned_files'] == 5
    assert result['scanned_commits'] == 0
    assert result['truncated'] is False
    assert result['accepted_findings'] == [] and result['unused_accepted'] == []
    msg = result['msg']
    assert msg.startswith('secret_scan found 4 possible secret(s): ')
    for location in state['expected']:
        assert location in msg
    assert u'%s:5 (anthropic-api-key, sk-ant-\u2026(108 chars))' % state['config'] in msg
    assert 'editing the file after the fact is not enough' in msg
    assert '`accepted`' in msg
    assert_no_leak(result)
    assert_no_leak(result['_raw'])


def test_report_only(state, capsys):
    result = run_module({'paths': [state['root']], 'fail_on_findings': False}, capsys)
    assert not result.get('failed')
    assert result['_exit'] == 0
    assert locations(result['findings']) == sorted(state['expected'])
    warnings = helpers.warnings_of(result)
    assert len(warnings) == 1 and 'possible secret(s)' in warnings[0]
    for location in state['expected']:
        assert location in warnings[0]
    assert_no_leak(result)


def test_check_mode_scans_the_same(state, capsys):
    args = {'paths': [state['root']], 'fail_on_findings': False}
    normal = run_module(args, capsys)
    checked = run_module(dict(args, _ansible_check_mode=True), capsys)
    assert checked['changed'] is False
    assert checked['findings'] == normal['findings']
    assert checked['scanned_files'] == normal['scanned_files']


def test_accepted_and_stale_waivers(state, capsys):
    stale = '%s:99' % state['config']
    accepted = list(state['expected']) + [stale]
    result = run_module({'paths': [state['root']], 'accepted': accepted}, capsys)
    assert not result.get('failed'), result.get('msg')
    assert result['findings'] == []
    assert locations(result['accepted_findings']) == sorted(state['expected'])
    assert result['unused_accepted'] == [stale]


def test_partly_accepted_still_fails(state, capsys):
    result = run_module({'paths': [state['root']], 'accepted': [state['expected'][0]]}, capsys)
    assert result['failed'] is True
    assert locations(result['accepted_findings']) == [state['expected'][0]]
    assert locations(result['findings']) == sorted(state['expected'][1:])
    assert result['msg'].startswith('secret_scan found 3 possible secret(s)')
    assert state['expected'][0] not in result['msg']


def test_exclude_replaces_the_default_and_exclude_extra_adds(state, capsys):
    result = run_module({'paths': [state['root']], 'exclude': [], 'fail_on_findings': False}, capsys)
    found = locations(result['findings'])
    root = state['root']
    for hidden in ('credentials/whatsapp/default/creds.json:1', 'agents/main/agent/auth-profiles.json:1',
                   '.env:1', 'workspace/node_modules/x/test.js:1'):
        assert os.path.join(root, hidden) in found
    result = run_module({'paths': [root], 'exclude_extra': ['logs', '*.clawfleet.bak'], 'fail_on_findings': False}, capsys)
    assert locations(result['findings']) == sorted(['%s:5' % state['config'], '%s:3' % state['latin1']])


def test_a_path_given_by_name_is_scanned_even_if_excluded(state, capsys):
    env = os.path.join(state['root'], '.env')
    result = run_module({'paths': [env], 'fail_on_findings': False}, capsys)
    assert locations(result['findings']) == ['%s:1' % env]


def test_overlapping_paths_read_each_file_once(state, capsys):
    result = run_module({'paths': [state['root'], state['config'], state['root'] + '/'], 'fail_on_findings': False},
                        capsys)
    assert locations(result['findings']) == sorted(state['expected'])
    assert all(finding['count'] == 1 for finding in result['findings'])


def test_large_files_are_skipped(state, capsys):
    size = os.path.getsize(state['config'])
    result = run_module({'paths': [state['root']], 'max_file_bytes': size - 1, 'fail_on_findings': False}, capsys)
    assert {'path': state['config'], 'reason': 'too_large', 'size': size} in result['unread']
    assert '%s:5' % state['config'] not in locations(result['findings'])


def test_max_findings_truncates(state, capsys):
    result = run_module({'paths': [state['root']], 'max_findings': 2}, capsys)
    assert result['failed'] is True
    assert result['truncated'] is True
    assert len(result['findings']) == 2
    assert 'stopped at max_findings' in result['msg']


def test_missing_paths(tmp_path, capsys):
    gone = str(tmp_path / 'nothing-here')
    result = run_module({'paths': [gone]}, capsys)
    assert not result.get('failed')
    assert result['missing'] == [gone]
    assert result['scanned_files'] == 0
    result = run_module({'paths': [gone], 'require_paths': True}, capsys)
    assert result['failed'] is True
    assert gone in result['msg'] and 'require_paths' in result['msg']


def test_clean_folder_passes(tmp_path, capsys):
    write(tmp_path / 'openclaw.json', CONFIG[:4] + CONFIG[5:])
    result = run_module({'paths': [str(tmp_path)]}, capsys)
    assert not result.get('failed'), result.get('msg')
    assert result['findings'] == []
    assert result['scanned_files'] == 1


@pytest.mark.parametrize('args, expected', [
    ({}, 'Nothing to search'),
    ({'paths': ['/tmp'], 'max_file_bytes': 0}, 'max_file_bytes must be 1 or more'),
    ({'paths': ['/tmp'], 'max_findings': 0}, 'max_findings must be 1 or more'),
    ({'paths': ['/tmp'], 'patterns': ['fine', '(unclosed']}, 'patterns[1] is not a valid regular expression'),
])
def test_bad_arguments(args, expected, capsys):
    result = run_module(args, capsys)
    assert result['failed'] is True
    assert expected in result['msg']


def test_custom_pattern(tmp_path, capsys):
    value = 'corp_live_' + PASSWORD
    path = write(tmp_path / 'notes.md', ['intro', 'the corp key is %s' % value])
    result = run_module({'paths': [path], 'patterns': [r'corp_live_[A-Za-z0-9]{24}'], 'fail_on_findings': False}, capsys)
    assert result['findings'] == [dict(location='%s:2' % path, file=path, line=2, kind='custom', pattern=0,
                                       masked=u'\u2026(34 chars)', count=1)]
    assert_no_leak(result)


# ---- git history ------------------------------------------------------------

def git(repo, *args):
    command = [GIT, '-c', 'user.name=Test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgsign=false',
               '-c', 'init.defaultBranch=main', '-C', str(repo)] + list(args)
    return subprocess.check_output(command, env=GIT_ENV).decode('utf-8').strip()


def commit_file(repo, relative, lines, message):
    write(repo / relative, lines)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', message)
    return git(repo, 'rev-parse', 'HEAD')


@pytest.fixture
def repo(tmp_path):
    """A repository where commit 1 adds a key to config/openclaw.json and commit 2 removes it."""
    path = tmp_path / 'dotfiles'
    path.mkdir()
    git(path, 'init', '-q')
    first = commit_file(path, 'config/openclaw.json', CONFIG, 'add config')
    second = commit_file(path, 'config/openclaw.json', CONFIG[:4] + CONFIG[5:], 'remove the key')
    return dict(dir=path, path=str(path), first=first, second=second)


def test_git_history_finds_a_deleted_key(repo, capsys):
    result = run_module({'repos': [repo['path']]}, capsys)
    assert result['failed'] is True
    location = '%s@%s:config/openclaw.json' % (repo['path'], repo['first'][:12])
    assert result['findings'] == [dict(location=location, file='config/openclaw.json', line=5, commit=repo['first'],
                                       repo=repo['path'], kind='anthropic-api-key', masked=u'sk-ant-\u2026(108 chars)',
                                       count=1)]
    assert result['scanned_commits'] == 2
    assert result['scanned_files'] == 0
    assert u'%s (anthropic-api-key, sk-ant-\u2026(108 chars), added at line 5)' % location in result['msg']
    assert 'rotate and then rewrite or accept' in result['msg']
    assert_no_leak(result)
    assert_no_leak(result['_raw'])
    # the working tree is clean: a file scan alone finds nothing
    clean = run_module({'paths': [repo['path']]}, capsys)
    assert clean['findings'] == []


def test_git_history_accepted(repo, capsys):
    location = '%s@%s:config/openclaw.json' % (repo['path'], repo['first'][:12])
    result = run_module({'repos': [repo['path']], 'accepted': [location]}, capsys)
    assert not result.get('failed'), result.get('msg')
    assert [finding['location'] for finding in result['accepted_findings']] == [location]
    assert result['unused_accepted'] == []


def test_git_history_of_every_branch(repo, capsys):
    path = repo['path']
    git(path, 'checkout', '-q', '-b', 'experiment')
    third = commit_file(repo['dir'], 'notes/todo.md', ['# todo', '', 'github: %s' % GITHUB, 'tg: %s' % TELEGRAM], 'notes')
    git(path, 'checkout', '-q', 'main')
    result = run_module({'repos': [path + '/'], 'fail_on_findings': False}, capsys)
    assert result['scanned_commits'] == 3
    found = dict((finding['kind'], finding) for finding in result['findings'])
    assert found['github-token']['location'] == '%s@%s:notes/todo.md' % (path, third[:12])
    assert found['github-token']['line'] == 3
    assert found['telegram-bot-token']['line'] == 4
    assert_no_leak(result)


def test_git_one_finding_per_commit_file_and_kind(tmp_path, capsys):
    path = tmp_path / 'repo'
    path.mkdir()
    git(path, 'init', '-q')
    sha = commit_file(path, 'keys.txt', ['a', 'one %s' % GITHUB, 'two %s' % GITHUB], 'keys')
    result = run_module({'repos': [str(path)], 'fail_on_findings': False}, capsys)
    assert [(f['location'], f['line'], f['count']) for f in result['findings']] == [
        ('%s@%s:keys.txt' % (path, sha[:12]), 2, 2)]


def test_empty_repository(tmp_path, capsys):
    path = tmp_path / 'empty'
    path.mkdir()
    git(path, 'init', '-q')
    result = run_module({'repos': [str(path)]}, capsys)
    assert not result.get('failed'), result.get('msg')
    assert result['scanned_commits'] == 0


def test_not_a_repository_fails(tmp_path, capsys):
    folder = tmp_path / 'plain'
    folder.mkdir()
    result = run_module({'repos': [str(folder)]}, capsys)
    assert result['failed'] is True
    assert result['msg'].startswith('repos: %s is not a git repository' % folder)
    result = run_module({'repos': [str(tmp_path / 'absent')]}, capsys)
    assert result['failed'] is True
    assert result['msg'].startswith('repos: %s does not exist' % (tmp_path / 'absent'))


def test_missing_git_fails_clearly(repo, capsys, monkeypatch):
    real = AnsibleModule.get_bin_path

    def no_git(self, name, *args, **kwargs):
        return None if name == 'git' else real(self, name, *args, **kwargs)

    monkeypatch.setattr(AnsibleModule, 'get_bin_path', no_git)
    result = run_module({'repos': [repo['path']]}, capsys)
    assert result['failed'] is True
    assert 'git is not installed' in result['msg']
    assert 'Install git, or drop repos' in result['msg']


def test_git_commands_run_as_argument_lists(repo, capsys, monkeypatch):
    calls = []
    real = AnsibleModule.run_command

    def spy(self, args, *more, **kwargs):
        calls.append((args, kwargs.get('environ_update')))
        return real(self, args, *more, **kwargs)

    monkeypatch.setattr(AnsibleModule, 'run_command', spy)
    run_module({'repos': [repo['path']], 'fail_on_findings': False}, capsys)
    git_found = calls[0][0][0]
    assert os.path.basename(git_found) == 'git'
    assert [call[0] for call in calls] == [
        scan_utils.git_check_command(git_found, repo['path']), scan_utils.git_log_command(git_found, repo['path'])]
    assert all(call[1] == {'LC_ALL': 'C'} for call in calls)
