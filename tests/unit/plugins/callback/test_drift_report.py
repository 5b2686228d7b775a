# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report callback, fed with task results recorded from real runs.

The fixtures under ``tests/unit/fixtures/callback/<version>/`` are results as
Ansible handed them to callbacks during real runs of
``tests/integration/playbooks/drift_local.yml`` (see ``record.py`` there).
Each is replayed as a real ``CallbackTaskResult`` of a real ``Task`` and
``Host``; the no_log cases also go through Ansible's own censoring.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible import context
from ansible.executor.stats import AggregateStats
from ansible.executor.task_result import CallbackTaskResult, _RawTaskResult
from ansible.inventory.host import Host
from ansible.module_utils.common.collections import ImmutableDict
from ansible.playbook.handler import Handler
from ansible.playbook.task import Task
from ansible.plugins.loader import callback_loader

from ansible_collections.clawfleet.openclaw.tests.unit import helpers

FIXTURES = os.path.join(helpers.FIXTURES, 'callback')
VERSIONS = ['2026.9.6', '2026.6.5']
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(helpers.FIXTURES))))
HIDDEN = 'changed (details hidden: no_log)'
MASK = '********'
CONFIG_TASK = 'Apply the collected config fragments to openclaw.json'


def fixture(version, name):
    with open(os.path.join(FIXTURES, version, name + '.json')) as handle:
        return json.load(handle)


def load_callback():
    """A new instance of the plugin, loaded by Ansible's plugin loader with its documented options.

    The collection's package is already imported through ``tests/conftest.py``,
    so the plugin is loaded from its folder; its own imports go through the
    collection's name as at run time.
    """
    callback_loader.add_directory(os.path.join(REPO, 'plugins', 'callback'))
    callback = callback_loader.get('drift_report')
    assert callback is not None, 'the plugin did not load'
    return callback


class Run(object):
    """One playbook run as the callback sees it: events in order, then the stats."""

    def __init__(self, monkeypatch, check, **options):
        monkeypatch.setattr(context, 'CLIARGS', ImmutableDict(check=check))
        self.callback = load_callback()
        self.callback.set_options(direct=options)
        self.stats = AggregateStats()
        self.hosts = {}

    def host(self, name):
        return self.hosts.setdefault(name, Host(name))

    def replay(self, recorded, host=None, raw=False, **task_changes):
        """Send one recorded result; ``raw`` sends it through Ansible's censoring first."""
        task_data = dict(recorded['task'], **task_changes)
        handler = task_data.pop('handler')
        check_mode = task_data.pop('check_mode')
        loader = Handler if handler else Task
        task = loader.load({'name': task_data['name'], 'action': task_data['action'], 'no_log': task_data['no_log']})
        fields = {'name': task_data['name'], 'action': task_data['action'], 'check_mode': check_mode,
                  'no_log': task_data['no_log']}
        name = host or recorded['host']
        data = json.loads(json.dumps(recorded['result']))
        if raw:
            result = _RawTaskResult(self.host(name), task, data, fields).as_callback_task_result()
        else:
            result = CallbackTaskResult(self.host(name), task, data, fields)
        event = recorded['event']
        if event == 'ok':
            self.stats.increment('ok', name)
            if data.get('changed'):
                self.stats.increment('changed', name)
            self.callback.v2_runner_on_ok(result)
        elif event == 'failed':
            ignored = bool(recorded.get('ignore_errors'))
            self.stats.increment('ignored' if ignored else 'failures', name)
            self.callback.v2_runner_on_failed(result, ignore_errors=ignored)
        elif event == 'skipped':
            self.stats.increment('skipped', name)
            self.callback.v2_runner_on_skipped(result)
        elif event == 'unreachable':
            self.stats.increment('dark', name)
            self.callback.v2_runner_on_unreachable(result)
        return result

    def finish(self, capsys):
        self.callback.v2_playbook_on_stats(self.stats)
        return capsys.readouterr().out


def table_rows(output):
    """The rows of the printed table, without its title and header."""
    lines = output.splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith(('DRIFT REPORT', 'CHANGE REPORT'))]
    assert start, output
    rows = []
    for line in lines[start[0] + 2:]:
        if not line.strip() or line.startswith('drift report written'):
            break
        rows.append(line)
    return rows


