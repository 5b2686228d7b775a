# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checklist rules, on the reference configs and on audit output recorded from the real CLIs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit, checklist, compat
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

FIXTURE_CONFIGS = os.path.join(helpers.FIXTURES, 'configs')
NOW = '2026-11-30T12:00:00Z'
WORKSPACE_BLOCK = (
    '# My agent\n\n<!-- BEGIN %s, managed by Ansible -->\n## Untrusted Content\n\n%s\n'
    '<!-- END %s, managed by Ansible -->\n' % (
        checklist.WORKSPACE_MARK, '\n'.join('- ' + rule for rule in checklist.INJECTION_RULES), checklist.WORKSPACE_MARK))


def config_text(name):
    """A reference config, as the unit fixtures carry it (tests/unit/fixtures/configs)."""
    with open(os.path.join(FIXTURE_CONFIGS, name)) as handle:
        return handle.read()


def module_result(version, name, kind='security', deep=False, fail_on='warn'):
    """What openclaw_audit returns for a recorded run, as far as the checklist reads it."""
    run = helpers.recording(version, name)
    if kind == 'security':
        data = audit.normalize_security(run['stdout'])
        floor = compat.audit_floor(version, deep=deep)
    else:
        data = audit.normalize_secrets(run['stdout'])
        floor = []
    return {'summary': data['summary'], 'findings': data['findings'], 'floor': floor,
            'failing': audit.evaluate_gate(data['findings'], fail_on, floor), 'cmd': run['cmd'],
            'status': data.get('status', '')}


