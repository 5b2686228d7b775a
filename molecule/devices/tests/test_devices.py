"""The devices role against a real Gateway and real node hosts (OpenClaw 2026.9.6)."""
import json
import os
import sys

# The call-log reader is shared by every scenario (molecule/resources/calllog.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'resources'))
from calllog import CALL_LOG, run_segments  # noqa: E402  pylint: disable=wrong-import-position

STATE_DIR = '/home/openclaw/.openclaw'
RUNS = '/var/log/openclaw-calls/devices-runs.jsonl'


def devices(host):
    """The Gateway's own device list, read with the real CLI as the Gateway's user."""
    result = host.run('timeout 120 runuser -u openclaw -- env HOME=/home/openclaw LC_ALL=C '
                      '/usr/local/bin/openclaw devices list --json')
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout[result.stdout.index('{'):])


def names(entries):
    return sorted(entry['displayName'] for entry in entries)


def runs(host):
    """The device summaries kept by each converge/check run, in order."""
    return [json.loads(line) for line in host.file(RUNS).content_string.splitlines()]


def test_local_clients_cannot_pair_silently(host):
    config = json.loads(host.file(STATE_DIR + '/openclaw.json').content_string)
    assert config['gateway']['nodes']['pairing']['autoApproveLocal'] is False


def test_only_the_allowed_node_host_is_paired(host):
    listed = devices(host)
    assert names(listed['paired']) == ['kitchen-pi']
    assert listed['paired'][0]['connected'] is True


def test_the_removed_node_host_stayed_out_and_the_new_one_waits(host):
    listed = devices(host)
    # stranger was removed by converge and its request to pair again rejected;
    # intruder asked after hardening and only check mode has seen it.
    assert names(listed['pending']) == ['intruder']
    assert host.service('openclaw-node@node2').is_running, 'stranger gave up: it must be turned away, not crash'


def test_each_run_decided_as_the_inventory_says(host):
    fresh_check, converge, idempotence, check, check_after_request = runs(host)[:5]
    assert fresh_check['check'] and check['check'] and check_after_request['check']
    # Check mode on the fresh host saw both silently paired node hosts and acted on neither.
    assert [device['decision'] for device in fresh_check['summary']['paired']
            if device['display_name'] == 'stranger'] == ['remove']
    assert fresh_check['summary']['acted'] is False
    # Converge removed stranger, then rejected the request it made right after.
    assert converge['changed'] is True
    assert [name.split(' ')[0] for name in converge['summary']['removed']] == ['stranger']
    assert [name.split(' ')[0] for name in converge['summary']['rejected']] == ['stranger']
    assert [name.split(' ')[0] for name in converge['summary']['kept']] == ['kitchen-pi']
    # The second run and the check after it found nothing to do.
    for quiet in (idempotence, check):
        assert quiet['changed'] is False, quiet
        assert quiet['summary']['actions'] == [] and quiet['summary']['unknown'] == [], quiet
    assert [request['decision'] for request in check_after_request['summary']['pending']] == ['reject']


def is_list(calls):
    return len(calls) == 1 and calls[0].startswith('devices list ') and '--json' in calls[0]


def test_a_no_change_run_starts_no_node_and_a_run_with_work_lists_first(host):
    fresh_check, converge, idempotence, check, check_after_request = run_segments(host)[:5]
    assert 'check=True' in fresh_check[0] and 'check=False' in idempotence[0] and 'check=True' in check[0]
    # Something to do (or to report): the Gateway's own listing, right before acting.
    for segment in (fresh_check, check_after_request):
        assert is_list(segment[1]), segment
    # Nothing to do: read from the state database, no CLI call at all.
    for segment in (idempotence, check):
        assert segment[1] == [], segment
    assert any(call.startswith('devices remove ') for call in converge[1]), converge[1]
    assert any(call.startswith('devices reject ') for call in converge[1]), converge[1]
    sources = [run['summary']['listing_source'] for run in runs(host)[:5]]
    assert sources == ['cli', 'cli', 'state database', 'state database', 'cli'], sources


def test_the_state_database_holds_what_the_gateway_lists(host):
    """What listing_source=auto relies on, on a real Gateway with connected and pending node hosts."""
    listed = devices(host)
    read = host.run(
        'python3 -c "import json, sqlite3; c = sqlite3.connect(\'file:%s/state/openclaw.sqlite?mode=ro\', uri=True); '
        'print(json.dumps([sorted(r[0] for r in c.execute(\'SELECT device_id FROM device_pairing_paired\')), '
        'sorted(r[0] for r in c.execute(\'SELECT request_id FROM device_pairing_pending\'))]))"' % STATE_DIR)
    assert read.rc == 0, read.stderr
    paired, pending = json.loads(read.stdout)
    assert paired == sorted(device['deviceId'] for device in listed['paired']) and paired
    assert pending == sorted(request['requestId'] for request in listed['pending']) and pending


def test_the_gateway_token_is_not_in_the_logs(host):
    token = host.ansible.get_variables()['openclaw_gateway_token']
    assert token not in host.file(CALL_LOG).content_string
    assert token not in host.file(RUNS).content_string
