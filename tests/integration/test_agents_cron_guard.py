"""The premium-model guard of the agents role judges the host's real cron jobs.

The state database is rebuilt from a recording of a real 2026.9.6 Gateway
(``activity_cron_store_premium``: its own jobs plus ``nightly-digest``, added
with ``openclaw cron add --model anthropic/claude-opus-4-5``). The role reads
it read-only, without starting Node (the Molecule scenario ``operations``
proves that with its call log); the runs below are in check mode, so nothing
is written.
"""
import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers
from ansible_collections.clawfleet.openclaw.tests.unit import helpers as unit_helpers

PLAYBOOK = helpers.playbook('operations_agents_local.yml')


def home_with_jobs(tmp_path, config=None):
    home = helpers.state_home(tmp_path, config or {'gateway': {'mode': 'local', 'bind': 'loopback'}},
                              state_mode=0o700)
    unit_helpers.write_cron_store(home / '.openclaw', '2026.9.6', 'activity_cron_store_premium')
    return home


def run(tmp_path, home, **extra):
    extra = helpers.host_vars(home, openclaw_bin=helpers.openclaw_bin('2026.9.6'), **extra)
    env = helpers.playbook_env(home=home, temp=tmp_path / 'ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, extra, env, check=True)


@pytest.mark.slow
def test_premium_cron_job_is_refused_and_nothing_written(tmp_path):
    home = home_with_jobs(tmp_path)
    before = helpers.snapshot(str(home / '.openclaw'))
    result, output = run(tmp_path, home)
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'nightly-digest (id d3ea9fbd-33e5-4b19-a157-533ef6f96f8f, agent main, model' in refusal, output
    assert 'anthropic/claude-opus-4-5 from the job' in refusal
    assert 'openclaw_agents_premium_cron_acknowledged' in refusal
    assert helpers.snapshot(str(home / '.openclaw')) == before


@pytest.mark.slow
def test_agent_model_from_the_roster_counts(tmp_path):
    home = home_with_jobs(tmp_path)
    result, output = run(tmp_path, home, openclaw_agents_premium_cron_acknowledged=['nightly-digest'],
                         openclaw_agents_roster=[{'id': 'main', 'model': 'openai/gpt-5.2-pro'}])
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    # OpenClaw's own jobs run the main agent, which the roster gives a premium model.
    for name in ('heartbeat-main', 'Memory Dreaming Promotion', 'skill-collection-review-main'):
        assert name in refusal, refusal
    assert 'from the roster' in refusal and 'nightly-digest' not in refusal


@pytest.mark.slow
def test_acknowledged_job_passes_and_warn_only_warns(tmp_path):
    home = home_with_jobs(tmp_path)
    result, output = run(tmp_path, home, openclaw_agents_premium_cron_acknowledged=['d3ea9fbd-33e5-4b19-a157-533ef6f96f8f'])
    assert result.returncode == 0, output
    result, output = run(tmp_path, home, openclaw_agents_premium_cron_action='warn')
    assert result.returncode == 0, output
    assert 'WARNING: cron jobs with a premium model on localhost: nightly-digest' in output


@pytest.mark.slow
def test_guard_off_and_no_database(tmp_path):
    home = home_with_jobs(tmp_path)
    result, output = run(tmp_path, home, openclaw_agents_check_cron_jobs=False)
    assert result.returncode == 0, output
    fresh = helpers.state_home(tmp_path / 'fresh', {'gateway': {'mode': 'local', 'bind': 'loopback'}}, state_mode=0o700)
    result, output = run(tmp_path / 'fresh', fresh)
    assert result.returncode == 0, output
    assert not os.path.exists(str(fresh / '.openclaw' / 'state'))


@pytest.mark.slow
def test_bad_action_is_refused(tmp_path):
    home = home_with_jobs(tmp_path)
    result, output = run(tmp_path, home, openclaw_agents_premium_cron_action='ignore')
    assert result.returncode != 0
    assert 'openclaw_agents_premium_cron_action' in helpers.refusals(output)
    assert json.dumps('ignore') in output or 'ignore' in output
