"""Bad sandbox settings are refused before the host is touched.

Each case is a host of one real ``ansible-playbook`` run
(``helpers.Refusals``) with the sandbox and workspace
roles against this machine, with a throwaway state folder holding an unsafe
openclaw.json and an AGENTS.md. Each must fail, name the variable, and
leave every byte of the folder as it was. ``HOME`` in a case stands for the
throwaway home folder.
"""
import json

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('sandbox_workspace_local.yml')
UNSAFE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'port': 18789, 'bind': 'loopback', 'auth': {'mode': 'none'}},
    'agents': {'defaults': {'sandbox': {'mode': 'off', 'workspaceAccess': 'rw',
                                        'docker': {'binds': ['/var/run/docker.sock:/var/run/docker.sock']}}},
               'entries': {'main': {'name': 'Household assistant'}}},
}
BINDS = 'openclaw_sandbox_docker_binds'
AGENTS = 'openclaw_sandbox_agents'
ACK = 'openclaw_sandbox_broad_access_acknowledged'

CASES = {
    # Modes, scopes and access levels OpenClaw does not have, or the guide's old switch.
    'mode-unknown': ({'openclaw_sandbox_mode': 'enabled'}, 'openclaw_sandbox_mode'),
    'mode-guide-enabled-true': ({'openclaw_sandbox_mode': True}, 'openclaw_sandbox_mode'),
    'mode-a-list': ({'openclaw_sandbox_mode': ['all']}, 'openclaw_sandbox_mode'),
    'scope-unknown': ({'openclaw_sandbox_scope': 'global'}, 'openclaw_sandbox_scope'),
    'workspace-access-unknown': ({'openclaw_sandbox_workspace_access': 'write'}, 'openclaw_sandbox_workspace_access'),
    # Broad access for every agent needs the acknowledgement.
    'mode-off-not-acknowledged': ({'openclaw_sandbox_mode': 'off'}, ACK),
    'mode-off-yaml-boolean-not-acknowledged': ({'openclaw_sandbox_mode': False}, ACK),
    'workspace-rw-not-acknowledged': ({'openclaw_sandbox_workspace_access': 'rw'}, ACK),
    'acknowledgement-not-a-bool': ({'openclaw_sandbox_workspace_access': 'rw', ACK: 'perhaps'}, ACK),
    'docker-settings-with-sandbox-off': ({'openclaw_sandbox_mode': 'off', ACK: True,
                                          'openclaw_sandbox_docker_network': 'none'}, 'openclaw_sandbox_mode'),
    # Docker network and profiles.
    'network-host': ({'openclaw_sandbox_docker_network': 'host'}, 'openclaw_sandbox_docker_network'),
    'network-container': ({'openclaw_sandbox_docker_network': 'container:db'}, 'openclaw_sandbox_docker_network'),
    'seccomp-unconfined': ({'openclaw_sandbox_docker_seccomp_profile': 'unconfined'},
                           'openclaw_sandbox_docker_seccomp_profile'),
    'apparmor-unconfined': ({'openclaw_sandbox_docker_apparmor_profile': 'Unconfined'},
                            'openclaw_sandbox_docker_apparmor_profile'),
    # Bind mounts.
    'binds-not-a-list': ({BINDS: '/srv/data:/data'}, BINDS),
    'binds-a-mapping': ({BINDS: {'/srv/data': '/data'}}, BINDS),
    'bind-docker-socket': ({BINDS: ['/var/run/docker.sock:/var/run/docker.sock']}, BINDS),
    'bind-run-docker-socket': ({BINDS: ['/run/docker.sock:/docker.sock:ro']}, BINDS),
    'bind-relative': ({BINDS: ['data:/data:ro']}, BINDS),
    'bind-tilde': ({BINDS: ['~/projects:/projects:ro']}, BINDS),
    'bind-root': ({BINDS: ['/:/host:ro']}, BINDS),
    'bind-etc': ({BINDS: ['/etc:/host-etc:ro']}, BINDS),
    'bind-var-covers-var-run': ({BINDS: ['/var:/host-var:ro']}, BINDS),
    'bind-proc': ({BINDS: ['/proc/self:/self:ro']}, BINDS),
    'bind-sys': ({BINDS: ['/sys:/sys:ro']}, BINDS),
    'bind-home': ({BINDS: ['HOME:/home-of-user:ro']}, BINDS),
    'bind-home-ssh': ({BINDS: ['HOME/.ssh:/ssh:ro']}, BINDS),
    'bind-state-folder': ({BINDS: ['HOME/.openclaw:/state:ro']}, BINDS),
    'bind-secrets': ({BINDS: ['HOME/.openclaw/secrets:/secrets:ro']}, BINDS),
    'bind-whole-workspace': ({BINDS: ['HOME/.openclaw/workspace:/data:rw']}, BINDS),
    'bind-dot-dot': ({BINDS: ['HOME/.openclaw/workspace/../secrets:/secrets:ro']}, BINDS),
    'bind-reserved-target': ({BINDS: ['HOME/.openclaw/workspace/out:/workspace:rw']}, BINDS),
    'bind-without-target': ({BINDS: ['HOME/.openclaw/workspace/out']}, BINDS),
    'bind-unknown-option': ({BINDS: ['HOME/.openclaw/workspace/out:/out:rw,exec']}, BINDS),
    # Per-agent overrides.
    'agents-not-a-list': ({AGENTS: 'coder'}, AGENTS),
    'agent-without-id': ({AGENTS: [{'workspace_access': 'rw'}]}, AGENTS),
    'agent-bad-id': ({AGENTS: [{'id': 'Coder Bot', 'workspace_access': 'rw'}]}, AGENTS),
    'agent-unknown-mode': ({AGENTS: [{'id': 'coder', 'mode': 'sometimes'}]}, AGENTS),
    'agent-unknown-key': ({AGENTS: [{'id': 'coder', 'workspace': 'rw'}]}, AGENTS),
    'agent-no-setting': ({AGENTS: [{'id': 'coder'}]}, AGENTS),
    'agent-twice': ({AGENTS: [{'id': 'coder', 'scope': 'agent'}, {'id': 'coder', 'mode': 'all'}]}, AGENTS),
}


