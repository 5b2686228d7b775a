"""The surface role's whole path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the surface role against a throwaway home (no
service to restart), on each version of helpers.APPLY_VERSIONS. The home holds a
lived-in openclaw.json with an open attack surface (mDNS full mode, the
browser on, webhooks at "/" with a short token in clear that callers may route
anywhere, autonomous skill creation, MCP Apps, a camera command allowed for
nodes and a pattern that denies nothing, exec over the HTTP tool endpoint, one
shared DM session), an extension folder without a plugin allowlist, and keys
and a .env line of the user's. The real ``openclaw security audit`` reports
that surface; check mode changes nothing; the run writes the keys in the
version's form, keeps the user's, passes the real ``openclaw config validate``
and converges; the audit then has nothing left at warn or above about
discovery, hooks, the browser, plugins, skills, MCP Apps, node commands or the
HTTP tool endpoint. Turning the webhooks off takes the token out of both files.
"""
import glob
import json
import os
import re
import subprocess

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('surface_local.yml')
GATEWAY_TOKEN = 'f' * 64
HOOKS_TOKEN = 'Zq8w3Rt6Yu1Io4Pa7Sd0Fg2Hj5Kl9Xc3Vb6Nm1Qw4Er7'
USER_ENV = 'OPENCLAW_LOG_STYLE=plain\n'
AUDITED = re.compile(r'^(discovery\.|hooks\.|browser\.|plugins\.|skills\.|mcp\.|gateway\.nodes\.'
                     r'|gateway\.tools_invoke_http\.|config\.secrets\.hooks_)')
INVENTORY = {
    'openclaw_surface_hooks_enabled': True,
    'openclaw_surface_hooks_token': HOOKS_TOKEN,
    'openclaw_surface_hooks_allowed_agent_ids': ['main'],
    'openclaw_surface_command_owners': ['telegram:123456789'],
    'openclaw_surface_plugins_allow': ['anthropic', 'memory-core', 'telegram'],
    'openclaw_surface_skills_agent_allowlist': ['weather'],
    'openclaw_surface_node_commands_deny': ['system.run'],
    'openclaw_surface_plugin_installs': ['@openclaw/discord@2026.9.6'],
}
HOOKS_ON = {'enabled': True, 'path': '/hooks', 'token': '${OPENCLAW_HOOKS_TOKEN}',
            'defaultSessionKey': 'hook:ingress', 'allowedAgentIds': ['main'], 'allowRequestSessionKey': False}
USER_MAPPINGS = [{'id': 'inbox', 'match': {'path': 'inbox'}, 'action': 'wake'}]


def legacy(version):
    return version.startswith('2026.6.')


def live_config(version):
    """A config as a user leaves it: their keys, and every surface open."""
    config = {
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28797, 'bind': 'loopback',
                    'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'},
                    'controlUi': {'enabled': False}, 'tailscale': {'mode': 'off'},
                    'tools': {'allow': ['sessions_spawn']}},
        'discovery': {'mdns': {'mode': 'full'}},
        'browser': {'enabled': True, 'headless': True},
        'hooks': {'enabled': True, 'token': 'shorttoken', 'path': '/', 'allowRequestSessionKey': True,
                  'mappings': USER_MAPPINGS},
        'skills': {'workshop': {'autonomous': {'mode': 'auto'}}, 'entries': {'weather': {'enabled': True}}},
        'session': {'dmScope': 'main'},
        'tools': {'profile': 'messaging'},
        'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
    }
    if legacy(version):
        config['gateway']['nodes'] = {'allowCommands': ['camera.snap'], 'denyCommands': ['system.run *']}
        config['skills']['workshop']['autonomous'] = {'enabled': True}
    else:
        config['gateway']['nodes'] = {'commands': {'allow': ['camera.snap'], 'deny': ['system.run *']}}
        config['mcp'] = {'apps': {'enabled': True}, 'servers': {'files': {'command': 'mcp-files'}}}
    return config


openclaw_bin = helpers.openclaw_bin
recap_changed = helpers.recap_changed
snapshot = helpers.snapshot


