"""Bad inventory values are refused before the host is touched.

Each case is a host of one real ``ansible-playbook`` run
(``helpers.Refusals``) with the gateway role against this
machine, with a throwaway state folder holding an unsafe openclaw.json. Each must fail, name the variable, and leave every byte of the folder as it was.
"""
import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('gateway_local.yml')
UNSAFE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'mode': 'local', 'port': 18789, 'bind': 'lan', 'auth': {'mode': 'none'}},
    'channels': {'telegram': {'enabled': False, 'dmPolicy': 'allowlist', 'allowFrom': ['123456789']}},
}

CASES = {
    'port-not-a-number': ({'openclaw_gateway_port': 'abc'}, 'openclaw_gateway_port'),
    'port-a-list': ({'openclaw_gateway_port': [18789]}, 'openclaw_gateway_port'),
    'port-out-of-range': ({'openclaw_gateway_port': 70000}, 'openclaw_gateway_port'),
    'port-privileged': ({'openclaw_gateway_port': 80}, 'openclaw_gateway_port'),
    'unknown-bind-mode': ({'openclaw_gateway_bind': '0.0.0.0'}, 'openclaw_gateway_bind'),
    'unknown-auth-mode': ({'openclaw_gateway_auth_mode': 'oauth'}, 'openclaw_gateway_auth_mode'),
    'short-token': ({'openclaw_gateway_token': 'too-short-token'}, 'openclaw_gateway_token'),
    'lan-bind-without-auth': ({'openclaw_gateway_bind': 'lan', 'openclaw_gateway_auth_mode': 'none',
                               'openclaw_gateway_bind_exposure_acknowledged': True}, 'openclaw_gateway_auth_mode'),
    'lan-bind-not-acknowledged': ({'openclaw_gateway_bind': 'lan'}, 'openclaw_gateway_bind_exposure_acknowledged'),
    'origin-without-scheme': ({'openclaw_gateway_tailscale_hostname': 'laptop.tail1234.ts.net',
                               'openclaw_gateway_control_ui_allowed_origins': ['laptop.tail1234.ts.net']},
                              'openclaw_gateway_control_ui_allowed_origins'),
    'wildcard-origin': ({'openclaw_gateway_tailscale_hostname': 'laptop.tail1234.ts.net',
                         'openclaw_gateway_control_ui_allowed_origins': ['*']},
                        'openclaw_gateway_control_ui_allowed_origins'),
    'tailscale-name-without-serve': ({'openclaw_gateway_tailscale_hostname': 'laptop.tail1234.ts.net',
                                      'openclaw_gateway_tailscale_mode': 'off'}, 'openclaw_gateway_tailscale_mode'),
    'serve-without-tailscale-name': ({'openclaw_gateway_tailscale_mode': 'serve'},
                                     'openclaw_gateway_tailscale_hostname'),
    'funnel-mode': ({'openclaw_gateway_tailscale_mode': 'funnel'}, 'openclaw_gateway_tailscale_mode'),
    'insecure-auth-without-tailscale': ({'openclaw_gateway_control_ui_allow_insecure_auth': True},
                                        'openclaw_gateway_control_ui_allow_insecure_auth'),
}


@pytest.fixture(scope='module')
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp('gateway-bad-input')
    cases = dict((case, (helpers.state_home(root / case, UNSAFE), extra)) for case, (extra, variable) in CASES.items())
    return helpers.Refusals(PLAYBOOK, cases, helpers.playbook_env(temp=root / 'ansible-tmp'), root)


@pytest.mark.slow
@pytest.mark.xdist_group('gateway-bad-input')
@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_value_is_refused_and_host_untouched(case, refused):
    refused.assert_refused(case, CASES[case][1], forbidden=('too-short-token',))