@pytest.mark.parametrize('version', VERSIONS)
def test_hand_edited_token_is_the_only_drift_and_masked(version, monkeypatch, capsys, tmp_path):
    target = tmp_path / 'reports' / 'drift' / 'drift.json'
    run = Run(monkeypatch, check=True, output_file=str(target))
    run.replay(fixture(version, 'edited-config'))
    run.replay(fixture(version, 'edited-config-steady'))
    run.replay(fixture(version, 'edited-secret-steady'))
    run.replay(fixture(version, 'fresh-password-skipped'), host='steady')
    output = run.finish(capsys)

    assert 'DRIFT REPORT (check mode): 1 of 2 host(s) drifted' in output
    rows = table_rows(output)
    assert len(rows) == 2, output
    assert rows[0].split()[:4] == ['drifted', 'gateway.auth.token', MASK, '\u2192'], output
    assert '{"id": "value", "provider": "gateway_auth", "source": "file"}' in rows[0]
    assert rows[0].endswith(CONFIG_TASK)
    assert rows[1].split() == ['steady', 'no', 'drift']

    report = json.loads(target.read_text())
    assert report == {
        'check_mode': True, 'playbook': '',
        'hosts': {
            'drifted': {'drifted': True, 'status': 'ok', 'failed_tasks': [], 'notes': [], 'changes': [{
                'action': 'change', 'kind': 'setting', 'module': 'clawfleet.openclaw.openclaw_config',
                'path': 'gateway.auth.token', 'old': MASK,
                'new': {'id': 'value', 'provider': 'gateway_auth', 'source': 'file'}, 'task': CONFIG_TASK}]},
            'steady': {'drifted': False, 'status': 'ok', 'failed_tasks': [], 'notes': [], 'changes': []},
        }}
    text = target.read_text()
    assert text == json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + '\n'
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(target.parent)).st_mode) == 0o700
    assert 'drift report written to %s' % target in output
    assert [name for name in os.listdir(str(target.parent)) if name != 'drift.json'] == []


@pytest.mark.parametrize('version', VERSIONS)
def test_fresh_host_lists_settings_files_and_hides_no_log(version, monkeypatch, capsys):
    run = Run(monkeypatch, check=True)
    run.replay(fixture(version, 'fresh-secret'))
    run.replay(fixture(version, 'fresh-password-skipped'))
    run.replay(fixture(version, 'fresh-state-dir'))
    run.replay(fixture(version, 'fresh-log-dir'))
    config = fixture(version, 'fresh-config')
    run.replay(config)
    # The state folder is made private again after the restart: the same drift, reported once.
    run.replay(fixture(version, 'fresh-state-dir'))
    output = run.finish(capsys)
    report = run.callback.report(run.stats)
    changes = report['hosts']['drifted']['changes']

    assert changes[0] == {'task': 'Keep the Gateway token in a private file, outside openclaw.json',
                          'module': 'clawfleet.openclaw.openclaw_secret', 'kind': 'hidden', 'path': '-',
                          'action': 'changed', 'old': None, 'new': None, 'detail': HIDDEN}
    files = [(c['path'], c['old'], c['new']) for c in changes if c['kind'] == 'task']
    assert files == [('<ROOT>/drifted/.openclaw mode', '0755', '0700'),
                     ('<ROOT>/drifted/.openclaw/logs state', 'absent', 'directory')]
    settings = [c['path'] for c in changes if c['kind'] == 'setting']
    assert settings == [entry['path'] for entry in config['result']['changes']]
    assert 'gateway.bind' in settings and 'gateway.auth.mode' in settings
    bind = [c for c in changes if c['path'] == 'gateway.bind'][0]
    assert (bind['old'], bind['new'], bind['action']) == ('lan', 'loopback', 'change')
    token = [c for c in changes if c['path'] == 'gateway.auth.token'][0]
    assert (token['old'], token['action']) == (None, 'add')

    rows = table_rows(output)
    assert len(rows) == len(changes)
    assert rows[0].split()[:2] == ['drifted', '-'] and HIDDEN in rows[0]
    assert '"0755" \u2192 "0700"' in output
    assert '(absent) \u2192 {"id": "value", "provider": "gateway_auth", "source": "file"}' in output
    # Long values are cut at max_value_length (80) in the table, kept whole in the report.
    tools = [row for row in rows if row.split()[1] == 'tools'][0]
    assert '(absent) \u2192 {"agentToAgent": {"enabled": false}, "deny": ["group:automation", "group:runt...' in tools
    assert [c for c in changes if c['path'] == 'tools'][0]['new']['profile'] == 'messaging'
    assert report['hosts']['drifted']['status'] == 'ok'