snapshot = helpers.snapshot


def make_home(tmp_path):
    home = helpers.state_home(tmp_path, UNSAFE)
    (home / '.openclaw' / 'workspace').mkdir()
    (home / '.openclaw' / 'workspace' / 'AGENTS.md').write_text('# Household assistant\n\nKeep replies short.\n')
    return home


def run_playbook(tmp_path, home, extra):
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra),
                                helpers.playbook_env(temp=tmp_path / 'ansible-tmp'), timeout=300)


def sandbox_case(folder, extra):
    home = make_home(folder)
    return home, json.loads(json.dumps(extra).replace('HOME', str(home)))


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('sandbox-bad-input')
    cases = dict((case, sandbox_case(root / case, extra)) for case, (extra, variable) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('sandbox-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1])


@pytest.mark.slow
def test_override_for_an_agent_the_host_lacks_is_refused_before_writing(tmp_path):
    """Writing agents.entries.coder would add an agent; the roster is read, nothing is written."""
    binary = helpers.openclaw_bin('2026.9.6')
    home = make_home(tmp_path)
    before = snapshot(str(home))

    run, output = run_playbook(tmp_path, home, {'openclaw_bin': binary,
                                                AGENTS: [{'id': 'coder', 'workspace_access': 'rw'}]})
    assert run.returncode != 0, output
    assert 'openclaw_sandbox_agents has an override for the agent "coder"' in output, output
    assert '(agents: main)' in output, output
    assert 'Apply the collected config' not in output, output
    assert snapshot(str(home)) == before
