# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_retention on a throwaway state folder: old files go, nothing outside it ever does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
import time

import pytest

from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_retention
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

DAY = 86400
NOW = time.time()


def run_module(args, capsys):
    return helpers.run_module(openclaw_retention, args, capsys)


def put(path, days_old, text='x'):
    """A file last modified ``days_old`` days ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = NOW - days_old * DAY
    os.utime(str(path), (stamp, stamp))
    return path


def daily(days_ago):
    return (datetime.date.today() - datetime.timedelta(days=days_ago)).isoformat() + '.md'


@pytest.fixture
def tree(tmp_path):
    """A state folder as OpenClaw leaves it, plus a folder outside it with old files."""
    state = tmp_path / 'home' / '.openclaw'
    sessions = state / 'agents' / 'main' / 'sessions'
    files = {
        'old_transcript': put(sessions / 'aaaa.jsonl', 45),
        'old_trajectory': put(sessions / 'aaaa.trajectory.jsonl', 45),
        'old_trajectory_path': put(sessions / 'aaaa.trajectory-path.json', 45),
        'old_reset_archive': put(sessions / 'bbbb.jsonl.reset.2026-01-01T00-00-00.000Z', 40),
        'new_transcript': put(sessions / 'cccc.jsonl', 3),
        'store': put(sessions / 'sessions.json', 90, '{}'),
        'prompt_cache': put(sessions / 'skills-prompts' / 'sha256' / 'ab' / 'cache.txt', 90),
        'other_agent_old': put(state / 'agents' / 'coder' / 'sessions' / 'dddd.jsonl', 31),
        'agent_db': put(state / 'agents' / 'main' / 'agent' / 'openclaw-agent.sqlite', 90),
        'old_media': put(state / 'media' / 'inbound' / 'photo---1.jpg', 8, 'p' * 100),
        'old_media_top': put(state / 'media' / 'voice.ogg', 10, 'v' * 50),
        'new_media': put(state / 'media' / 'inbound' / 'photo---2.jpg', 2),
        'outgoing_media': put(state / 'media' / 'outgoing' / 'managed.png', 30),
        'memory_old': put(state / 'workspace' / 'memory' / daily(200), 200),
        'memory_big': put(state / 'workspace' / 'memory' / daily(3), 3, 'm' * 5000),
        'memory_fresh': put(state / 'workspace' / 'memory' / daily(1), 1),
        'memory_other_agent': put(state / 'workspace-coder' / 'memory' / daily(120).replace('.md', '-deploy.md'), 120),
        'config': put(state / 'openclaw.json', 90, '{}'),
        'state_db': put(state / 'state' / 'openclaw.sqlite', 90),
    }
    outside = tmp_path / 'elsewhere'
    files['outside_old'] = put(outside / 'precious.jsonl', 400)
    files['outside_media'] = put(outside / 'media' / 'family.jpg', 400)
    return state, outside, files


def args(state, **more):
    result = {'state_dir': str(state), 'memory_review_bytes': 1024, 'memory_review_days': 90}
    result.update(more)
    return result


def existing(files):
    return sorted(key for key, path in files.items() if os.path.lexists(str(path)))


PRUNED = ['old_transcript', 'old_trajectory', 'old_trajectory_path', 'old_reset_archive', 'other_agent_old',
          'old_media', 'old_media_top']


def test_prunes_old_sessions_and_media_and_keeps_everything_else(tree, capsys):
    state, dummy, files = tree
    result = run_module(args(state, _ansible_diff=True), capsys)
    assert result['_exit'] == 0, result
    assert result['changed'] is True
    assert sorted(result['deleted']) == sorted(str(files[key]) for key in PRUNED)
    assert result['would_delete'] == []
    # Five one-byte session files and two media files.
    assert result['bytes_freed'] == 5 + 100 + 50
    assert existing(files) == sorted(set(files) - set(PRUNED))
    assert result['diff']['after'] == ''
    assert sorted(result['diff']['before'].splitlines()) == sorted(result['deleted'])


def test_memory_files_are_listed_never_deleted(tree, capsys):
    state, dummy, files = tree
    result = run_module(args(state), capsys)
    review = dict((item['path'], item) for item in result['memory_review'])
    assert sorted(review) == sorted(str(files[key]) for key in ('memory_old', 'memory_big', 'memory_other_agent'))
    assert review[str(files['memory_big'])]['reasons'] == ['size']
    assert review[str(files['memory_big'])]['bytes'] == 5000
    assert review[str(files['memory_old'])]['reasons'] == ['age']
    assert review[str(files['memory_old'])]['age_days'] == 200
    # The largest first.
    assert result['memory_review'][0]['path'] == str(files['memory_big'])
    for key in ('memory_old', 'memory_big', 'memory_fresh', 'memory_other_agent'):
        assert files[key].exists(), key


def test_check_mode_lists_exactly_what_would_go_and_deletes_nothing(tree, capsys):
    state, dummy, files = tree
    before = helpers_snapshot(state)
    result = run_module(args(state, _ansible_check_mode=True, _ansible_diff=True), capsys)
    assert result['changed'] is True
    assert result['deleted'] == []
    assert sorted(result['would_delete']) == sorted(str(files[key]) for key in PRUNED)
    assert result['bytes_freed'] == 5 + 100 + 50
    assert helpers_snapshot(state) == before
    assert sorted(result['diff']['before'].splitlines()) == sorted(result['would_delete'])
    # The real run deletes exactly that list.
    real = run_module(args(state), capsys)
    assert sorted(real['deleted']) == sorted(result['would_delete'])


def test_report_only_changes_nothing_and_reports_no_change(tree, capsys):
    state, dummy, files = tree
    before = helpers_snapshot(state)
    result = run_module(args(state, delete=False), capsys)
    assert result['changed'] is False
    assert len(result['would_delete']) == len(PRUNED)
    assert helpers_snapshot(state) == before


def test_second_run_changes_nothing(tree, capsys):
    state, dummy, dummy2 = tree
    assert run_module(args(state), capsys)['changed'] is True
    again = run_module(args(state), capsys)
    assert again['changed'] is False
    assert again['deleted'] == [] and again['bytes_freed'] == 0


def test_retention_days_are_honoured(tree, capsys):
    state, dummy, files = tree
    result = run_module(args(state, session_days=60, media_days=9, _ansible_check_mode=True), capsys)
    assert sorted(result['would_delete']) == [str(files['old_media_top'])]


def test_symlinks_inside_are_skipped_never_followed(tree, capsys):
    state, outside, files = tree
    sessions = state / 'agents' / 'main' / 'sessions'
    (sessions / 'linked.jsonl').symlink_to(files['outside_old'])
    (state / 'media' / 'archive').symlink_to(outside / 'media')
    (state / 'media' / 'family.jpg').symlink_to(files['outside_media'])
    os.utime(str(sessions / 'linked.jsonl'), (NOW - 400 * DAY,) * 2, follow_symlinks=False)
    result = run_module(args(state), capsys)
    assert result['_exit'] == 0, result
    skipped = sorted(item['path'] for item in result['not_followed'])
    assert skipped == sorted(str(p) for p in (sessions / 'linked.jsonl', state / 'media' / 'archive',
                                              state / 'media' / 'family.jpg'))
    assert all(item['reason'] == 'symbolic link, not followed' for item in result['not_followed'])
    assert files['outside_old'].exists() and files['outside_media'].exists()
    assert os.path.islink(str(sessions / 'linked.jsonl')) and os.path.islink(str(state / 'media' / 'archive'))


@pytest.mark.parametrize('key, value', [
    ('media_dirs', ['OUTSIDE']),
    ('media_dirs', ['OUTSIDE/media']),
    ('session_dirs', ['../../elsewhere']),
    ('session_dirs', ['agents/../../../elsewhere']),
    ('media_dirs', ['/etc']),
    ('memory_dirs', ['../elsewhere']),
])
def test_a_path_outside_the_state_folder_is_refused_and_nothing_deleted(tree, capsys, key, value):
    state, outside, files = tree
    value = [item.replace('OUTSIDE', str(outside)) for item in value]
    before = helpers_snapshot(state.parent.parent)
    result = run_module(args(state, **{key: value}), capsys)
    assert result['_exit'] == 1
    assert result.get('failed') is True
    assert key in result['msg'] and 'state folder' in result['msg']
    assert result['deleted'] == []
    assert helpers_snapshot(state.parent.parent) == before


def test_a_configured_folder_that_links_outside_is_refused_and_nothing_deleted(tree, capsys):
    state, outside, files = tree
    (state / 'uploads').symlink_to(outside)
    before = helpers_snapshot(state.parent.parent)
    result = run_module(args(state, media_dirs=['media', 'uploads']), capsys)
    assert result['_exit'] == 1
    assert 'symbolic link' in result['msg'] and str(outside) in result['msg'] and 'nothing was deleted' in result['msg']
    # The media folder listed first was not pruned either: refusals come before any deletion.
    assert helpers_snapshot(state.parent.parent) == before


def test_an_absolute_path_inside_the_state_folder_is_accepted(tree, capsys):
    state, dummy, files = tree
    result = run_module(args(state, session_dirs=[], media_dirs=[str(state / 'media')]), capsys)
    assert sorted(result['deleted']) == sorted(str(files[key]) for key in ('old_media', 'old_media_top'))


@pytest.mark.parametrize('value, words', [
    (['.'], 'whole state folder'),
    ([''], 'empty entry'),
    (['credentials'], 'credentials'),
    (['state'], 'databases'),
    (['workspace'], 'workspaces'),
    (['agents'], 'agents/*/sessions'),
    (['agents/main/agent'], 'agents/*/sessions'),
    (['workspace-coder/memory'], 'workspaces'),
    (['media/memory'], 'never deleted'),
])
def test_protected_folders_are_refused(tree, capsys, value, words):
    state, dummy, dummy2 = tree
    before = helpers_snapshot(state)
    result = run_module(args(state, media_dirs=value), capsys)
    assert result['_exit'] == 1
    assert words in result['msg'], result['msg']
    assert helpers_snapshot(state) == before


def test_stores_databases_and_memory_names_are_never_deleted(tree, capsys):
    state, dummy, files = tree
    put(state / 'media' / 'stray.sqlite', 90)
    put(state / 'media' / 'notes' / daily(60), 60)
    put(state / 'media' / 'memory' / 'anything.bin', 60)
    sessions = state / 'agents' / 'main' / 'sessions'
    result = run_module(args(state, session_patterns=['*'], media_days=1), capsys)
    deleted = set(result['deleted'])
    for path in (sessions / 'sessions.json', state / 'media' / 'stray.sqlite', state / 'media' / 'notes' / daily(60),
                 state / 'media' / 'memory' / 'anything.bin'):
        assert str(path) not in deleted and path.exists(), path


def test_missing_folders_are_fine(tmp_path, capsys):
    state = tmp_path / '.openclaw'
    state.mkdir()
    result = run_module(args(state), capsys)
    assert result['_exit'] == 0
    assert result['changed'] is False and result['memory_review'] == [] and result['not_followed'] == []


def test_a_state_folder_reached_through_a_link_is_its_real_path(tree, tmp_path, capsys):
    state, dummy, files = tree
    link = tmp_path / 'link-to-state'
    link.symlink_to(state)
    result = run_module(args(link, _ansible_check_mode=True), capsys)
    assert result['state_dir'] == str(state)
    assert len(result['would_delete']) == len(PRUNED)


@pytest.mark.parametrize('extra, words', [
    ({'state_dir': 'relative/.openclaw'}, 'absolute'),
    ({'session_days': 0}, 'session_days'),
    ({'media_days': -1}, 'media_days'),
    ({'memory_review_bytes': 0}, 'memory_review_bytes'),
])
def test_bad_arguments(tree, capsys, extra, words):
    state, dummy, dummy2 = tree
    result = run_module(args(state, **extra), capsys)
    assert result['_exit'] == 1
    assert words in result['msg']


def test_missing_state_folder(tmp_path, capsys):
    result = run_module({'state_dir': str(tmp_path / 'nope')}, capsys)
    assert result['_exit'] == 1
    assert 'does not exist' in result['msg']


def helpers_snapshot(root):
    """Every path under ``root`` (links not followed) with its kind, size and mtime."""
    seen = {}
    for folder, dirs, names in os.walk(str(root)):
        for name in dirs + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            seen[path] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return seen


# --------------------------------------------------------------------------
# log_dir: the log folder and log files private in the same call
# --------------------------------------------------------------------------

def mode_of(path):
    return os.stat(str(path)).st_mode & 0o777


def logs(state):
    folder = state / 'logs'
    made = [put(folder / name, 1) for name in ('openclaw.log', 'openclaw.1.log', 'notes.txt')]
    os.chmod(str(folder), 0o755)
    for path in made:
        os.chmod(str(path), 0o644)
    return folder, made


LOG_PATTERNS = ['openclaw.log', 'openclaw.[1-9].log']


def test_log_folder_and_log_files_are_made_private_then_nothing_changes(tree, capsys):
    state, dummy, dummy2 = tree
    folder, (current, rotated, other) = logs(state)
    run_module(args(state), capsys)
    result = run_module(args(state, log_dir=str(folder), log_patterns=LOG_PATTERNS, _ansible_diff=True), capsys)
    assert result['_exit'] == 0, result
    assert result['changed'] is True and result['deleted'] == []
    assert result['private'] == [{'path': str(folder), 'old': '0755', 'new': '0700'},
                                 {'path': str(rotated), 'old': '0644', 'new': '0600'},
                                 {'path': str(current), 'old': '0644', 'new': '0600'}]
    assert (mode_of(folder), mode_of(current), mode_of(rotated), mode_of(other)) == (0o700, 0o600, 0o600, 0o644)
    assert '%s 0600\n' % current in result['diff']['after']
    again = run_module(args(state, log_dir=str(folder), log_patterns=LOG_PATTERNS), capsys)
    assert again['changed'] is False and again['private'] == []


def test_log_modes_in_check_mode_are_reported_not_set(tree, capsys):
    state, dummy, dummy2 = tree
    folder, made = logs(state)
    missing = state / 'new-logs'
    result = run_module(args(state, log_dir=str(folder), log_patterns=LOG_PATTERNS, _ansible_check_mode=True), capsys)
    assert result['changed'] is True and len(result['private']) == 3
    assert mode_of(folder) == 0o755 and all(mode_of(path) == 0o644 for path in made)
    created = run_module(args(state, log_dir=str(missing), _ansible_check_mode=True), capsys)
    assert created['private'] == [{'path': str(missing), 'old': None, 'new': '0700'}]
    assert not missing.exists()


def test_a_missing_log_folder_is_created_private(tree, capsys):
    state, dummy, dummy2 = tree
    result = run_module(args(state, log_dir=str(state / 'logs')), capsys)
    assert result['private'] == [{'path': str(state / 'logs'), 'old': None, 'new': '0700'}]
    assert mode_of(state / 'logs') == 0o700


def test_a_log_folder_of_another_user_fails_before_anything_is_pruned(tree, capsys, monkeypatch):
    state, dummy, files = tree
    folder, dummy2 = logs(state)
    monkeypatch.setattr(os, 'geteuid', lambda: 4242)
    result = run_module(args(state, log_dir=str(folder), log_patterns=LOG_PATTERNS), capsys)
    assert result['failed'] is True
    assert 'Cannot keep the logs in %s private (nothing was pruned)' % folder in result['msg']
    assert 'chown -R ' in result['msg']
    assert existing(files) == sorted(files) and mode_of(folder) == 0o755


def test_a_log_folder_that_is_a_link_is_refused(tree, tmp_path, capsys):
    state, dummy, files = tree
    target = tmp_path / 'shared-logs'
    target.mkdir()
    (state / 'logs').symlink_to(target)
    result = run_module(args(state, log_dir=str(state / 'logs')), capsys)
    assert result['failed'] is True and 'is a symbolic link' in result['msg']
    assert existing(files) == sorted(files)