def hardened_evidence(version='2026.9.6', **changes):
    evidence = {
        'host': 'laptop',
        'version': version,
        'label': 'after',
        'config_text': config_text('hardened-2026.9.6.json' if version == '2026.9.6'
                                   else 'hardened-2026.6.5-compatible.json'),
        'port': 18789,
        'listeners': [{'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'loopback': True},
                      {'address': '::1', 'family': 'ipv6', 'port': 18789, 'loopback': True}],
        'report': {'skipped': False, 'version': version, 'errors': [],
                   'security': module_result(version, 'security-audit-deep-hardened', deep=True),
                   'secrets': module_result(version, 'secrets-audit-clean', kind='secrets')},
        'agents_files': [{'path': '/home/openclaw/.openclaw/workspace/AGENTS.md', 'exists': True,
                          'text': WORKSPACE_BLOCK}],
        'rotation_records': [{'path': '/home/openclaw/.openclaw/secrets/anthropic_api_key.rotation.json',
                              'text': json.dumps({'label': 'anthropic api key', 'fingerprint': '0123456789ab',
                                                  'rotated_on': '2026-11-01', 'max_age_days': 90})}],
        'repo_scans': [{'repo': '/home/alice/dotfiles', 'findings': 0, 'error': None}],
        'devices_review': {'path': '/r/devices/laptop.json', 'text': json.dumps({
            'host': 'laptop', 'reviewed_at': '2026-11-20T08:00:00Z', 'mode': 'apply', 'gateway_reachable': True,
            'kept': ['laptop-cli'], 'unknown': []})},
        'restore_test': {'path': '/r/backups/laptop.json', 'text': json.dumps({
            'host': 'laptop', 'tested_at': '2026-10-01T09:00:00Z', 'passed': True,
            'archive': '/home/openclaw/openclaw-backups/x.tar.gz', 'openclaw_version': version,
            'unexpected_differences': [], 'expected_differences': []})},
    }
    evidence.update(changes)
    return evidence


def judge(evidence, item, **kwargs):
    return checklist.evaluate(evidence, now=NOW, **kwargs)['items'][item]


def merged(base, extra):
    result = dict(base)
    for key, value in extra.items():
        result[key] = merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


def edited(evidence, **config_changes):
    """The evidence with openclaw.json changed: dotted path -> value (None deletes)."""
    config = json.loads(evidence['config_text'])
    for path, value in config_changes.items():
        keys = path.split('__')
        node = config
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(keys[-1], None)
        elif isinstance(value, dict) and isinstance(node.get(keys[-1]), dict):
            node[keys[-1]] = merged(node[keys[-1]], value)
        else:
            node[keys[-1]] = value
    result = copy.deepcopy(evidence)
    result['config_text'] = json.dumps(config)
    return result


@pytest.mark.parametrize('version', ['2026.9.6', '2026.6.5'])
def test_hardened_host_passes_everything_but_the_manual_item(version):
    result = checklist.evaluate(hardened_evidence(version), now=NOW)
    statuses = dict((item, value['status']) for item, value in result['items'].items())
    assert statuses.pop('provider_limits') == 'manual'
    assert set(statuses.values()) == {'pass'}, result['items']
    assert result['counts'] == {'pass': 14, 'fail': 0, 'due': 0, 'unknown': 0, 'manual': 1}
    assert result['audit'] == {'critical': 0, 'warn': 1, 'info': 1, 'deep': True, 'failing': 0}
    assert result['version'] == version
    assert list(result['items']) == list(checklist.ITEM_IDS) and len(checklist.ITEM_IDS) == 15


def test_unsafe_config_fails_the_config_items():
    evidence = hardened_evidence(config_text=config_text('insecure-A.json'))
    evidence['report']['security'] = module_result('2026.9.6', 'security-audit-insecure-A-valid')
    evidence['report']['secrets'] = module_result('2026.9.6', 'secrets-audit-plaintext', kind='secrets')
    items = checklist.evaluate(evidence, now=NOW)['items']
    for item in ('loopback_bind', 'remote_access', 'control_ui_private', 'token_auth', 'channels_allowlisted',
                 'tool_policy_trust', 'secrets_outside_repos', 'concurrency_limits', 'skills_vetted'):
        assert items[item]['status'] == 'fail', (item, items[item])
    assert items['loopback_bind']['evidence'] == 'gateway.bind=lan in openclaw.json'
    assert 'gateway.tailscale.mode=funnel' in items['remote_access']['evidence']
    assert 'allowedOrigins has "*"' in items['control_ui_private']['evidence']
    assert items['token_auth']['evidence'] == 'gateway.auth.mode=none (the guide asks for token auth)'
    assert 'telegram DMs open (dmPolicy=open)' in items['channels_allowlisted']['evidence']
    assert 'security.exposure.open_channels_with_exec' in items['tool_policy_trust']['evidence']
    assert 'elevated tools on' in items['tool_policy_trust']['evidence']
    # The path of the literal hooks token is named, never its value.
    assert 'hooks.token' in items['secrets_outside_repos']['evidence']
    assert 'shorttoken' not in json.dumps(items)
    assert 'secrets audit: 1 secret(s) in clear' in items['secrets_outside_repos']['evidence']
    # A security audit without --deep cannot count as the deep review.
    assert items['security_audit_reviewed'] == {'status': 'unknown',
                                                'evidence': 'security audit ran without --deep'}
    assert items['provider_limits']['status'] == 'manual'


def test_unreadable_or_missing_config_is_unknown_not_pass():
    for evidence in (hardened_evidence(config_text=None, config_path='/x/openclaw.json'),
                     hardened_evidence(config_text='{"gateway": {bind: "loopback"}}'),
                     hardened_evidence(config_error='invalid JSON at line 1 column 2')):
        items = checklist.evaluate(evidence, now=NOW)['items']
        for item in ('loopback_bind', 'remote_access', 'token_auth', 'channels_allowlisted', 'concurrency_limits',
                     'premium_models', 'control_ui_private', 'tool_policy_trust', 'skills_vetted'):
            assert items[item]['status'] == 'unknown', (item, items[item])
        # Evidence from elsewhere still counts.
        assert items['devices_reviewed']['status'] == 'pass'
    assert 'no openclaw.json at /x/openclaw.json' in checklist.evaluate(
        hardened_evidence(config_text=None, config_path='/x/openclaw.json'), now=NOW)['items']['token_auth']['evidence']


def test_loopback_bind_fails_on_a_non_loopback_listener_whatever_the_config_says():
    evidence = hardened_evidence(listeners=[{'address': '0.0.0.0', 'port': 18789, 'loopback': False}])
    assert judge(evidence, 'loopback_bind') == {'status': 'fail',
                                                'evidence': 'port 18789 listens on 0.0.0.0, not only on loopback'}
    assert judge(hardened_evidence(listeners=[]), 'loopback_bind')['evidence'] == (
        'gateway.bind=loopback; nothing listens on port 18789 now')
    assert judge(edited(hardened_evidence(), gateway__bind=None), 'loopback_bind')['status'] == 'pass'
    assert judge(edited(hardened_evidence(), gateway__bind='tailnet'), 'loopback_bind')['status'] == 'fail'


def test_remote_access_branches():
    evidence = hardened_evidence()
    assert 'remote use through channels telegram' in judge(evidence, 'remote_access')['evidence']
    serve = edited(evidence, gateway__tailscale={'mode': 'serve'})
    assert judge(serve, 'remote_access')['evidence'].startswith('remote access through Tailscale')
    assert judge(edited(evidence, gateway__bind='lan'), 'remote_access')['status'] == 'fail'
    no_channels = edited(evidence, channels=None)
    assert judge(no_channels, 'remote_access')['evidence'].endswith('no chat channel (local use only)')


def test_control_ui_branches():
    evidence = edited(hardened_evidence(), gateway__controlUi={'enabled': True})
    assert judge(evidence, 'control_ui_private') == {
        'status': 'pass', 'evidence': 'Control UI on, reachable on loopback only (gateway.bind=loopback)'}
    insecure = edited(evidence, gateway__controlUi={'allowInsecureAuth': True})
    assert 'allowInsecureAuth=true without Tailscale serve' in judge(insecure, 'control_ui_private')['evidence']
    insecure_serve = edited(insecure, gateway__tailscale={'mode': 'serve'})
    assert judge(insecure_serve, 'control_ui_private')['status'] == 'pass'


def test_token_auth_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'token_auth')['evidence'] == (
        'gateway.auth.mode=token, token from a SecretRef (env OPENCLAW_GATEWAY_TOKEN)')
    password = edited(evidence, gateway__auth={'mode': 'password', 'password': '${OPENCLAW_GATEWAY_PASSWORD}'})
    assert judge(password, 'token_auth')['status'] == 'fail'
    assert judge(edited(evidence, gateway__auth__mode=None, gateway__auth__token=None), 'token_auth') == {
        'status': 'fail', 'evidence': 'gateway.auth has no mode and no token: the Gateway takes no auth'}
    env_token = edited(evidence, gateway__auth__token=None)
    assert judge(env_token, 'token_auth')['evidence'].endswith("token from the Gateway's environment "
                                                               "(OPENCLAW_GATEWAY_TOKEN)")
    # The recorded audit of the same config without the token in its environment.
    env_token['report']['security'] = module_result('2026.9.6', 'security-audit-hardened-noenv')
    assert judge(env_token, 'token_auth')['status'] == 'fail'
    assert 'gateway.http.no_auth' in judge(env_token, 'token_auth')['evidence']


