"""What the host's facts carry for later steps (openclaw_config_host_reads), with the real OpenClaw and Docker CLI.

``playbooks/harden.yml`` reads the host's facts once, with today's archive, the cron jobs and the Docker engine's
answer, so that the archive step, the agents role and the sandbox role need no round trip of their own. The tests
run the start of harden.yml (``harden_reads_local.yml``: the facts, the archive step, the agents and sandbox roles
entered through collect.yml) against this machine with a throwaway state folder, giving it harden.yml's own
expression for openclaw_config_host_reads, and the sandbox role on its own (its main entry asks for what it needs).
"""
import os

import pytest
import yaml

from ansible_collections.clawfleet.openclaw.tests.integration import helpers
from ansible_collections.clawfleet.openclaw.tests.unit import helpers as unit_helpers

PLAYBOOK = helpers.playbook('harden_reads_local.yml')
SANDBOX_ROLE = helpers.playbook('sandbox_workspace_local.yml')
HARDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      'playbooks', 'harden.yml')
ARCHIVE_TASK = 'Archive the whole state folder once a day, private and outside it'
CONFIG = {'meta': {'lastTouchedVersion': '2026.9.6'}, 'gateway': {'mode': 'local', 'bind': 'loopback'}}
NO_ENGINE = 'unix:///run/clawfleet-no-engine.sock'


def harden_reads():
    """harden.yml's own expression for openclaw_config_host_reads, templated by the run like the play's."""
    with open(HARDEN) as handle:
        return yaml.safe_load(handle)[0]['vars']['openclaw_config_host_reads']


def home_for(tmp_path, store=None):
    home = helpers.state_home(tmp_path, CONFIG, state_mode=0o700)
    if store:
        unit_helpers.write_cron_store(home / '.openclaw', '2026.9.6', store)
    return home


def run(tmp_path, home, playbook=PLAYBOOK, docker_host=None, **extra):
    extra = helpers.host_vars(home, openclaw_bin=helpers.openclaw_bin('2026.9.6'), **extra)
    if playbook == PLAYBOOK:
        extra.setdefault('openclaw_config_host_reads', harden_reads())
    env = helpers.playbook_env(home=home, temp=tmp_path / 'ansible-tmp')
    if docker_host:
        env['DOCKER_HOST'] = docker_host
    return helpers.run_playbook(playbook, extra, env)


def task_result(output, task):
    """The result line of ``task`` in the output: ``ok``, ``changed``, ``skipping``, ``fatal`` ..."""
    block = output.split('%s] ***' % task, 1)[1]
    return block.strip().split(':', 1)[0]


@pytest.mark.slow
def test_the_archive_step_runs_only_when_todays_archive_is_not_in_place(tmp_path):
    home = home_for(tmp_path)
    first, output = run(tmp_path, home)
    assert first.returncode == 0, output
    assert task_result(output, ARCHIVE_TASK) == 'changed', output
    archives = list((home / 'openclaw-backups').glob('openclaw-state-*.tar.gz'))
    assert len(archives) == 1

    second, output = run(tmp_path, home)
    assert second.returncode == 0, output
    assert task_result(output, ARCHIVE_TASK) == 'skipping', output
    assert helpers.recap_changed(output) == 0, output

    # A mode changed by hand: the facts see it and the step runs again, to put it back.
    os.chmod(str(archives[0]), 0o644)
    third, output = run(tmp_path, home)
    assert third.returncode == 0, output
    assert task_result(output, ARCHIVE_TASK) == 'changed', output
    assert oct(os.stat(str(archives[0])).st_mode & 0o777) == '0o600'


@pytest.mark.slow
def test_premium_cron_job_from_the_facts_is_refused(tmp_path):
    home = home_for(tmp_path, store='activity_cron_store_premium')
    result, output = run(tmp_path, home)
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'nightly-digest (id d3ea9fbd-33e5-4b19-a157-533ef6f96f8f, agent main, model' in refusal, output
    assert 'openclaw_agents_premium_cron_acknowledged' in refusal
    # read with the facts, in no round trip of the role's own
    assert "Read the host's cron jobs" not in output
    acknowledged, output = run(tmp_path, home, openclaw_agents_premium_cron_acknowledged=['nightly-digest'])
    assert acknowledged.returncode == 0, output


@pytest.mark.slow
def test_an_unreadable_state_database_is_named(tmp_path):
    home = home_for(tmp_path)
    (home / '.openclaw' / 'state').mkdir()
    (home / '.openclaw' / 'state' / 'openclaw.sqlite').write_text('not a database\n' * 100)
    result, output = run(tmp_path, home)
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'The cron jobs of localhost could not be read' in refusal and 'openclaw.sqlite' in refusal, refusal
    assert 'openclaw_agents_check_cron_jobs: false' in refusal


@pytest.mark.slow
def test_facts_read_without_what_a_role_needs_name_the_variable(tmp_path):
    home = home_for(tmp_path)
    result, output = run(tmp_path, home, openclaw_config_host_reads=[])
    assert result.returncode != 0, output
    assert 'read without its cron jobs' in helpers.refusals(output)
    result, output = run(tmp_path, home, openclaw_config_host_reads=[], openclaw_agents_check_cron_jobs=False)
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'without asking the Docker engine' in refusal and 'openclaw_config_host_reads: [docker]' in refusal


@pytest.mark.slow
@pytest.mark.parametrize('playbook', [PLAYBOOK, SANDBOX_ROLE], ids=['harden-reads', 'sandbox-role'])
def test_a_docker_engine_that_does_not_answer_is_refused_or_waived(playbook, tmp_path):
    home = home_for(tmp_path)
    before = helpers.snapshot(str(home / '.openclaw'))
    result, output = run(tmp_path, home, playbook=playbook, docker_host=NO_ENGINE)
    assert result.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'The Docker engine cannot be reached on localhost' in refusal, output
    assert 'Cannot connect to the Docker daemon at %s' % NO_ENGINE in refusal
    assert 'openclaw_sandbox_require_docker: false' in refusal
    if playbook == SANDBOX_ROLE:
        assert helpers.snapshot(str(home / '.openclaw')) == before

    waived, output = run(tmp_path, home, playbook=playbook, docker_host=NO_ENGINE,
                         openclaw_sandbox_require_docker=False)
    assert waived.returncode == 0, output
    assert 'The Docker engine cannot be reached on localhost' in output
