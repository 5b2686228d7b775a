# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""openclaw_activity with run_command answering from real recorded CLI output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sqlite3

import pytest

from ansible.module_utils import basic
from ansible_collections.clawfleet.openclaw.plugins.modules import openclaw_activity
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

pytestmark = pytest.mark.usefixtures('fresh_warnings')

PREMIUM = ['claude-opus', r'gpt-5(\.[0-9]+)*-pro']
PREMIUM_JOB = 'd3ea9fbd-33e5-4b19-a157-533ef6f96f8f'


class Host(object):
    """A home with an OpenClaw package; run_command answers each CLI call from a recording."""

    def __init__(self, tmp_path, monkeypatch, version, answers, config=None, store=None):
        self.version = version
        self.home = tmp_path / 'home'
        self.state = self.home / '.openclaw'
        self.state.mkdir(parents=True)
        package = tmp_path / 'pkg' / 'openclaw'
        package.mkdir(parents=True)
        (package / 'package.json').write_text(json.dumps({'name': 'openclaw', 'version': version}))
        self.binary = package / 'openclaw.mjs'
        self.binary.write_text('#!/usr/bin/env node\n')
        if config is not None:
            (self.state / 'openclaw.json').write_text(json.dumps(config))
        if store:
            rec = helpers.recording(version, store)
            (self.state / 'state').mkdir()
            connection = sqlite3.connect(str(self.state / 'state' / 'openclaw.sqlite'))
            connection.execute(rec['schema'])
            for row in rec['rows']:
                columns = sorted(row)
                connection.execute('INSERT INTO cron_jobs (%s) VALUES (%s)' % (
                    ', '.join(columns), ', '.join('?' * len(columns))), [row[c] for c in columns])
            connection.commit()
            connection.close()
        self.answers = answers
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)

    def run_command(self, args, **kwargs):
        # args: timeout --kill-after=10 <limit> <binary> <openclaw args...>
        cli_args = [str(a) for a in args[4:]]
        self.calls.append(cli_args)
        key = ' '.join(cli_args[:2])
        if cli_args[:2] == ['cron', 'runs']:
            key = 'cron runs ' + cli_args[3]
        rec = helpers.recording(self.version, self.answers[key])
        assert cli_args == rec['cmd'][1:] or key.startswith('cron runs'), (cli_args, rec['cmd'])
        return rec['rc'], rec['stdout'], rec['stderr']

    def args(self, **extra):
        args = {'openclaw_bin': str(self.binary), 'home': str(self.home)}
        args.update(extra)
        return args


ALL_9 = {
    'tasks audit': 'activity_tasks_audit',
    'cron list': 'activity_cron_list_premium',
    'cron runs ' + PREMIUM_JOB: 'activity_cron_runs_premium',
    'cron runs 0742bd18-ea07-448d-9709-654722c6659c': 'activity_cron_runs_none',
    'cron runs 5e3bc5ec-5f1c-4a9a-a315-a9f13c8cff84': 'activity_cron_runs_none',
    'cron runs 74061cb0-5ae7-49ad-9c41-3738cfe96dd2': 'activity_cron_runs_none',
}


def test_everything_from_a_running_gateway(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', ALL_9,
                config={'agents': {'entries': {'main': {'model': 'budget/glm-5.1'}}}})
    result = helpers.run_module(openclaw_activity, host.args(premium_models=PREMIUM, _ansible_check_mode=True),
                                capsys)
    assert result['_exit'] == 0 and result['changed'] is False
    assert result['openclaw_version'] == '2026.9.6'
    assert result['tasks_audit']['total'] == 0
    assert len(result['cron_jobs']) == 4
    assert [job['name'] for job in result['premium_jobs']] == ['nightly-digest']
    assert result['cron_runs'][PREMIUM_JOB][0]['status'] == 'error'
    assert sorted(result['cron_runs']) == sorted(job['id'] for job in result['cron_jobs'])
    assert result['errors'] == []
    assert host.calls[0] == ['tasks', 'audit', '--json'] and host.calls[1] == ['cron', 'list', '--json']
    assert all(call[-1] == '--json' and call[4:6] == ['--limit', '50'] for call in host.calls[2:])
    assert 'Summarise the inbox' not in result['_raw']


def test_stopped_gateway_fails_with_what_to_do(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6',
                {'tasks audit': 'activity_tasks_audit_stopped', 'cron list': 'activity_cron_list_stopped'})
    result = helpers.run_module(openclaw_activity, host.args(), capsys)
    assert result['_exit'] == 1 and result['failed']
    assert 'Gateway not reachable' in result['msg'] and 'cron_source=store' in result['msg']
    assert result['tasks_audit']['total'] == 0