def test_channels_allowlisted_branches():
    evidence = hardened_evidence()
    groups = edited(evidence, channels={'telegram': {'enabled': True, 'dmPolicy': 'allowlist', 'allowFrom': ['1'],
                                                     'groupPolicy': 'allowlist', 'groups': {'-100': {}}}})
    assert judge(groups, 'channels_allowlisted')['evidence'] == (
        'telegram groups listed without a sender allowlist')
    senders = edited(groups, channels={'telegram': {'groupAllowFrom': ['1']}})
    assert judge(senders, 'channels_allowlisted')['status'] == 'pass'
    wildcard = edited(senders, channels={'telegram': {'groupAllowFrom': ['*']}})
    assert judge(wildcard, 'channels_allowlisted')['status'] == 'fail'
    no_mention = edited(senders, channels={'telegram': {'groups': {'-100': {'requireMention': False}}}})
    assert 'without a mention' in judge(no_mention, 'channels_allowlisted')['evidence']
    pairing = edited(evidence, channels__telegram__dmPolicy=None)
    assert judge(pairing, 'channels_allowlisted')['status'] == 'pass'
    assert 'dmPolicy=pairing' in judge(pairing, 'channels_allowlisted')['evidence']
    account = edited(evidence, channels={'telegram': {'accounts': {'work': {'dmPolicy': 'open'}}}})
    assert judge(account, 'channels_allowlisted')['evidence'].startswith('telegram/work DMs open')
    disabled = edited(evidence, channels={'telegram': {'enabled': False, 'dmPolicy': 'open'}})
    assert judge(disabled, 'channels_allowlisted') == {'status': 'pass', 'evidence': 'no chat channel enabled'}
    # The allowed ids themselves are never part of the evidence.
    assert '123456789' not in judge(evidence, 'channels_allowlisted')['evidence']


