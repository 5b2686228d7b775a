"""The tools and agents roles' whole apply path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the tools role and then the agents role against
a throwaway home (no service to restart), on each version of helpers.APPLY_VERSIONS,
both with each role applying its own fragment and with one deferred apply at
the end. The live file holds a broad tool policy of the user's, with agents,
channels and models of their own that must survive. The fragments are
translated for the version (``agents.list`` on 2026.6, ``agents.entries`` and
``agents.ownership`` on 2026.9), validated by the real ``openclaw config
validate``, written, and a second run changes nothing. The real ``openclaw
security audit`` then finds nothing left to say about tools, exposure or
cross-agent session access, where it did about the file before.
"""
import json
import os
import re
import subprocess

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('policy_local.yml')
BASELINE_TOOLS = {
    'profile': 'messaging',
    'deny': ['group:automation', 'group:runtime', 'group:fs', 'sessions_spawn', 'sessions_send'],
    'fs': {'workspaceOnly': True},
    'exec': {'mode': 'deny'},
    'elevated': {'enabled': False},
    'sessions': {'visibility': 'agent'},
    'agentToAgent': {'enabled': False},
}
# What the playbook asks for, per agent (the user's own workspace of coder survives).
AGENTS = {
    'monitor': {'tools': {'profile': 'messaging', 'deny': ['group:runtime', 'group:fs']},
                'model': 'budget/glm-5.1'},
    'coder': {'workspace': '~/code',
              'tools': {'profile': 'coding', 'exec': {'ask': 'always'}},
              'model': {'primary': 'anthropic/claude-opus-4-5', 'fallbacks': ['budget/glm-5.1']}},
}
AUDITED = re.compile(r'^(tools\.|security\.exposure\.|security\.trust_model\.cross_agent_session_access_default$)')
TOKEN_ENV = {'OPENCLAW_GATEWAY_TOKEN': 'f' * 64}


def live_config(version):
    """A config as a user of ``version`` has it: the guide's old exec keys, a broad profile, own keys."""
    roster = [{'id': 'coder', 'workspace': '~/code'}]
    config = {
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28791, 'bind': 'loopback',
                    'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}},
        'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
        'tools': {'profile': 'full', 'exec': {'security': 'full', 'ask': 'off'}, 'elevated': {'enabled': True},
                  'sessions': {'visibility': 'all'}, 'web': {'search': {'enabled': True}}},
        'agents': {'defaults': {'workspace': '~/.openclaw/workspace'}},
        'models': {'providers': {'budget': {
            'baseUrl': 'https://llm.example.internal/v1', 'api': 'openai-completions',
            'models': [{'id': 'glm-4.6', 'name': 'GLM 4.6', 'contextWindow': 200000},
                       {'id': 'glm-5.1', 'name': 'GLM 5.1 (old name)', 'contextWindow': 128000}]}}},
    }
    if version.startswith('2026.6.'):
        config['meta']['lastTouchedAt'] = '2026-06-20T10:00:00.000Z'
        config['agents']['list'] = roster
    else:
        config['agents']['entries'] = dict((item['id'], {'workspace': item['workspace']}) for item in roster)
    return config


openclaw_bin = helpers.openclaw_bin
recap_changed = helpers.recap_changed


