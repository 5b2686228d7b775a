# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils.activity against real CLI output and a real cron table.

The cron tables are rebuilt from recordings (``activity_cron_store_*.json``:
the table's own CREATE statement and its rows, read from a Gateway's
``state/openclaw.sqlite``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sqlite3

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import activity
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

PREMIUM = ['claude-opus', r'gpt-5(\.[0-9]+)*-pro', r'\bo[13]-pro']
PREMIUM_JOB = 'd3ea9fbd-33e5-4b19-a157-533ef6f96f8f'
HEARTBEAT_JOB = '0742bd18-ea07-448d-9709-654722c6659c'


def stdout_json(version, name):
    return json.loads(helpers.recording(version, name)['stdout'])


def build_store(tmp_path, version, name):
    """A state folder whose openclaw.sqlite holds the recorded cron table."""
    state = tmp_path / '.openclaw'
    helpers.write_cron_store(state, version, name)
    return str(state)


def test_cron_list_names_each_jobs_model():
    jobs = activity.jobs_from_list(stdout_json('2026.9.6', 'activity_cron_list_premium'),
                                   {'main': ['budget/glm-5.1']}, [])
    by_name = {job['name']: job for job in jobs}
    assert sorted(by_name) == ['Memory Dreaming Promotion', 'heartbeat-main', 'nightly-digest',
                               'skill-collection-review-main']
    digest = by_name['nightly-digest']
    assert (digest['model'], digest['model_source'], digest['payload_kind']) == (
        'anthropic/claude-opus-4-5', 'job', 'agentTurn')
    # The heartbeat has no model of its own: it runs its agent's.
    heartbeat = by_name['heartbeat-main']
    assert (heartbeat['model'], heartbeat['model_source'], heartbeat['managed_by']) == (
        'budget/glm-5.1', 'agent', 'heartbeat:main')
    # No prompt text leaves the host in the result.
    assert 'Summarise the inbox' not in json.dumps(jobs)


def test_default_model_applies_to_jobs_without_agent_model():
    jobs = activity.jobs_from_list(stdout_json('2026.9.6', 'activity_cron_list_premium'), {},
                                   ['openai/gpt-5.2-pro'])
    heartbeat = [job for job in jobs if job['id'] == HEARTBEAT_JOB][0]
    assert (heartbeat['model'], heartbeat['model_source']) == ('openai/gpt-5.2-pro', 'default')


def test_premium_jobs_match_job_and_agent_models():
    jobs = activity.jobs_from_list(stdout_json('2026.9.6', 'activity_cron_list_premium'),
                                   {'main': ['budget/glm-5.1']}, [])
    assert [(job['name'], job['premium']) for job in activity.premium_jobs(jobs, PREMIUM)] == [
        ('nightly-digest', ['anthropic/claude-opus-4-5'])]
    disabled = [dict(job, enabled=False) for job in jobs]
    assert activity.premium_jobs(disabled, PREMIUM) == []
    assert activity.premium_jobs(jobs, []) == []


def job_id(job):
    return job['id']


def test_store_gives_the_same_jobs_as_the_cli(tmp_path):
    state = build_store(tmp_path, '2026.9.6', 'activity_cron_store_premium')
    from_store = activity.read_store_jobs(state, {}, [])
    from_cli = activity.jobs_from_list(stdout_json('2026.9.6', 'activity_cron_list_premium'), {}, [])
    assert sorted(from_store, key=job_id) == sorted(from_cli, key=job_id)


def test_store_of_a_fresh_legacy_gateway_is_empty(tmp_path):
    state = build_store(tmp_path, '2026.6.5', 'activity_cron_store_empty')
    assert activity.read_store_jobs(state) == []
    assert activity.jobs_from_list(stdout_json('2026.6.5', 'activity_cron_list_empty')) == []


def test_store_missing_or_without_table(tmp_path):
    assert activity.read_store_jobs(str(tmp_path / 'nothing')) is None
    (tmp_path / 'state').mkdir()
    sqlite3.connect(str(tmp_path / 'state' / 'openclaw.sqlite')).close()
    assert activity.read_store_jobs(str(tmp_path)) is None


def test_store_with_a_broken_job_says_what_to_run(tmp_path):
    state = build_store(tmp_path, '2026.9.6', 'activity_cron_store_premium')
    connection = sqlite3.connect(os.path.join(state, 'state', 'openclaw.sqlite'))
    connection.execute("UPDATE cron_jobs SET job_json = '{broken' WHERE job_id = ?", (PREMIUM_JOB,))
    connection.commit()
    connection.close()
    with pytest.raises(activity.ActivityError, match='openclaw cron list'):
        activity.read_store_jobs(state)


def test_runs_keep_status_and_model_not_transcripts():
    runs = activity.runs_from_output(stdout_json('2026.9.6', 'activity_cron_runs_premium'))
    assert len(runs) == 1
    run = runs[0]
    assert (run['status'], run['error_reason']) == ('error', 'model_not_found')
    assert run['model'] == 'anthropic/claude-opus-4-5'
    assert run['duration_ms'] == 2238
    assert 'sessionKey' not in json.dumps(runs) and 'diagnostics' not in json.dumps(runs)
    assert activity.runs_from_output(stdout_json('2026.9.6', 'activity_cron_runs_none')) == []
    assert activity.runs_from_output(stdout_json('2026.6.5', 'activity_cron_runs_unknown')) == []


@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_tasks_audit_summary(version):
    audit = activity.summarize_audit(stdout_json(version, 'activity_tasks_audit'))
    assert (audit['total'], audit['warnings'], audit['errors'], audit['findings']) == (0, 0, 0, [])
    assert 'lost' in audit['by_code'] and audit['task_flows']['total'] == 0


def test_shapes_that_are_not_openclaws_are_refused():
    with pytest.raises(activity.ActivityError):
        activity.summarize_audit(stdout_json('2026.9.6', 'activity_cron_runs_unknown'))
    with pytest.raises(activity.ActivityError):
        activity.jobs_from_list(stdout_json('2026.9.6', 'activity_cron_list_stopped'))
    with pytest.raises(activity.ActivityError):
        activity.runs_from_output(stdout_json('2026.9.6', 'activity_cron_list_stopped'))


def test_cron_runs_args_per_version():
    assert activity.cron_runs_args('x', 50, '2026.9.6')[-1] == '--json'
    # Recorded: 2026.6.5 refuses --json on cron runs.
    refused = helpers.recording('2026.6.5', 'activity_cron_runs_json_refused')
    assert refused['rc'] == 1 and '--json' in refused['stderr']
    assert activity.cron_runs_args('x', 50, '2026.6.5') == ['cron', 'runs', '--id', 'x', '--limit', '50']


def test_cli_error_takes_openclaws_message():
    class Run(object):
        def __init__(self, rec):
            self.stdout, self.stderr = rec['stdout'], rec['stderr']
    stopped = Run(helpers.recording('2026.9.6', 'activity_cron_list_stopped'))
    assert activity.cli_error(stopped).startswith('Gateway not reachable at ws://127.0.0.1:')
    unknown = Run(helpers.recording('2026.9.6', 'activity_cron_runs_unknown'))
    assert activity.cli_error(unknown).startswith('Automation not found: no-such-job')
    refused = Run(helpers.recording('2026.6.5', 'activity_cron_runs_json_refused'))
    assert 'does not recognize option "--json"' in activity.cli_error(refused)


def test_agent_models_read_both_forms():
    models, default = activity.agent_models({'agents': {
        'defaults': {'model': {'primary': 'budget/glm-5.1', 'fallbacks': ['budget/glm-5']}},
        'entries': {'coder': {'model': 'anthropic/claude-opus-4-5'}},
        'list': [{'id': 'monitor', 'model': {'primary': 'openai/gpt-5.2-pro'}}, {'id': 'plain'}]}})
    assert models == {'coder': ['anthropic/claude-opus-4-5'], 'monitor': ['openai/gpt-5.2-pro']}
    assert default == ['budget/glm-5.1', 'budget/glm-5']
    assert activity.agent_models({}) == ({}, [])


def test_default_agent():
    assert activity.default_agent({}) == 'main'
    assert activity.default_agent({'agents': {'entries': {'ops': {'default': True}}}}) == 'ops'
    assert activity.default_agent({'agents': {'list': [{'id': 'a'}, {'id': 'b', 'default': True}]}}) == 'b'
