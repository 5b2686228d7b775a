"""The channels role's whole path against the real OpenClaw, on this machine.

Runs ``ansible-playbook`` with the channels and tools roles against a
throwaway home (no service to restart), on each version of helpers.APPLY_VERSIONS.
The home holds a lived-in openclaw.json whose Telegram channel is wide open
(open DM and group policies, ``"*"`` everywhere, the guide's bare ``"*"``
group entry) with a bot token reference and a second account, and an unlisted
IRC channel. Telegram is the channel here because it is bundled with OpenClaw:
the external channel plugins are covered in Molecule, whose image carries them.

Check mode changes nothing; the run writes the allowlists, the group allowlist
with mentions, the route to the monitor agent, and turns the unlisted channel
off while keeping the token reference and the account; the real ``openclaw
config validate`` passes; a second run and a second check change nothing; the
real ``openclaw security audit`` then has no channel finding at warn or above
other than the multi-user notice that any group allowlist raises.
"""
import json
import os
import subprocess

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('channels_local.yml')
INVENTORY = {
    'openclaw_channels_telegram': {'allow_from': ['123456789'], 'groups': ['-1001234567890'],
                                   'group_senders': ['123456789', '987654321'], 'agent': 'monitor'},
}
TOKEN_REF = {'source': 'env', 'provider': 'default', 'id': 'TELEGRAM_BOT_TOKEN'}


def live_config(version):
    return {
        'meta': {'lastTouchedVersion': version},
        'gateway': {'mode': 'local', 'port': 28797, 'bind': 'loopback',
                    'auth': {'mode': 'token', 'token': '${OPENCLAW_GATEWAY_TOKEN}'}},
        'session': {'dmScope': 'per-channel-peer'},
        'channels': {
            'telegram': {'enabled': True, 'botToken': TOKEN_REF, 'dmPolicy': 'open', 'allowFrom': ['*'],
                         'groupPolicy': 'open', 'groupAllowFrom': ['*'], 'groups': {'*': {'requireMention': True}},
                         'accounts': {'work': {'name': 'Work bot'}}},
            'irc': {'enabled': True, 'host': 'irc.example.net', 'nick': 'clawbot', 'dmPolicy': 'open',
                    'allowFrom': ['*']},
        },
    }


def openclaw(version, home, *args):
    env = dict(os.environ, HOME=str(home), PATH=helpers.node_path(), OPENCLAW_GATEWAY_TOKEN='f' * 64,
               TELEGRAM_BOT_TOKEN='123456:' + 'A' * 35)
    env.pop('OPENCLAW_CONFIG_PATH', None)
    return subprocess.run([helpers.openclaw_bin(version)] + list(args), capture_output=True, text=True,
                          cwd=str(home), env=env, timeout=300, check=False)


def run_role(home, version, check=False):
    extra = dict(INVENTORY, openclaw_bin=helpers.openclaw_bin(version))
    env = helpers.playbook_env(home=home, temp=home.parent / 'ansible-tmp')
    return helpers.run_playbook(PLAYBOOK, helpers.host_vars(home, **extra), env, check=check)


def channel_findings(version, home):
    run = openclaw(version, home, 'security', 'audit', '--json')
    assert run.returncode == 0, run.stdout + run.stderr
    return sorted(f['checkId'] for f in json.loads(run.stdout)['findings']
                  if f['severity'] in ('warn', 'critical')
                  and f['checkId'].startswith(('channels.', 'security.exposure.', 'security.trust_model.')))


@pytest.mark.slow
@pytest.mark.parametrize('version', helpers.APPLY_VERSIONS)
def test_channels_apply_validate_and_converge(version, tmp_path):
    home = helpers.state_home(tmp_path, live_config(version), state_mode=0o700)
    state = home / '.openclaw'
    findings_before = channel_findings(version, home)
    assert findings_before, 'the unsafe config raised no channel finding; the test proves nothing'
    # The audit may migrate state; compare what the role does from here on.
    before = helpers.snapshot(str(state))

    check, output = run_role(home, version, check=True)
    assert check.returncode == 0, output
    assert helpers.snapshot(str(state)) == before, 'check mode changed the host'
    assert 'channels.telegram.dmPolicy' in output and 'channels.irc.enabled' in output, output

    run, output = run_role(home, version)
    assert run.returncode == 0, output
    assert 'has channel(s) irc in openclaw.json that the inventory does not list' in output, output
    config = json.loads((state / 'openclaw.json').read_text())
    assert config['channels']['telegram'] == {
        'enabled': True, 'botToken': TOKEN_REF, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789'],
        'groupPolicy': 'allowlist', 'groupAllowFrom': ['123456789', '987654321'],
        'groups': {'-1001234567890': {'requireMention': True}},
        'accounts': {'work': {'name': 'Work bot'}}}
    irc = config['channels']['irc']
    expected_irc = (False, 'disabled', 'disabled', 'irc.example.net')
    assert (irc['enabled'], irc['dmPolicy'], irc['groupPolicy'], irc['host']) == expected_irc
    assert config['bindings'] == [{'agentId': 'monitor', 'comment': 'clawfleet.openclaw channels role',
                                   'match': {'channel': 'telegram', 'accountId': '*'}}]
    assert config['meta']['lastTouchedVersion'] == version

    validate = openclaw(version, home, 'config', 'validate', '--json')
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert json.loads(validate.stdout)['valid'] is True

    second, output = run_role(home, version)
    assert second.returncode == 0, output
    assert helpers.recap_changed(output) == 0, output
    check_again, output = run_role(home, version, check=True)
    assert check_again.returncode == 0, output
    assert helpers.recap_changed(output) == 0, 'check mode reports drift after converge:\n' + output

    assert channel_findings(version, home) == ['security.trust_model.multi_user_heuristic']
    assert json.loads((state / 'openclaw.json').read_text())['channels'] == config['channels']