def openclaw(version, home, *args):
    env = dict(os.environ, HOME=str(home), PATH=helpers.node_path(), **TOKEN_ENV)
    env.pop('OPENCLAW_CONFIG_PATH', None)
    return subprocess.run([openclaw_bin(version)] + list(args), capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def run_play(home, version, deferred, check=False):
    extra = helpers.host_vars(home, openclaw_bin=openclaw_bin(version), openclaw_config_defer=deferred)
    env = helpers.playbook_env(home=home, temp=home / '.ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, extra, env, check=check)


def audit_findings(version, home):
    run = openclaw(version, home, 'security', 'audit', '--json')
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    return [(f['checkId'], f['severity']) for f in report['findings']
            if AUDITED.match(f['checkId']) and f['severity'] in ('warn', 'critical')]


def write_home(home, config):
    state = home / '.openclaw'
    state.mkdir(parents=True)
    os.chmod(state, 0o755)
    (state / 'openclaw.json').write_text(json.dumps(config, indent=2) + '\n')
    os.chmod(state / 'openclaw.json', 0o644)
    return state


@pytest.mark.slow
@pytest.mark.parametrize('deferred', [False, True], ids=['each-role-applies', 'one-deferred-apply'])
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_policy_roles_apply_validate_and_converge(version, deferred, tmp_path):
    live = live_config(version)
    home = tmp_path / 'home'
    state = write_home(home, live)

    check, output = run_play(home, version, deferred, check=True)
    assert check.returncode == 0, output
    assert json.loads((state / 'openclaw.json').read_text()) == live, 'check mode wrote the file'
    assert oct(os.stat(state).st_mode & 0o777) == '0o755', 'check mode changed the state folder'
    assert 'tools.exec.mode' in output and 'agents.defaults' in output, 'check mode did not show the plan:\n' + output

    first, output = run_play(home, version, deferred)
    assert first.returncode == 0, output
    config = json.loads((state / 'openclaw.json').read_text())

    # The baseline, with the user's own tools keys kept.
    tools = config['tools']
    assert dict((k, tools[k]) for k in BASELINE_TOOLS) == BASELINE_TOOLS
    assert tools['web'] == {'search': {'enabled': True}}
    assert 'security' not in tools['exec'] and 'ask' not in tools['exec']
    agents = config['agents']
    assert agents['defaults'] == {'workspace': '~/.openclaw/workspace', 'maxConcurrent': 4,
                                  'subagents': {'maxConcurrent': 8}}
    if version.startswith('2026.6.'):
        assert 'entries' not in agents and 'ownership' not in agents
        assert [item['id'] for item in agents['list']] == ['coder', 'monitor']
        roster = dict((item['id'], dict((k, v) for k, v in item.items() if k != 'id')) for item in agents['list'])
        assert 'agents.ownership dropped' in output
    else:
        assert 'list' not in agents
        assert agents['ownership'] == 'explicit'
        roster = agents['entries']
    assert roster == AGENTS

    # Costs merged into the id-keyed model list: the user's other model and settings survive.
    models = config['models']['providers']['budget']
    assert models['baseUrl'] == 'https://llm.example.internal/v1'
    assert models['models'] == [
        {'id': 'glm-4.6', 'name': 'GLM 4.6', 'contextWindow': 200000},
        {'id': 'glm-5.1', 'name': 'GLM 5.1', 'contextWindow': 128000,
         'cost': {'input': 1.2, 'output': 4, 'cacheRead': 0.24, 'cacheWrite': 0}},
    ]
    # The user's keys survive.
    for key in ('gateway', 'channels'):
        assert config[key] == live[key]
    assert config['meta'] == live['meta']
    assert oct(os.stat(state).st_mode & 0o777) == '0o700'
    assert oct(os.stat(state / 'openclaw.json').st_mode & 0o777) == '0o600'
    assert not [name for name in os.listdir(str(state)) if '.clobbered.' in name or '.rejected.' in name]

    validate = openclaw(version, home, 'config', 'validate', '--json')
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert json.loads(validate.stdout)['valid'] is True

    second, output = run_play(home, version, deferred)
    assert second.returncode == 0, output
    assert recap_changed(output) == 0, output

    check_again, output = run_play(home, version, deferred, check=True)
    assert check_again.returncode == 0, output
    assert recap_changed(output) == 0, 'check mode reports drift after converge:\n' + output


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_security_audit_is_clean_for_tools_and_exposure(version, tmp_path):
    # The audit migrates OpenClaw's state, so the file before and after are audited in two homes.
    before_home = tmp_path / 'before'
    write_home(before_home, live_config(version))
    before = audit_findings(version, before_home)
    assert ('tools.exec.security_full_configured', 'warn') in before, before

    home = tmp_path / 'home'
    write_home(home, live_config(version))
    run, output = run_play(home, version, deferred=True)
    assert run.returncode == 0, output
    assert audit_findings(version, home) == []