def test_stopped_gateway_partial_keeps_the_rest(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6',
                {'tasks audit': 'activity_tasks_audit_stopped', 'cron list': 'activity_cron_list_stopped'})
    result = helpers.run_module(openclaw_activity, host.args(partial=True), capsys)
    assert result['_exit'] == 0
    assert result['cron_jobs'] is None and result['cron_runs'] == {}
    assert [error['read'] for error in result['errors']] == ['cron_jobs']
    assert result['tasks_audit'] is not None


def test_store_reads_jobs_without_any_cli_call(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', {}, store='activity_cron_store_premium')
    result = helpers.run_module(openclaw_activity, host.args(reads=['cron_jobs'], cron_source='store',
                                                             premium_models=PREMIUM), capsys)
    assert result['_exit'] == 0 and host.calls == [] and result['commands'] == []
    assert [(job['name'], job['premium']) for job in result['premium_jobs']] == [
        ('nightly-digest', ['anthropic/claude-opus-4-5'])]


def test_store_jobs_with_agent_model_from_config(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', {}, store='activity_cron_store_premium',
                config={'agents': {'entries': {'main': {'model': {'primary': 'openai/gpt-5.2-pro'}}}}})
    result = helpers.run_module(openclaw_activity, host.args(reads=['cron_jobs'], cron_source='store',
                                                             premium_models=PREMIUM), capsys)
    premium = {job['name']: job['model_source'] for job in result['premium_jobs']}
    # OpenClaw's own jobs run the main agent, whose model is premium here.
    assert premium == {'nightly-digest': 'job', 'heartbeat-main': 'agent', 'skill-collection-review-main': 'agent',
                       'Memory Dreaming Promotion': 'agent'}


def test_store_missing_means_no_jobs(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', {})
    result = helpers.run_module(openclaw_activity, host.args(reads=['cron_jobs'], cron_source='store'), capsys)
    assert result['_exit'] == 0 and result['cron_jobs'] == []


def test_legacy_version_without_json_on_cron_runs(tmp_path, monkeypatch, capsys):
    answers = {'tasks audit': 'activity_tasks_audit', 'cron list': 'activity_cron_list_empty'}
    host = Host(tmp_path, monkeypatch, '2026.6.5', answers, store='activity_cron_store_empty')
    result = helpers.run_module(openclaw_activity, host.args(), capsys)
    assert result['_exit'] == 0 and result['cron_jobs'] == [] and result['cron_runs'] == {}
    assert result['commands'] == ['openclaw tasks audit --json', 'openclaw cron list --json']


def test_legacy_runs_call_has_no_json_flag(tmp_path, monkeypatch, capsys):
    # A 2026.6.5 host holding one job (rows of the 2026.9.6 recording): the runs call takes 2026.6.5's form.
    host = Host(tmp_path, monkeypatch, '2026.6.5', {'cron runs ' + PREMIUM_JOB: 'activity_cron_runs_unknown'})
    rec = helpers.recording('2026.9.6', 'activity_cron_store_premium')
    (host.state / 'state').mkdir()
    connection = sqlite3.connect(str(host.state / 'state' / 'openclaw.sqlite'))
    connection.execute(rec['schema'])
    row = [r for r in rec['rows'] if r['job_id'] == PREMIUM_JOB][0]
    columns = sorted(row)
    connection.execute('INSERT INTO cron_jobs (%s) VALUES (%s)' % (', '.join(columns), ', '.join('?' * len(columns))),
                       [row[c] for c in columns])
    connection.commit()
    connection.close()
    result = helpers.run_module(openclaw_activity, host.args(reads=['cron_runs'], cron_source='store'), capsys)
    assert result['_exit'] == 0
    assert host.calls == [['cron', 'runs', '--id', PREMIUM_JOB, '--limit', '50']]
    assert result['cron_runs'] == {PREMIUM_JOB: []}


@pytest.mark.parametrize('args, text', [
    ({'timeout': 0}, 'timeout must be a positive'),
    ({'runs_limit': 0}, 'runs_limit must be 1 or more'),
    ({'premium_models': ['(unclosed']}, 'not a regular expression'),
])
def test_bad_options_fail_before_any_call(tmp_path, monkeypatch, capsys, args, text):
    host = Host(tmp_path, monkeypatch, '2026.9.6', {})
    result = helpers.run_module(openclaw_activity, host.args(**args), capsys)
    assert result['_exit'] == 1 and text in result['msg'] and host.calls == []


def test_missing_binary_names_the_fix(tmp_path, monkeypatch, capsys):
    host = Host(tmp_path, monkeypatch, '2026.9.6', {})
    result = helpers.run_module(openclaw_activity, host.args(openclaw_bin=str(tmp_path / 'none')), capsys)
    assert result['_exit'] == 1 and 'openclaw_bin' in result['msg']
