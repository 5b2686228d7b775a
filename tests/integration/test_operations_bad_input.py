"""Bad input to the operations playbooks is refused before the host is touched.

Each case runs the real ``playbooks/rotate_token.yml`` or ``playbooks/emergency.yml``
against this machine (localhost as the target) with a throwaway state folder
holding a Gateway token. The run must fail naming the variable and the fix,
read nothing on the host, leave every byte of the folder as it was, write no
report, and print no token.
"""
import os

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

ROTATE = os.path.join(helpers.REPO, 'playbooks', 'rotate_token.yml')
EMERGENCY = os.path.join(helpers.REPO, 'playbooks', 'emergency.yml')
PINNED = 'operations-pinned-token-not-real-0123456789abcdef'
NEW = 'operations-new-token-not-real-fedcba9876543210'
ON_DISK = 'operations-token-on-disk-not-real-13579bdf2468ace0'

CASES = {
    'emergency-unknown-incident': (EMERGENCY, {'openclaw_emergency_incident': 'fire'},
                                   'openclaw_emergency_incident'),
    'emergency-no-incident': (EMERGENCY, {}, 'openclaw_emergency_incident'),
    'emergency-incident-in-capitals': (EMERGENCY, {'openclaw_emergency_incident': 'COST_SPIKE'},
                                       'openclaw_emergency_incident'),
    'cost-spike-without-channel-list': (EMERGENCY, {'openclaw_emergency_incident': 'cost_spike'},
                                        'openclaw_emergency_disable_channels'),
    'cost-spike-channels-as-a-string': (EMERGENCY, {'openclaw_emergency_incident': 'cost_spike',
                                                    'openclaw_emergency_disable_channels': 'telegram,discord'},
                                        'openclaw_emergency_disable_channels'),
    'cost-spike-channel-not-a-name': (EMERGENCY, {'openclaw_emergency_incident': 'cost_spike',
                                                  'openclaw_emergency_disable_channels': ['Tele gram']},
                                      'openclaw_emergency_disable_channels'),
    'cost-spike-stop-not-a-bool': (EMERGENCY, {'openclaw_emergency_incident': 'cost_spike',
                                               'openclaw_emergency_disable_channels': [],
                                               'openclaw_emergency_stop_gateway': 'please'},
                                   'openclaw_emergency_stop_gateway'),
    'key-incident-without-provider-key': (EMERGENCY, {'openclaw_emergency_incident': 'key_compromised'},
                                          'openclaw_secrets_provider_keys'),
    'gateway-incident-pinned-token-without-new-value': (
        EMERGENCY, {'openclaw_emergency_incident': 'gateway_compromised', 'openclaw_gateway_token': PINNED,
                    'openclaw_service_manager': 'systemd'}, 'openclaw_rotate_gateway_token_value'),
    'gateway-incident-cannot-stop-the-service': (
        EMERGENCY, {'openclaw_emergency_incident': 'gateway_compromised', 'openclaw_service_manager': 'none'},
        'openclaw_service_manager'),
    'rotate-pinned-token-without-new-value': (ROTATE, {'openclaw_gateway_token': PINNED},
                                              'openclaw_rotate_gateway_token_value'),
    'rotate-new-value-too-short': (ROTATE, {'openclaw_gateway_token': PINNED,
                                            'openclaw_rotate_gateway_token_value': 'short'},
                                   'openclaw_rotate_gateway_token_value'),
    'rotate-new-value-is-the-old-one': (ROTATE, {'openclaw_gateway_token': PINNED,
                                                 'openclaw_rotate_gateway_token_value': PINNED},
                                        'openclaw_rotate_gateway_token_value'),
    'rotate-password-auth': (ROTATE, {'openclaw_gateway_auth_mode': 'password',
                                      'openclaw_gateway_password': NEW}, 'openclaw_gateway_auth_mode'),
}


def token_home(tmp_path):
    home = helpers.state_home(tmp_path, {'gateway': {'mode': 'local', 'bind': 'loopback',
                                                     'auth': {'mode': 'token'}},
                                         'channels': {'telegram': {'enabled': True}}}, state_mode=0o700)
    secrets = home / '.openclaw' / 'secrets'
    secrets.mkdir(mode=0o700)
    (secrets / 'gateway-token').write_text(ON_DISK + '\n')
    os.chmod(str(secrets / 'gateway-token'), 0o600)
    return home


@pytest.mark.slow
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_is_refused_and_host_untouched(case, tmp_path):
    path, extra, variable = CASES[case]
    home = token_home(tmp_path)
    reports = tmp_path / 'reports'
    extra = dict(extra, openclaw_target='localhost', ansible_connection='local',
                 openclaw_audit_report_dir=str(reports))
    output = helpers.assert_refused(path, home, extra, variable, helpers.playbook_env(temp=tmp_path / 'ansible-tmp'),
                                    forbidden=(PINNED, NEW, ON_DISK))
    assert 'Gather the facts' not in output
    assert not reports.exists()


@pytest.mark.slow
def test_cost_spike_refuses_a_channel_the_host_does_not_have(tmp_path):
    """Checked against the host's openclaw.json: read, never changed."""
    home = token_home(tmp_path)
    before = helpers.snapshot(str(home / '.openclaw'))
    reports = tmp_path / 'reports'
    extra = helpers.host_vars(home, openclaw_target='localhost', ansible_connection='local',
                              openclaw_audit_report_dir=str(reports), openclaw_service_manager='none',
                              openclaw_bin=helpers.openclaw_bin('2026.9.6'),
                              openclaw_emergency_incident='cost_spike',
                              openclaw_emergency_disable_channels=['discord'])
    env = helpers.playbook_env(home=home, temp=tmp_path / 'ansible-tmp')
    # Only the channel check is wanted here: the activity read needs a running Gateway.
    run, output = helpers.run_playbook(EMERGENCY, extra, env, timeout=300)
    assert run.returncode != 0, output
    refusal = helpers.refusals(output)
    assert 'openclaw_emergency_disable_channels names discord' in refusal, output
    assert 'it has telegram' in refusal, output
    # Ansible keeps its own files in HOME/.ansible; the state folder is what must not change.
    assert helpers.snapshot(str(home / '.openclaw')) == before
    assert not reports.exists()
    assert ON_DISK not in output