def test_tool_policy_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'tool_policy_trust')['evidence'] == (
        'telegram (allowlisted) reaches agent main: no exec/fs/runtime tools')
    open_dm = edited(evidence, channels={'telegram': {'enabled': True, 'dmPolicy': 'open', 'allowFrom': ['*']}})
    assert judge(open_dm, 'tool_policy_trust')['status'] == 'pass'
    # The global deny list reaches every agent: a coding profile alone gives coder nothing dangerous.
    denied = edited(open_dm, agents__entries={'coder': {'tools': {'profile': 'coding'}}},
                    bindings=[{'agentId': 'coder', 'match': {'channel': 'telegram'}}])
    assert judge(denied, 'tool_policy_trust')['status'] == 'pass'
    coder = edited(open_dm, tools={'profile': 'messaging', 'deny': [], 'exec': {'mode': 'allowlist'}},
                   agents__entries={'coder': {'tools': {'profile': 'coding'}}},
                   bindings=[{'agentId': 'coder', 'match': {'channel': 'telegram'}}])
    result = judge(coder, 'tool_policy_trust')
    assert result['status'] == 'fail'
    assert 'reaches agent coder with exec, group:fs, group:runtime' in result['evidence']
    # Allowlisted senders may reach the coding agent.
    trusted = edited(coder, channels={'telegram': {'dmPolicy': 'allowlist', 'allowFrom': ['1']}})
    assert judge(trusted, 'tool_policy_trust')['status'] == 'pass'


def test_secrets_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'secrets_outside_repos')['evidence'] == (
        'openclaw.json holds only references; openclaw secrets audit: clean; history of /home/alice/dotfiles clean; '
        '1 key(s) tracked, oldest 29 days (limit 90)')
    old = copy.deepcopy(evidence)
    old['rotation_records'][0]['text'] = json.dumps({'label': 'anthropic api key', 'rotated_on': '2026-06-01',
                                                     'max_age_days': 90})
    assert judge(old, 'secrets_outside_repos') == {
        'status': 'due', 'evidence': 'anthropic api key is 182 days old (rotate every 90 days)'}
    leaked = copy.deepcopy(evidence)
    leaked['repo_scans'] = [{'repo': '/home/alice/dotfiles', 'findings': 2}]
    assert judge(leaked, 'secrets_outside_repos')['evidence'] == (
        '2 exposed secret(s) in the git history of /home/alice/dotfiles (rotate them)')
    literal = edited(evidence, channels={'telegram': {'botToken': '123456:AAH-literal-token-value-000'}})
    result = judge(literal, 'secrets_outside_repos')
    assert result == {'status': 'fail', 'evidence': 'openclaw.json holds secret(s) in clear at channels.telegram.botToken'}
    nothing = hardened_evidence(config_text=None, report={}, rotation_records=[], repo_scans=[])
    assert judge(nothing, 'secrets_outside_repos')['status'] == 'unknown'