def openclaw(version, home, *args):
    env = dict(os.environ, HOME=str(home), PATH=helpers.node_path(), OPENCLAW_GATEWAY_TOKEN=GATEWAY_TOKEN)
    env.pop('OPENCLAW_CONFIG_PATH', None)
    return subprocess.run([openclaw_bin(version)] + list(args), capture_output=True, text=True, cwd=str(home),
                          env=env, timeout=300, check=False)


def run_role(home, version, check=False, **overrides):
    extra = dict(INVENTORY, openclaw_bin=openclaw_bin(version))
    extra.update(overrides)
    env = helpers.playbook_env(home=home, temp=home / '.ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra), env, check=check)


def audit_findings(version, home):
    run = openclaw(version, home, 'security', 'audit', '--json')
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    return sorted('%s:%s' % (f['severity'], f['checkId']) for f in report['findings']
                  if f['severity'] in ('warn', 'critical')
                  and (AUDITED.match(f['checkId'])
                       or (f['checkId'] == 'config.insecure_or_dangerous_flags' and 'hooks.' in f.get('detail', ''))))


def write_home(home, config):
    state = home / '.openclaw'
    (state / 'extensions' / 'acme-notes').mkdir(parents=True)
    os.chmod(state, 0o755)
    (state / 'openclaw.json').write_text(json.dumps(config, indent=2) + '\n')
    os.chmod(state / 'openclaw.json', 0o644)
    (state / '.env').write_text(USER_ENV)
    os.chmod(state / '.env', 0o644)
    return state


def mode_of(path):
    return oct(os.stat(path).st_mode & 0o777)


def expected_surface(version):
    """The role's keys as the version spells them."""
    gateway_nodes = {'denyCommands': ['system.run']} if legacy(version) else {
        'commands': {'deny': ['system.run']}, 'allowSkills': False}
    workshop = {'autonomous': {'enabled': False} if legacy(version) else {'mode': 'off'}, 'approvalPolicy': 'pending'}
    return gateway_nodes, workshop


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_surface_applies_validates_converges_and_clears_the_audit(version, tmp_path):
    live = live_config(version)

    # The real audit sees the open surface (on a copy: the audit writes state).
    before_home = tmp_path / 'before'
    write_home(before_home, live)
    before = audit_findings(version, before_home)
    for finding in ('warn:discovery.mdns_full_mode', 'critical:hooks.path_root', 'warn:hooks.token_too_short',
                    'warn:gateway.nodes.allow_commands_dangerous', 'warn:plugins.extensions_no_allowlist',
                    'warn:gateway.tools_invoke_http.dangerous_allow'):
        assert finding in before, before
    if not legacy(version):
        assert 'warn:mcp.apps.enabled' in before, before

    home = tmp_path / 'home'
    state = write_home(home, live)
    before_state = snapshot(str(state))
    check, output = run_role(home, version, check=True)
    assert check.returncode == 0, output
    assert snapshot(str(state)) == before_state, 'check mode changed the state folder'
    assert recap_changed(output) > 0, output
    assert '"mode": "off"' in output, output
    assert HOOKS_TOKEN not in output and 'shorttoken' not in output, 'a hooks token was shown'

    first, output = run_role(home, version)
    assert first.returncode == 0, output
    assert HOOKS_TOKEN not in output and 'shorttoken' not in output, 'a hooks token was shown'
    assert 'openclaw plugins install @openclaw/discord@2026.9.6 --pin' in output, output
    config = json.loads((state / 'openclaw.json').read_text())
    gateway_nodes, workshop = expected_surface(version)

    assert config['discovery'] == {'mdns': {'mode': 'off'}}
    assert config['session'] == {'dmScope': 'per-channel-peer'}
    assert config['commands'] == {'ownerAllowFrom': ['telegram:123456789']}
    assert config['browser'] == {'enabled': False, 'headless': True}
    assert config['plugins'] == {'allow': ['anthropic', 'memory-core', 'telegram'],
                                 'entries': {'browser': {'enabled': False}}}
    assert config['hooks'] == dict(HOOKS_ON, mappings=USER_MAPPINGS)
    assert config['skills'] == {'workshop': workshop, 'install': {'allowUploadedArchives': False},
                                'entries': {'weather': {'enabled': True}}}
    assert config['agents'] == {'defaults': {'skills': ['weather']}}
    assert config['gateway']['nodes'] == gateway_nodes
    assert config['gateway']['tools'] == {}
    if legacy(version):
        assert 'mcp' not in config
        assert 'mcp.apps dropped' in output and 'gateway.nodes.allowSkills dropped' in output
        assert 'gateway.nodes.commands.deny translated to gateway.nodes.denyCommands' in output
    else:
        assert config['mcp'] == {'apps': {'enabled': False}, 'servers': {'files': {'command': 'mcp-files'}}}
    # Web search off, so no provider is picked from the environment and installed
    # at Gateway start, with a bundled provider named so that the Gateway does not
    # load every plugin to look for one; the user's own tools settings survive.
    assert config['tools'] == dict(live['tools'], web={'search': {'enabled': False, 'provider': 'ollama'}})
    assert config['channels'] == live['channels']
    assert dict((k, v) for k, v in config['gateway'].items() if k not in ('nodes', 'tools')) == dict(
        (k, v) for k, v in live['gateway'].items() if k not in ('nodes', 'tools'))
    assert config['meta']['lastTouchedVersion'] == version
    # The token lives in .env next to the user's line, and nowhere in openclaw.json.
    assert (state / '.env').read_text() == USER_ENV + 'OPENCLAW_HOOKS_TOKEN=%s\n' % HOOKS_TOKEN
    assert mode_of(state / '.env') == '0o600'
    assert HOOKS_TOKEN not in (state / 'openclaw.json').read_text()
    assert mode_of(state) == '0o700'
    assert mode_of(state / 'openclaw.json') == '0o600'

    validate = openclaw(version, home, 'config', 'validate', '--json')
    assert validate.returncode == 0, validate.stdout + validate.stderr
    result = json.loads(validate.stdout)
    assert result['valid'] is True
    # OpenClaw resolves ${OPENCLAW_HOOKS_TOKEN} from the .env by itself.
    assert not [w for w in result.get('warnings', []) if w.get('path') == 'hooks.token'], result

    second, output = run_role(home, version)
    assert second.returncode == 0, output
    assert recap_changed(output) == 0, output

    check_again, output = run_role(home, version, check=True)
    assert check_again.returncode == 0, output
    assert recap_changed(output) == 0, 'check mode reports drift after converge:\n' + output

    assert audit_findings(version, home) == []
    # OpenClaw kept the file as written (no silent restore of its last good copy).
    assert json.loads((state / 'openclaw.json').read_text())['hooks'] == config['hooks']
    assert not glob.glob(str(state / 'openclaw.json.clobbered.*'))
    assert not glob.glob(str(state / 'openclaw.json.rejected.*'))

    # Webhooks off: the token leaves both files, the user's mappings and .env line stay.
    off, output = run_role(home, version, openclaw_surface_hooks_enabled=False, openclaw_surface_hooks_token='')
    assert off.returncode == 0, output
    hooks = json.loads((state / 'openclaw.json').read_text())['hooks']
    assert hooks == {'enabled': False, 'path': '/hooks', 'defaultSessionKey': 'hook:ingress',
                     'allowedAgentIds': ['main'], 'allowRequestSessionKey': False, 'mappings': USER_MAPPINGS}
    assert (state / '.env').read_text() == USER_ENV
    again, output = run_role(home, version, openclaw_surface_hooks_enabled=False, openclaw_surface_hooks_token='')
    assert again.returncode == 0, output
    assert recap_changed(output) == 0, output
    # The host's facts say the file no longer sets the token: no round trip to remove it.
    removal = re.search(r"TASK \[[^]]*Remove the hooks token[^]]*\][^\n]*\n([^\n]*)", output)
    assert removal and removal.group(1).startswith('skipping:'), output
