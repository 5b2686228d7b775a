"""Bad sandbox settings are refused before the host is touched.

Each case runs the real ``ansible-playbook`` with the sandbox and workspace
roles against this machine, with a throwaway state folder holding an unsafe
openclaw.json and an AGENTS.md. The run must fail, name the variable, and
leave every byte of the folder as it was. ``HOME`` in a case stands for the
throwaway home folder.
"""
import hashlib
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO, 'tests', 'integration', 'playbooks', 'sandbox_workspace_local.yml')
CACHE = os.environ.get('CLAWFLEET_CACHE', '/var/cache/clawfleet')
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


def snapshot(root):
    """Every path under root with its mode, mtime and content hash."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            digest = None
            if os.path.isfile(path):
                with open(path, 'rb') as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            seen[os.path.relpath(path, root)] = (st.st_mode, st.st_mtime_ns, digest)
    return seen


def make_home(tmp_path):
    home = tmp_path / 'home'
    state = home / '.openclaw'
    (state / 'workspace').mkdir(parents=True)
    os.chmod(state, 0o755)
    config = state / 'openclaw.json'
    config.write_text(json.dumps(UNSAFE, indent=2) + '\n')
    os.chmod(config, 0o644)
    (state / 'workspace' / 'AGENTS.md').write_text('# Household assistant\n\nKeep replies short.\n')
    return home


def run_playbook(tmp_path, home, extra):
    user = os.environ.get('USER') or 'root'
    extra_vars = dict(openclaw_user=user, openclaw_home=str(home), openclaw_become=False,
                      ansible_python_interpreter=sys.executable, **extra)
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, '.pytest_collections'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'))
    binary = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    run = subprocess.run([binary, '-i', 'localhost,', PLAYBOOK, '-e', json.dumps(extra_vars)],
                         capture_output=True, text=True, check=False, env=env, timeout=300)
    return run, run.stdout + run.stderr


@pytest.mark.slow
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, tmp_path):
    extra, variable = CASES[case]
    home = make_home(tmp_path)
    extra = json.loads(json.dumps(extra).replace('HOME', str(home)))
    before = snapshot(str(home))

    run, output = run_playbook(tmp_path, home, extra)
    assert run.returncode != 0, output
    assert variable in output, output
    assert 'Read the host' not in output, 'the role reached the host before refusing:\n' + output
    assert snapshot(str(home)) == before


@pytest.mark.slow
def test_override_for_an_agent_the_host_lacks_is_refused_before_writing(tmp_path):
    """Writing agents.entries.coder would add an agent; the roster is read, nothing is written."""
    binary = os.path.join(CACHE, 'openclaw-2026.9.6', 'node_modules', 'openclaw', 'openclaw.mjs')
    if not os.path.exists(binary):
        pytest.fail('OpenClaw 2026.9.6 is missing under %s: run scripts/bootstrap.sh first' % CACHE)
    home = make_home(tmp_path)
    before = snapshot(str(home))

    run, output = run_playbook(tmp_path, home, {'openclaw_bin': binary,
                                                AGENTS: [{'id': 'coder', 'workspace_access': 'rw'}]})
    assert run.returncode != 0, output
    assert 'openclaw_sandbox_agents has an override for the agent "coder"' in output, output
    assert '(agents: main)' in output, output
    assert 'Apply the collected config' not in output, output
    assert snapshot(str(home)) == before