def test_premium_models_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'premium_models')['evidence'] == "agents.defaults.model unset (OpenClaw's built-in default)"
    default = edited(evidence, agents__defaults__model={'primary': 'anthropic/claude-opus-4-5', 'fallbacks': []})
    assert judge(default, 'premium_models')['status'] == 'fail'
    cheap = edited(evidence, agents__defaults__model='budget/glm-5.1',
                   agents__entries={'coder': {'model': 'anthropic/claude-opus-4-5'}})
    assert judge(cheap, 'premium_models')['evidence'] == (
        'agents.defaults.model=budget/glm-5.1 (not premium); premium only on agent coder')
    background = dict(cheap, background_agents=['coder'])
    assert judge(background, 'premium_models')['evidence'] == 'background agent coder uses anthropic/claude-opus-4-5'
    heartbeat = edited(evidence, agents__defaults__heartbeat={'model': 'openai/gpt-5.2-pro'})
    assert judge(heartbeat, 'premium_models')['status'] == 'fail'
    assert judge(dict(heartbeat, premium_models=[]), 'premium_models')['status'] == 'pass'
    with pytest.raises(checklist.ChecklistError, match='not a regular expression'):
        checklist.evaluate(dict(evidence, premium_models=['(']), now=NOW)


def test_concurrency_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'concurrency_limits')['evidence'] == 'maxConcurrent=2, subagents.maxConcurrent=2'
    high = edited(evidence, agents__defaults__maxConcurrent=64)
    assert judge(high, 'concurrency_limits')['status'] == 'fail'


def test_skills_branches():
    evidence = hardened_evidence()
    auto = edited(evidence, skills={'workshop': {'autonomous': {'mode': 'auto'}}})
    assert judge(auto, 'skills_vetted')['status'] == 'fail'
    unset = edited(evidence, skills=None)
    assert "unset (OpenClaw's default auto)" in judge(unset, 'skills_vetted')['evidence']
    # 2026.6's workshop only proposes; unset is fine there.
    assert judge(hardened_evidence('2026.6.5'), 'skills_vetted')['status'] == 'pass'
    uploads = edited(evidence, skills={'install': {'allowUploadedArchives': True}})
    assert 'allowUploadedArchives=true' in judge(uploads, 'skills_vetted')['evidence']
    unpinned = copy.deepcopy(evidence)
    unpinned['report']['security']['findings'].append({'checkId': 'plugins.installs_unpinned_npm_specs',
                                                       'severity': 'warn', 'title': '', 'detail': ''})
    assert judge(unpinned, 'skills_vetted')['evidence'].endswith('security audit: plugins.installs_unpinned_npm_specs')
    shallow = copy.deepcopy(evidence)
    shallow['report']['security'] = module_result('2026.9.6', 'security-audit-hardened')
    assert judge(shallow, 'skills_vetted')['status'] == 'unknown'


def test_prompt_injection_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'prompt_injection_rules')['evidence'] == (
        'untrusted content rules in /home/openclaw/.openclaw/workspace/AGENTS.md (managed block)')
    by_hand = dict(evidence, agents_files=[{'path': '/a/AGENTS.md', 'exists': True,
                                            'text': '\n'.join(checklist.INJECTION_RULES)}])
    assert judge(by_hand, 'prompt_injection_rules')['evidence'].endswith('(rules written by hand)')
    partial = dict(evidence, agents_files=[{'path': '/a/AGENTS.md', 'exists': True,
                                            'text': checklist.INJECTION_RULES[0]}])
    assert judge(partial, 'prompt_injection_rules') == {
        'status': 'fail', 'evidence': "/a/AGENTS.md lacks 4 of the guide's 5 untrusted content rules"}
    missing = dict(evidence, agents_files=[{'path': '/a/AGENTS.md', 'exists': False}])
    assert judge(missing, 'prompt_injection_rules')['status'] == 'fail'
    unreadable = dict(evidence, agents_files=[{'path': '/a/AGENTS.md', 'exists': True, 'error': 'Permission denied'}])
    assert judge(unreadable, 'prompt_injection_rules')['status'] == 'unknown'