@pytest.mark.parametrize('version', VERSIONS)
def test_no_log_result_is_censored_and_never_read(version, monkeypatch, capsys, tmp_path):
    target = tmp_path / 'drift.json'
    run = Run(monkeypatch, check=True, output_file=str(target))
    recorded = fixture(version, 'fresh-config')
    # The real openclaw_config result, run with no_log: Ansible's own censoring, then the callback.
    result = run.replay(recorded, raw=True, no_log=True)
    assert 'censored' in result.result and 'changes' not in result.result
    output = run.finish(capsys)

    changes = json.loads(target.read_text())['hosts']['drifted']['changes']
    assert changes == [{'task': CONFIG_TASK, 'module': 'clawfleet.openclaw.openclaw_config', 'kind': 'hidden',
                        'path': '-', 'action': 'changed', 'old': None, 'new': None, 'detail': HIDDEN}]
    for entry in recorded['result']['changes']:
        assert entry['path'] not in output and entry['path'] not in target.read_text()
    assert 'loopback' not in output


@pytest.mark.parametrize('version', VERSIONS)
def test_file_mode_fix_is_a_row_with_the_path_and_mode(version, monkeypatch, capsys):
    run = Run(monkeypatch, check=True)
    run.replay(fixture(version, 'mode-file'))
    run.replay(fixture(version, 'mode-config'))
    output = run.finish(capsys)
    rows = [row.split() for row in table_rows(output)]
    path = '<ROOT>/steady/.openclaw/openclaw.json'
    assert rows[0][:6] == ['steady', path, 'mode', '"0644"', '\u2192', '"0600"']
    assert ' '.join(rows[0][6:]) == 'Ensure openclaw.json belongs to root'
    assert rows[1][:2] == ['steady', path]
    assert 'changed (same content; file attributes differ)' in ' '.join(rows[1])
    assert ' '.join(rows[1]).endswith(CONFIG_TASK)
    assert len(rows) == 2


@pytest.mark.parametrize('version', VERSIONS)
def test_failed_unreachable_and_skipped_hosts(version, monkeypatch, capsys, tmp_path):
    target = tmp_path / 'drift.json'
    run = Run(monkeypatch, check=True, output_file=str(target))
    run.replay(fixture(version, 'unreachable-host'))
    run.replay(fixture(version, 'refused-guard'))
    run.replay(fixture(version, 'fresh-password-skipped'), host='idle')
    output = run.finish(capsys)
    hosts = json.loads(target.read_text())['hosts']

    assert hosts['gone']['status'] == 'unreachable'
    assert 'Connection refused' in hosts['gone']['unreachable']
    assert hosts['drifted']['status'] == 'failed' and hosts['drifted']['drifted'] is False
    failed = hosts['drifted']['failed_tasks']
    assert [item['task'] for item in failed] == ['Refuse a short Gateway secret']
    assert failed[0]['msg'].startswith('The Gateway token (openclaw_gateway_token) must be at least 32 characters')
    assert hosts['idle']['status'] == 'skipped'
    rows = dict((row.split()[0], row) for row in table_rows(output))
    assert 'unreachable: ' in rows['gone'] and 'Connection refused' in rows['gone']
    assert 'failed: Refuse a short Gateway secret' in rows['drifted']
    assert 'skipped (every task was skipped)' in rows['idle']
    assert 'no drift' not in output


@pytest.mark.parametrize('version', VERSIONS)
def test_real_run_reports_nothing_unless_asked(version, monkeypatch, capsys, tmp_path):
    target = tmp_path / 'drift.json'
    run = Run(monkeypatch, check=False, output_file=str(target))
    run.replay(fixture(version, 'converge-config'))
    output = run.finish(capsys)
    assert 'REPORT' not in output
    assert not target.exists()

    run = Run(monkeypatch, check=False, output_file=str(target), check_mode_only=False)
    config = fixture(version, 'converge-config')
    run.replay(config)
    run.replay(fixture(version, 'converge-state-dir'))
    output = run.finish(capsys)
    assert 'CHANGE REPORT (this run): 1 of 1 host(s) changed' in output
    report = json.loads(target.read_text())
    assert report['check_mode'] is False
    changes = report['hosts']['drifted']['changes']
    assert [c['path'] for c in changes[:-1]] == [entry['path'] for entry in config['result']['changes']]
    # Without --diff the file module says only that it changed, and where.
    assert changes[-1] == {'task': 'Ensure the state folder is private to root', 'module': 'ansible.builtin.file',
                           'kind': 'task', 'path': '<ROOT>/drifted/.openclaw', 'action': 'changed', 'old': None,
                           'new': None, 'detail': 'changed'}


