# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_backup_schedule on a throwaway root, with systemctl answering from real recorded output.

The recordings (``tests/unit/fixtures/systemd/*.json``) are systemd 252's
answers in the collection's test image, made by ``record.py`` there. Each
case names the exact systemctl calls the module must make.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import stat

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_backup_schedule
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')

TIMER = 'openclaw-backup.timer'
PROGRAM = '#!/usr/bin/env python3\nprint("backup")\n'
SERVICE = '[Service]\nType=oneshot\nExecStart=/usr/bin/python3 /opt/clawfleet/openclaw-backup.py run\n'
TIMER_TEXT = '[Timer]\nOnCalendar=*-*-* 03:15:00\n'


def recording(name):
    return helpers.systemd_recording(name)


class Root(object):
    """Folders for the program, the units and cron; systemctl plays a script of recorded answers."""

    def __init__(self, tmp_path, monkeypatch, script=()):
        self.program = tmp_path / 'opt' / 'clawfleet' / 'openclaw-backup.py'
        self.units = tmp_path / 'etc' / 'systemd' / 'system'
        self.units.mkdir(parents=True)
        self.cron = tmp_path / 'etc' / 'cron.d' / 'openclaw-backup'
        self.script = list(script)
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, *a, **k: '/bin/' + name)
        monkeypatch.setattr(openclaw_backup_schedule, 'CRON_DAEMONS', (str(tmp_path / 'usr' / 'sbin' / 'cron'),))
        self.cron_daemon = tmp_path / 'usr' / 'sbin' / 'cron'

    def run_command(self, args, **kwargs):
        assert isinstance(args, list) and kwargs['check_rc'] is False
        self.calls.append(args[1:])
        assert len(self.calls) <= len(self.script), 'unexpected call %r' % (args,)
        rec = recording(self.script[len(self.calls) - 1])
        assert args == ['/bin/systemctl'] + rec['cmd'][1:], 'call %d' % len(self.calls)
        return rec['rc'], rec['stdout'], rec['stderr']

    def args(self, kind='systemd', **extra):
        args = dict(kind=kind, program_path=str(self.program), program_content=PROGRAM, unit_dir=str(self.units),
                    cron_file=str(self.cron))
        if kind == 'systemd':
            args.update(service_content=SERVICE, timer_content=TIMER_TEXT)
        else:
            args.update(cron_content='15 3 * * * openclaw /usr/bin/python3 /opt/clawfleet/openclaw-backup.py run\n')
        args.update(extra)
        return args

    def unit(self, suffix):
        return self.units / ('openclaw-backup.' + suffix)


def run(root, capsys, **args):
    return helpers.run_module(openclaw_backup_schedule, root.args(**args), capsys)


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def install(root):
    root.program.parent.mkdir(parents=True)
    for path, text in ((root.program, PROGRAM), (root.unit('service'), SERVICE), (root.unit('timer'), TIMER_TEXT)):
        path.write_text(text)
        os.chmod(str(path), 0o644)


SHOW = ['show', '--property=LoadState,UnitFileState,ActiveState,NeedDaemonReload', TIMER]


def test_a_new_schedule_is_written_then_reloaded_enabled_and_started(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_not_found', 'daemon_reload', 'enable_now'])
    result = run(root, capsys, _ansible_diff=True)
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True
    assert result['actions'] == ['daemon-reload', 'enable --now ' + TIMER]
    assert root.calls == [SHOW, ['daemon-reload'], ['enable', '--now', TIMER]]
    assert result['timer']['LoadState'] == 'not-found'
    assert root.program.read_text() == PROGRAM and root.unit('timer').read_text() == TIMER_TEXT
    assert [mode(path) for path in (root.program, root.unit('service'), root.unit('timer'))] == [0o644] * 3
    assert mode(root.program.parent) == 0o755
    assert [item['created'] for item in result['files']] == [True, True, True]
    program_diff, service_diff, timer_diff = result['diff']
    assert program_diff['after'] == 'sha256 %s\n' % hashlib.sha256(PROGRAM.encode()).hexdigest()
    assert service_diff['before'] == '' and timer_diff['after'] == TIMER_TEXT
    assert not [name for name in os.listdir(str(root.units)) if name.startswith('.clawfleet-')]


def test_an_installed_schedule_changes_nothing_with_one_systemctl_show(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_enabled_active'])
    install(root)
    before = os.stat(str(root.unit('timer'))).st_mtime_ns
    result = run(root, capsys, _ansible_diff=True)
    assert result['changed'] is False and result['actions'] == []
    assert root.calls == [SHOW]
    assert 'diff' not in result
    assert os.stat(str(root.unit('timer'))).st_mtime_ns == before


def test_a_changed_time_rewrites_the_timer_and_restarts_it(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_enabled_active', 'daemon_reload', 'restart'])
    install(root)
    result = run(root, capsys, timer_content=TIMER_TEXT.replace('03:15', '04:30'))
    assert result['actions'] == ['daemon-reload', 'restart ' + TIMER]
    assert root.calls == [SHOW, ['daemon-reload'], ['restart', TIMER]]
    assert [item['changed'] for item in result['files']] == [False, False, True]
    assert '04:30' in root.unit('timer').read_text()


def test_a_disabled_timer_is_enabled_and_started(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_disabled_inactive', 'enable_now'])
    install(root)
    result = run(root, capsys)
    assert result['changed'] is True and result['actions'] == ['enable --now ' + TIMER]
    assert [item['changed'] for item in result['files']] == [False, False, False]


def test_units_changed_behind_systemds_back_are_reloaded(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_needs_reload', 'daemon_reload'])
    install(root)
    result = run(root, capsys)
    assert result['changed'] is True and result['actions'] == ['daemon-reload']


def test_check_mode_reports_and_writes_and_starts_nothing(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_not_found'])
    result = run(root, capsys, _ansible_check_mode=True)
    assert result['changed'] is True
    assert result['actions'] == ['daemon-reload', 'enable --now ' + TIMER]
    assert root.calls == [SHOW]
    assert not root.program.parent.exists() and os.listdir(str(root.units)) == []


def test_a_file_with_a_wider_mode_is_rewritten_0644(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_enabled_active'])
    install(root)
    os.chmod(str(root.program), 0o666)
    result = run(root, capsys)
    assert result['changed'] is True and result['actions'] == []
    assert mode(root.program) == 0o644


def test_a_failing_systemctl_fails_with_its_message(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch, ['show_not_found', 'daemon_reload', 'enable_now_missing'])
    monkeypatch.setattr(openclaw_backup_schedule, 'systemctl', wrap_missing(openclaw_backup_schedule.systemctl))
    result = run(root, capsys)
    assert result['failed'] is True
    assert 'Unit file no-such-unit.timer does not exist' in result['msg'] and 'journalctl' in result['msg']


def wrap_missing(real):
    """Ask for the recorded missing unit where the module enables its timer."""
    def call(module, *args):
        if args[:1] == ('enable',):
            args = ('enable', '--now', 'no-such-unit.timer')
        return real(module, *args)
    return call


def test_a_link_in_place_of_a_unit_is_refused_before_anything(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch)
    (tmp_path / 'elsewhere').write_text('x')
    root.unit('timer').symlink_to(tmp_path / 'elsewhere')
    result = run(root, capsys)
    assert result['failed'] is True and 'is a symbolic link' in result['msg']
    assert not root.program.exists() and root.calls == []


@pytest.mark.parametrize('daemon', [True, False])
def test_cron_writes_the_entry_and_says_whether_a_daemon_runs_it(daemon, tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch)
    if daemon:
        helpers.put(root.cron_daemon, '#!/bin/sh\n', mode=0o755)
    result = run(root, capsys, kind='cron')
    assert result['_exit'] == 0, result.get('msg')
    assert result['changed'] is True and result['cron_daemon'] is daemon
    assert mode(root.cron) == 0o644 and root.cron.read_text().startswith('15 3 * * * openclaw ')
    assert root.calls == [] and os.listdir(str(root.units)) == []
    again = run(root, capsys, kind='cron')
    assert again['changed'] is False


def test_relative_paths_are_refused(tmp_path, monkeypatch, capsys):
    root = Root(tmp_path, monkeypatch)
    result = run(root, capsys, program_path='openclaw-backup.py')
    assert result['failed'] is True and 'program_path must be an absolute path' in result['msg']
