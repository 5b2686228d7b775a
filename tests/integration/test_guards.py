"""clawfleet.openclaw.guards, run by the real ansible-playbook: every broken rule named, in order, at once."""
import json

import pytest

from ansible_collections.clawfleet.openclaw.tests.integration import helpers

PLAYBOOK = helpers.playbook('guards_local.yml')
GOOD = {'count': 3, 'names': ['ada', 'bob'], 'mode': 'strict', 'divisor': 4}


def run(tmp_path, **settings):
    extra = dict(GOOD, **settings)
    run, output = helpers.run_playbook(PLAYBOOK, extra, helpers.playbook_env(temp=tmp_path))
    return run.returncode, output


def failure(output):
    line = [line for line in output.splitlines() if line.startswith('fatal: ')][0]
    return json.loads(line.split('=> ', 1)[1])


@pytest.mark.slow
def test_good_settings_pass_every_rule(tmp_path):
    rc, output = run(tmp_path)
    assert rc == 0, output
    assert 'passed 5 rules: All 5 rules passed.' in output


@pytest.mark.slow
def test_every_broken_rule_is_named_in_order_with_each_loop_item(tmp_path):
    rc, output = run(tmp_path, count=12, names=['Ada', 'bob', 'Cy'])
    assert rc != 0
    result = failure(output)
    assert result['msg'].splitlines() == [
        'count=12 must be 10 or less.',
        'names has "Ada", which is not lower case.',
        'names has "Cy", which is not lower case.',
        'mode=strict allows 2 names, got 3.',
    ]
    assert result['broken'] == ['The count is small', 'Each name is lower case', 'Each name is lower case',
                                'A strict mode needs a short list']


@pytest.mark.slow
def test_when_leaves_a_rule_out(tmp_path):
    rc, output = run(tmp_path, names=['ada', 'bob', 'cy'], mode='loose')
    assert rc == 0, output


@pytest.mark.slow
def test_a_rule_that_cannot_be_checked_after_a_broken_one_is_left_out(tmp_path):
    rc, output = run(tmp_path, count='many', divisor=0)
    result = failure(output)
    assert result['msg'] == 'count="many" must be a whole number.'
    assert result['broken'] == ['The count is a whole number']


@pytest.mark.slow
def test_a_rule_that_cannot_be_checked_fails_naming_it(tmp_path):
    rc, output = run(tmp_path, divisor=0)
    assert rc != 0
    result = failure(output)
    assert result['msg'].startswith('guards rule "The divisor divides" could not be checked:')


COLLECT = helpers.playbook('collect_local.yml')
UNSAFE = {'meta': {'lastTouchedVersion': '2026.9.6'},
          'gateway': {'mode': 'local', 'port': 18789, 'bind': 'lan', 'auth': {'mode': 'none'}}}
# Through collect.yml Ansible checks no argument spec; the role's guards must,
# before their own rules: a type, a choice, a list and a rule of the guards.
COLLECT_CASES = {
    'gateway-port-not-a-number': ('gateway', {'openclaw_gateway_port': 'abc'},
                                  'Validation of arguments failed', 'openclaw_gateway_port'),
    'tools-unknown-profile': ('tools', {'openclaw_tools_profile': 'everything'},
                              'Validation of arguments failed', 'openclaw_tools_profile'),
    'workspace-files-not-a-list': ('workspace', {'openclaw_workspace_agents_files': {'a': 1}},
                                   'Validation of arguments failed', 'openclaw_workspace_agents_files'),
    'gateway-lan-bind-not-acknowledged': ('gateway', {'openclaw_gateway_bind': 'lan'},
                                          'openclaw_gateway_bind_exposure_acknowledged', 'openclaw_gateway_bind'),
}


@pytest.mark.slow
@pytest.mark.parametrize('case', sorted(COLLECT_CASES))
def test_a_role_entered_through_collect_checks_its_argument_spec(case, tmp_path):
    role, extra, refusal, variable = COLLECT_CASES[case]
    home = helpers.state_home(tmp_path, UNSAFE)
    output = helpers.assert_refused(COLLECT, home, dict(extra, collect_role=role), variable,
                                    helpers.playbook_env(temp=tmp_path / 'ansible-tmp'))
    assert refusal in output
