"""Bad device settings are refused before the host is touched.

Every case is a host of one real ``ansible-playbook`` run of the devices role
(one run of its ``enforce`` entry point, as ``playbooks/harden.yml`` calls it,
for the enforce cases) against this machine (``helpers.Refusals``), with a
throwaway state folder of its own holding an openclaw.json and a paired
device record. The run must fail, name the variable, read nothing on the host
and leave every byte of the folder as it was.
"""
import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

MAIN = helpers.playbook('devices_local.yml')
ENFORCE = helpers.playbook('devices_enforce_local.yml')
CONFIRM = 'clear all devices'
TOKEN = 'devices-test-token-not-real-5c0d9e2b7a41f3'

CASES = {
    'auto-approve-local-unacknowledged': (MAIN, {'openclaw_devices_auto_approve_local': True},
                                          'openclaw_devices_auto_approve_local_acknowledged'),
    'stale-after-words': (MAIN, {'openclaw_devices_stale_after': '90 days'}, 'openclaw_devices_stale_after'),
    'stale-after-weeks': (MAIN, {'openclaw_devices_stale_after': '12w'}, 'openclaw_devices_stale_after'),
    'stale-after-negative': (MAIN, {'openclaw_devices_stale_after': -3600}, 'openclaw_devices_stale_after'),
    'clear-without-confirm': (MAIN, {'openclaw_devices_clear': True}, 'openclaw_devices_clear_confirm'),
    'clear-wrong-phrase': (MAIN, {'openclaw_devices_clear': True, 'openclaw_devices_clear_confirm': 'yes'},
                           'openclaw_devices_clear_confirm'),
    'clear-not-enforced': (MAIN, {'openclaw_devices_clear': True, 'openclaw_devices_clear_confirm': CONFIRM,
                                  'openclaw_devices_enforce': False}, 'openclaw_devices_enforce'),
    'rotate-without-role': (MAIN, {'openclaw_devices_allowed': ['kitchen-pi'],
                                   'openclaw_devices_rotate': [{'device': 'kitchen-pi'}]}, 'openclaw_devices_rotate'),
    'rotate-unknown-role': (MAIN, {'openclaw_devices_allowed': ['kitchen-pi'],
                                   'openclaw_devices_rotate': [{'device': 'kitchen-pi', 'role': 'admin'}]},
                            'openclaw_devices_rotate'),
    'rotate-without-device': (MAIN, {'openclaw_devices_rotate': [{'role': 'node'}]}, 'openclaw_devices_rotate'),
    'rotate-a-string': (MAIN, {'openclaw_devices_rotate': 'kitchen-pi'}, 'openclaw_devices_rotate'),
    'rotate-device-not-kept': (MAIN, {'openclaw_devices_allowed': ['kitchen-pi'],
                                      'openclaw_devices_rotate': [{'device': 'stranger', 'role': 'node'}]},
                               'openclaw_devices_rotate'),
    'allowed-empty-name': (MAIN, {'openclaw_devices_allowed': ['kitchen-pi', '  ']}, 'openclaw_devices_allowed'),
    'allowed-a-string': (MAIN, {'openclaw_devices_allowed': 'kitchen-pi,stranger'}, 'openclaw_devices_allowed'),
    'allowed-not-a-name': (MAIN, {'openclaw_devices_allowed': [{'name': 'kitchen-pi'}]}, 'openclaw_devices_allowed'),
    'operator-a-number': (MAIN, {'openclaw_devices_operator': [1234]}, 'openclaw_devices_operator'),
    'gateway-url-plain-ws-to-lan': (MAIN, {'openclaw_devices_gateway_url': 'ws://192.168.1.20:18789',
                                           'openclaw_devices_gateway_token': TOKEN}, 'openclaw_devices_gateway_url'),
    'gateway-url-without-token': (MAIN, {'openclaw_devices_gateway_url': 'wss://gateway.example.ts.net'},
                                  'openclaw_devices_gateway_url'),
    'gateway-url-http': (MAIN, {'openclaw_devices_gateway_url': 'https://gateway.example.ts.net',
                                'openclaw_devices_gateway_token': TOKEN}, 'openclaw_devices_gateway_url'),
    'recheck-delay-ten-minutes': (MAIN, {'openclaw_devices_recheck_delay': 600}, 'openclaw_devices_recheck_delay'),
    'enforce-auto-approve-local-unacknowledged': (ENFORCE, {'openclaw_devices_auto_approve_local': True},
                                                  'openclaw_devices_auto_approve_local_acknowledged'),
    'enforce-clear-without-confirm': (ENFORCE, {'openclaw_devices_clear': True}, 'openclaw_devices_clear_confirm'),
    'enforce-stale-after-words': (ENFORCE, {'openclaw_devices_stale_after': 'ninety days'},
                                  'openclaw_devices_stale_after'),
}


def make_home(folder):
    home = helpers.state_home(folder, {'gateway': {'mode': 'local', 'bind': 'loopback',
                                                   'nodes': {'pairing': {'autoApproveLocal': True}}}},
                              state_mode=0o700)
    devices = home / '.openclaw' / 'devices'
    devices.mkdir()
    (devices / 'paired.json').write_text(json.dumps({'0725763a': {'deviceId': '0725763a', 'displayName': 'kitchen-pi',
                                                                  'role': 'node'}}) + '\n')
    return home


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    """One run per playbook: the role's main entry point and its enforce entry point."""
    root = tmp_path_factory.mktemp('devices-bad-input')
    runs = {}
    for path in (MAIN, ENFORCE):
        folder = root / os.path.basename(path).split('.')[0]
        cases = dict((case, (make_home(folder / case), extra))
                     for case, (playbook, extra, variable) in CASES.items() if playbook == path)
        runs[path] = helpers.Refusals(path, cases, helpers.playbook_env(temp=folder / 'ansible-tmp'), folder)
    return runs


@pytest.mark.slow
@pytest.mark.xdist_group('devices-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    path, extra, variable = CASES[case]
    refused[path].assert_refused(case, variable, forbidden=(TOKEN,))