def devices(evidence, **fields):
    data = json.loads(evidence['devices_review']['text'])
    data.update(fields)
    return dict(evidence, devices_review={'path': '/r/devices/laptop.json', 'text': json.dumps(data)})


def test_devices_review_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'devices_reviewed') == {
        'status': 'pass', 'evidence': 'reviewed 2026-11-20T08:00:00Z (10 days ago): 1 kept, 0 unknown'}
    old = devices(evidence, reviewed_at='2026-10-01T08:00:00Z')
    assert judge(old, 'devices_reviewed')['status'] == 'due'
    assert judge(old, 'devices_reviewed', max_ages={'devices_review': 90})['status'] == 'pass'
    unknown = devices(evidence, mode='report', unknown=['stranger'])
    assert judge(unknown, 'devices_reviewed')['status'] == 'fail'
    assert 'stranger' not in judge(unknown, 'devices_reviewed')['evidence']
    absent = dict(evidence, devices_review={'path': '/r/devices/laptop.json', 'text': '',
                                            'error': 'file not found: /r/devices/laptop.json'})
    assert judge(absent, 'devices_reviewed') == {
        'status': 'unknown',
        'evidence': 'no device review report at /r/devices/laptop.json; run playbooks/devices_review.yml'}
    broken = dict(evidence, devices_review={'path': '/r/devices/laptop.json', 'text': '{not json'})
    assert judge(broken, 'devices_reviewed')['status'] == 'unknown'
    unreadable = dict(evidence, devices_review={'path': '/r/d.json', 'text': '', 'error': 'Permission denied'})
    assert judge(unreadable, 'devices_reviewed')['evidence'] == '/r/d.json could not be read: Permission denied'
    unreachable = devices(evidence, gateway_reachable=False)
    assert judge(unreachable, 'devices_reviewed')['status'] == 'unknown'


def restore(evidence, **fields):
    data = json.loads(evidence['restore_test']['text'])
    data.update(fields)
    return dict(evidence, restore_test={'path': '/r/backups/laptop.json', 'text': json.dumps(data)})


def test_restore_test_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'backups_tested') == {
        'status': 'pass',
        'evidence': 'restore test 2026-10-01T09:00:00Z (60 days ago) passed with /home/openclaw/openclaw-backups/x.tar.gz'}
    assert judge(restore(evidence, tested_at='2026-08-01T09:00:00Z'), 'backups_tested')['status'] == 'due'
    failed = restore(evidence, passed=False, unexpected_differences=[{'path': 'openclaw.json', 'kind': 'content',
                                                                      'detail': 'differs'}])
    assert judge(failed, 'backups_tested')['evidence'].endswith('failed: 1 unexpected difference(s) with the live state')
    assert judge(restore(evidence, passed='yes'), 'backups_tested')['status'] == 'unknown'
    absent = dict(evidence, restore_test={'path': '/r/backups/laptop.json', 'text': ''})
    assert judge(absent, 'backups_tested')['evidence'].endswith('run playbooks/backup_restore_test.yml')