def test_a_check_mode_task_in_a_real_run_is_reported(monkeypatch, capsys):
    run = Run(monkeypatch, check=False)
    run.replay(fixture('2026.9.6', 'edited-config'))
    output = run.finish(capsys)
    assert 'DRIFT REPORT (check mode): 1 of 1 host(s) drifted' in output
    assert run.callback.report(run.stats)['check_mode'] is True


def test_real_changes_made_in_a_check_run_and_handlers_are_not_drift(monkeypatch, capsys):
    run = Run(monkeypatch, check=True)
    # A task with check_mode: false really runs in a check run; a handler follows from other changes.
    run.replay(fixture('2026.9.6', 'edited-config'), check_mode=False)
    run.replay(fixture('2026.9.6', 'fresh-state-dir'), handler=True)
    output = run.finish(capsys)
    assert [row.split() for row in table_rows(output)] == [['drifted', 'no', 'drift']]


def test_ignored_failure_is_a_note(monkeypatch, capsys):
    run = Run(monkeypatch, check=True)
    recorded = dict(fixture('2026.9.6', 'refused-guard'), ignore_errors=True)
    run.replay(recorded)
    output = run.finish(capsys)
    host = run.callback.report(run.stats)['hosts']['drifted']
    assert host['status'] == 'ok' and host['failed_tasks'] == []
    assert host['notes'][0].startswith('Refuse a short Gateway secret: failed (ignored): The Gateway token')
    rows = table_rows(output)
    assert rows[0].split() == ['drifted', 'no', 'drift']
    assert rows[1].split()[:3] == ['drifted', 'note:', 'Refuse']


def test_values_are_masked_again_whatever_the_module_returned(monkeypatch, capsys, tmp_path):
    """A module that returns {path, old, new} without redaction still shows no secret.

    The secret values are plain words (no credential shape), so only the key
    decides; the credential-shaped one sits under a harmless key.
    """
    target = tmp_path / 'drift.json'
    run = Run(monkeypatch, check=True, output_file=str(target))
    recorded = fixture('2026.9.6', 'edited-config')
    recorded['result']['changes'] = [
        {'path': 'channels.discord.accounts.main.signingKey', 'old': 'plain-words-one', 'new': 'plain-words-two'},
        {'path': 'models.providers.budget.apiKey', 'old': None, 'new': 'plain-words-three'},
        {'path': 'models.providers.budget.headers', 'old': {}, 'new': {'X-Api-Key': 'plain-words-four',
                                                                       'X-Team': 'blue'}},
        {'path': 'hooks.notify.url', 'old': 'https://hooks.example.invalid/a',
         'new': 'https://hooks.example.invalid/sk-ant-api03-' + 'Q' * 24},
        {'path': 'channels.telegram.botToken', 'old': '${TELEGRAM_BOT_TOKEN}',
         'new': {'source': 'env', 'provider': 'default', 'id': 'TELEGRAM_BOT_TOKEN'}},
    ]
    secret_file = fixture('2026.9.6', 'mode-file')
    secret_file['task']['name'] = 'Write the provider env file'
    secret_file['result']['diff'] = {'before_header': '/home/openclaw/.openclaw/.env',
                                     'after_header': '/home/openclaw/.openclaw/.env',
                                     'before': 'plain-words-five\n', 'after': 'plain-words-six\n'}
    run.replay(recorded)
    run.replay(secret_file, host='drifted')
    output = run.finish(capsys)
    text = target.read_text()
    for secret in ('plain-words-one', 'plain-words-two', 'plain-words-three', 'plain-words-four',
                   'plain-words-five', 'plain-words-six', 'Q' * 24):
        assert secret not in output and secret not in text
    changes = dict((c['path'], c) for c in json.loads(text)['hosts']['drifted']['changes'])
    assert changes['channels.discord.accounts.main.signingKey']['old'] == MASK
    assert changes['models.providers.budget.apiKey']['new'] == MASK
    assert changes['models.providers.budget.headers']['new'] == {'X-Api-Key': MASK, 'X-Team': 'blue'}
    assert changes['hooks.notify.url']['old'] == 'https://hooks.example.invalid/a'
    assert changes['hooks.notify.url']['new'] == MASK
    # References name where a secret lives; they stay readable.
    assert changes['channels.telegram.botToken']['old'] == '${TELEGRAM_BOT_TOKEN}'
    assert changes['channels.telegram.botToken']['new'] == {'source': 'env', 'provider': 'default',
                                                            'id': 'TELEGRAM_BOT_TOKEN'}
    assert changes['/home/openclaw/.openclaw/.env']['old'] == MASK
