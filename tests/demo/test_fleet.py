"""The demo fleet after scripts/demo.sh (VERIFY=1): harden.yml, the monthly review, the restore
test, the fleet audit and a hand edit on the laptop.

Run against the demo containers with testinfra; scripts/demo.sh starts it:
``pytest tests/demo --hosts=docker://clawfleet-demo-laptop,...``.
"""
import json
import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORTS = os.environ.get('CLAWFLEET_REPORT_DIR') or os.path.join(REPO, 'reports')
STATE_DIR = '/home/openclaw/.openclaw'
HOSTS = ['homeserver', 'laptop', 'vps']


def load(name):
    with open(os.path.join(REPORTS, name)) as handle:
        return json.load(handle)


def name_of(host):
    return host.backend.get_hostname().replace('clawfleet-demo-', '')


def config_of(host):
    return json.loads(host.file(STATE_DIR + '/openclaw.json').content_string)


def test_check_mode_found_the_unsafe_settings_on_every_host():
    report = load('drift-before.json')
    assert report['check_mode'] is True
    paths = {host: {change.get('path') for change in entry['changes']} for host, entry in report['hosts'].items()}
    assert sorted(paths) == HOSTS
    expected = {'laptop': 'channels.telegram.dmPolicy', 'homeserver': 'channels.discord.dmPolicy', 'vps': 'gateway.bind'}
    for host, changed in paths.items():
        assert expected[host] in changed, (host, sorted(filter(None, changed)))


def test_the_second_run_and_the_check_after_it_found_nothing():
    for name, check_mode in (('second-run.json', False), ('drift.json', True)):
        report = load(name)
        assert report['check_mode'] is check_mode, name
        assert {host: entry['drifted'] for host, entry in report['hosts'].items()} == dict.fromkeys(HOSTS, False), name


def test_the_hand_edit_is_the_only_drift():
    report = load('drift-hand-edit.json')
    assert report['check_mode'] is True
    drifted = sorted(host for host, entry in report['hosts'].items() if entry['drifted'])
    assert drifted == ['laptop'], report
    changes = {change['path']: change for change in report['hosts']['laptop']['changes'] if change.get('path')}
    assert set(changes) == {'agents.defaults.maxConcurrent', 'logging.level'}, report['hosts']['laptop']
    assert (changes['agents.defaults.maxConcurrent']['old'], changes['agents.defaults.maxConcurrent']['new']) == (12, 2)
    assert (changes['logging.level']['old'], changes['logging.level']['new']) == ('debug', 'info')


def test_every_checklist_item_passes_except_the_manual_ones():
    fleet = load(os.path.join('after', 'fleet.json'))
    rows = {row['host']: row for row in fleet['hosts']}
    assert sorted(rows) == HOSTS
    not_passing = {}
    for host, row in rows.items():
        for item, result in row['items'].items():
            if result['status'] == 'manual':
                assert item == 'provider_limits', (host, item, result)
            elif result['status'] != 'pass':
                not_passing['%s %s' % (host, item)] = result
    assert not not_passing, json.dumps(not_passing, indent=2)
    for name in ('fleet.md', 'fleet.html'):
        assert os.path.getsize(os.path.join(REPORTS, 'after', name)) > 0


def test_each_host_keeps_its_own_shape(host):
    name = name_of(host)
    assert name in HOSTS
    config = config_of(host)
    assert config['gateway']['bind'] == 'loopback'
    assert config['gateway']['auth']['mode'] == 'token'
    assert host.file(STATE_DIR).mode == 0o700
    assert host.file(STATE_DIR + '/openclaw.json').mode == 0o600
    channels = config.get('channels', {})
    enabled = sorted(channel for channel, settings in channels.items() if settings.get('enabled', True))
    if name == 'laptop':
        assert enabled == ['telegram']
        assert channels['telegram']['dmPolicy'] == 'allowlist'
        assert channels['telegram']['allowFrom'] == ['123456789']
        assert config['gateway']['port'] == 18789
    elif name == 'homeserver':
        assert enabled == ['discord']
        assert channels['discord']['dmPolicy'] == 'allowlist'
        assert config['gateway']['port'] == 18800
        assert sorted(config['agents']['entries']) == ['coder', 'helper']
        assert config['agents']['entries']['coder']['heartbeat'] == {'model': 'openrouter/z-ai/glm-4.6'}
    else:
        assert enabled == []
        assert config['gateway']['tailscale']['mode'] == 'serve'
        assert config['gateway']['controlUi']['allowedOrigins'] == ['https://vps.tail1234.ts.net']


def test_no_node_host_stays_paired(host):
    """The home server's stale tablet is removed; no host keeps a node the inventory does not list."""
    result = host.run('timeout 120 runuser -u openclaw -- sh -c \'set -a; [ -f %s/gateway.env ] && . %s/gateway.env; '
                      'set +a; HOME=/home/openclaw exec /usr/local/bin/openclaw devices list --json\'' % (STATE_DIR, STATE_DIR))
    assert result.rc == 0, result.stderr
    listed = json.loads(result.stdout[result.stdout.index('{'):])
    entries = listed.get('paired', []) + listed.get('pending', [])
    assert 'old-tablet' not in [entry.get('displayName') for entry in entries]
    assert [entry for entry in entries if 'node' in [entry.get('role')] + list(entry.get('roles') or [])] == []