def test_security_audit_branches():
    evidence = hardened_evidence()
    assert judge(evidence, 'security_audit_reviewed')['evidence'] == (
        "--deep: critical 0, warn 1, info 1, every finding in the version's floor or accepted")
    beyond = copy.deepcopy(evidence)
    beyond['report']['security']['floor'] = []
    beyond['report']['security']['failing'] = beyond['report']['security']['findings'][1:]
    assert judge(beyond, 'security_audit_reviewed') == {
        'status': 'fail', 'evidence': "--deep: critical 0, warn 1, info 1; 1 beyond the version's floor: "
                                      "gateway.probe_failed"}
    skipped = hardened_evidence(report={'skipped': True, 'security': {'skipped': True}})
    assert judge(skipped, 'security_audit_reviewed') == {'status': 'unknown',
                                                         'evidence': 'the audit did not run (check mode)'}
    failed = hardened_evidence(report={'skipped': False, 'security': {'failed': True}, 'errors': ['timed out']})
    assert judge(failed, 'security_audit_reviewed') == {
        'status': 'unknown', 'evidence': 'openclaw security audit gave no result: timed out'}
    # What the module keeps when OpenClaw refuses the config: an empty summary and exit code 1.
    refused = copy.deepcopy(evidence)
    run = helpers.recording('2026.9.6', 'security-audit-insecure-A')
    refused['report']['security'] = {'summary': {'critical': 0, 'warn': 0, 'info': 0}, 'findings': [], 'failing': [],
                                     'floor': [], 'cmd': run['cmd'] + ['--deep'], 'exit_code': run['rc']}
    refused['report']['errors'] = ['OpenClaw refused to audit because its config is invalid']
    result = checklist.evaluate(refused, now=NOW)
    assert result['items']['security_audit_reviewed'] == {
        'status': 'unknown', 'evidence': 'openclaw security audit gave no result (exit 1): OpenClaw refused to audit '
                                         'because its config is invalid'}
    assert result['items']['skills_vetted']['status'] == 'unknown'
    assert result['audit'] == {'critical': None, 'warn': None, 'info': None, 'deep': False, 'failing': None}


def test_bad_input_is_refused_clearly():
    with pytest.raises(checklist.ChecklistError, match='host'):
        checklist.evaluate({}, now=NOW)
    with pytest.raises(checklist.ChecklistError, match='now must be'):
        checklist.evaluate(hardened_evidence(), now='yesterday')
    with pytest.raises(checklist.ChecklistError, match='max_ages.devices_review'):
        checklist.evaluate(hardened_evidence(), now=NOW, max_ages={'devices_review': 0})
    with pytest.raises(checklist.ChecklistError, match='unknown key'):
        checklist.evaluate(hardened_evidence(), now=NOW, max_ages={'backups': 3})


def test_fleet_report_sorts_hosts_and_counts_statuses():
    rows = [checklist.evaluate(hardened_evidence(host='vps'), now=NOW),
            checklist.evaluate(hardened_evidence(config_text=config_text('insecure-A.json'), host='laptop'), now=NOW),
            checklist.missing_host('gone', 'unreachable')]
    report = checklist.fleet_report(rows, label='after', generated_at=NOW)
    assert [row['host'] for row in report['hosts']] == ['gone', 'laptop', 'vps']
    assert [column['id'] for column in report['columns']] == list(checklist.ITEM_IDS)
    assert report['totals']['loopback_bind'] == {'pass': 1, 'fail': 1, 'due': 0, 'unknown': 1, 'manual': 0}
    assert report['totals']['provider_limits']['manual'] == 2
    with pytest.raises(checklist.ChecklistError, match='host checklist'):
        checklist.fleet_report([{'host': 'x'}])


def test_renderings_escape_every_value():
    row = checklist.evaluate(hardened_evidence(host='<script>alert(1)</script>'), now=NOW)
    row['items']['loopback_bind']['evidence'] = 'a "quoted" <b>value</b> | & more'
    report = checklist.fleet_report([row], label='<i>after</i>', generated_at=NOW)
    page = checklist.render_html(report)
    assert '<script' not in page.lower()
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert '<b>value' not in page and '&lt;b&gt;value&lt;/b&gt;' in page
    assert '&quot;quoted&quot;' in page
    assert '<i>after' not in page
    for external in ('src=', 'http://', 'https://', '<link'):
        assert external not in page
    markdown = checklist.render_markdown(report)
    assert '<script>' not in markdown and '&lt;script&gt;' in markdown
    assert 'a "quoted" &lt;b&gt;value&lt;/b&gt; \\| &amp; more' in markdown
    table = [line for line in markdown.splitlines() if line.startswith('| &lt;script')]
    assert len(table) == 1 and table[0].count(' | ') == 17
