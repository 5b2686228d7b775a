# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""listen_check against socket tables recorded on a real host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.clawfleet.openclaw.plugins.module_utils import listen
from ansible_collections.clawfleet.openclaw.plugins.modules import listen_check
from ansible_collections.clawfleet.openclaw.tests.unit import helpers


class FakeClock(object):
    """time.time/time.sleep for the module, and the tables it sees at each read."""

    def __init__(self, sequence):
        self.now = 1000.0
        self.sequence = list(sequence)
        self.reads = 0
        self.slept = 0.0

    def time(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.slept += seconds
        self.now += seconds

    def read_tables(self, *args, **kwargs):
        self.reads += 1
        name = self.sequence[min(self.reads, len(self.sequence)) - 1]
        return helpers.tables(name)


def run_module(args, sequence, capsys, monkeypatch):
    clock = FakeClock(sequence)
    monkeypatch.setattr(listen, 'read_tables', clock.read_tables)
    monkeypatch.setattr(listen_check.time, 'time', clock.time)
    monkeypatch.setattr(listen_check.time, 'sleep', clock.sleep)
    result = helpers.run_module(listen_check, args, capsys)
    result['_clock'] = clock
    return result


# id, args, recorded tables read one after the other, expected
CASES = [
    ('loopback passes', {'port': 18789}, ['loopback'],
     dict(failed=False, listening=True, loopback_only=True, non_loopback=[],
          listeners=[{'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'loopback': True},
                     {'address': '::1', 'family': 'ipv6', 'port': 18789, 'loopback': True}])),
    ('ipv4-mapped loopback passes', {'port': 18790}, ['mixed'],
     dict(failed=False, listening=True, loopback_only=True, non_loopback=[])),
    ('127.0.0.2 is loopback', {'port': 18791, 'expect': 'listening'}, ['mixed'],
     dict(failed=False, listening=True, loopback_only=True)),
    ('wildcards fail', {'port': 18789}, ['wildcard'],
     dict(failed=True, listening=True, loopback_only=False, non_loopback=['0.0.0.0', '::'],
          msg_has=['port 18789', '0.0.0.0 (ipv4', ':: (ipv6', 'openclaw_gateway_bind: loopback', '127.0.0.1'])),
    ('dual-stack :: fails', {'port': 18789}, ['dualstack'],
     dict(failed=True, non_loopback=['::'], msg_has=[':: (ipv6, wildcard'])),
    ('LAN addresses fail', {'port': 18789}, ['mixed'],
     dict(failed=True, non_loopback=['192.0.2.2', 'fd00::2'],
          msg_has=['192.0.2.2 (ipv4, not loopback)', 'fd00::2 (ipv6, not loopback)'],
          msg_lacks=['127.0.0.1 (ipv4'])),
    ('allowed LAN address passes', {'port': 18789, 'allowed_addresses': ['192.0.2.2', 'fd00:0::2']}, ['mixed'],
     dict(failed=False, loopback_only=False, non_loopback=['192.0.2.2', 'fd00::2'])),
    ('one allowed, one not', {'port': 18789, 'allowed_addresses': ['192.0.2.2']}, ['mixed'],
     dict(failed=True, msg_has=['fd00::2'], msg_lacks=['192.0.2.2'])),
    ('allowed wildcard', {'port': 18789, 'allowed_addresses': ['0.0.0.0', '::']}, ['wildcard'],
     dict(failed=False, loopback_only=False)),
    ('nothing listens, any', {'port': 18789}, ['empty'],
     dict(failed=False, listening=False, loopback_only=True, listeners=[], non_loopback=[])),
    ('nothing listens, listening expected', {'port': 18789, 'expect': 'listening'}, ['empty'],
     dict(failed=True, listening=False, msg_has=['Nothing listens on port 18789'])),
    ('absent passes when free', {'port': 18789, 'expect': 'absent'}, ['empty'],
     dict(failed=False, listening=False)),
    ('absent fails on loopback too', {'port': 18789, 'expect': 'absent'}, ['loopback'],
     dict(failed=True, msg_has=['expected to be free', '127.0.0.1'])),
    ('absent and exposed names both', {'port': 18789, 'expect': 'absent'}, ['wildcard'],
     dict(failed=True, msg_has=['EXPOSED', 'expected to be free'])),
    ('wait until it listens', {'port': 18789, 'wait_timeout': 30, 'expect': 'listening'},
     ['empty', 'empty', 'empty', 'loopback'],
     dict(failed=False, listening=True, reads=4, slept=3.0)),
    ('wait then find it exposed', {'port': 18789, 'wait_timeout': 30}, ['empty', 'wildcard'],
     dict(failed=True, msg_has=['EXPOSED'], reads=2)),
    ('wait times out', {'port': 18789, 'wait_timeout': 5}, ['empty'],
     dict(failed=True, listening=False, slept=5.0,
          msg_has=['Nothing listens on port 18789 after waiting 5 s', 'logs'])),
    ('no wait when already listening', {'port': 18789, 'wait_timeout': 30}, ['loopback'],
     dict(failed=False, reads=1, slept=0.0)),
    ('absent waits for the port to be freed', {'port': 18789, 'expect': 'absent', 'wait_timeout': 10},
     ['loopback', 'loopback', 'empty'],
     dict(failed=False, listening=False, reads=3)),
    ('absent wait times out', {'port': 18789, 'expect': 'absent', 'wait_timeout': 3}, ['loopback'],
     dict(failed=True, slept=3.0, msg_has=['expected to be free', 'after waiting 3 s'])),
    ('bad port', {'port': 0}, ['loopback'], dict(failed=True, msg_has=['between 1 and 65535'])),
    ('negative wait', {'port': 18789, 'wait_timeout': -1}, ['loopback'], dict(failed=True, msg_has=['wait_timeout'])),
]


@pytest.mark.parametrize('args,sequence,expected', [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_listen_check(args, sequence, expected, capsys, monkeypatch):
    result = run_module(args, sequence, capsys, monkeypatch)
    expected = dict(expected)
    failed = expected.pop('failed')
    assert bool(result.get('failed')) is failed, result
    assert result['_exit'] == (1 if failed else 0)
    assert result['changed'] is False
    for text in expected.pop('msg_has', []):
        assert text in result['msg']
    for text in expected.pop('msg_lacks', []):
        assert text not in result['msg']
    clock = result['_clock']
    if 'reads' in expected:
        assert clock.reads == expected.pop('reads')
    if 'slept' in expected:
        assert clock.slept == pytest.approx(expected.pop('slept'))
    for key, value in expected.items():
        assert result[key] == value, key


def test_same_result_in_check_mode(capsys, monkeypatch):
    normal = run_module({'port': 18789}, ['mixed'], capsys, monkeypatch)
    checked = run_module({'port': 18789, '_ansible_check_mode': True}, ['mixed'], capsys, monkeypatch)
    for key in ('failed', 'changed', 'msg', 'listeners', 'non_loopback', 'loopback_only', 'listening'):
        assert normal[key] == checked[key]


def test_no_proc_fails_clearly(capsys, monkeypatch):
    def missing(*args, **kwargs):
        raise IOError(2, 'No such file or directory', '/proc/net/tcp')

    monkeypatch.setattr(listen, 'read_tables', missing)
    with patch_module_args({'port': 18789}):
        with pytest.raises(SystemExit):
            listen_check.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] is True
    assert 'needs Linux' in result['msg']


# --------------------------------------------------------------------------
# service: who holds the port (the live tables and /proc of this test process)
# --------------------------------------------------------------------------


def own_name():
    with open('/proc/self/comm') as handle:
        return handle.read().strip()


def test_port_held_by_another_program_fails_at_once_naming_it(own_listener, capsys, monkeypatch):
    slept = []
    monkeypatch.setattr(listen_check.time, 'sleep', slept.append)
    result = helpers.run_module(listen_check, {'port': own_listener, 'expect': 'listening', 'wait_timeout': 30,
                                               'service': 'clawfleet-no-such-unit'}, capsys)
    assert result['failed'] is True
    assert slept == []
    assert result['held_by_service'] is False
    assert result['holders'] == [{'address': '127.0.0.1', 'family': 'ipv4', 'uid': os.getuid(), 'pid': os.getpid(),
                                  'name': own_name(), 'service': False}]
    assert ('Port %d is held by %s (pid %d) on 127.0.0.1, not by clawfleet-no-such-unit.service'
            % (own_listener, own_name(), os.getpid())) in result['msg']
    assert 'openclaw_gateway_port' in result['msg']


def test_port_held_by_the_service_passes(own_listener, capsys, monkeypatch):
    # The unit's processes are the ones whose cgroup names it; here the test process stands for it.
    monkeypatch.setattr(listen, 'unit_processes', lambda unit, proc='/proc': [os.getpid()])
    result = helpers.run_module(listen_check, {'port': own_listener, 'expect': 'listening', 'wait_timeout': 30,
                                               'service': 'openclaw-gateway'}, capsys)
    assert result.get('failed') is not True, result
    assert result['held_by_service'] is True
    assert [(entry['pid'], entry['service']) for entry in result['holders']] == [(os.getpid(), True)]


def test_unreadable_service_falls_back_to_any_listener(own_listener, capsys, monkeypatch):
    monkeypatch.setattr(listen, 'unit_processes', lambda unit, proc='/proc': [os.getpid()])
    helpers.deny_fd_links(monkeypatch)
    result = helpers.run_module(listen_check, {'port': own_listener, 'expect': 'listening',
                                               'service': 'openclaw-gateway'}, capsys)
    assert result.get('failed') is not True, result
    assert result['held_by_service'] is None
    assert result['holders'] == []
    assert result['listening'] is True


def test_service_waits_while_nothing_listens(capsys, monkeypatch):
    RecordedSystemctl(monkeypatch, ['running'])  # started, not listening yet
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 3, 'service': 'openclaw-gateway'},
                        ['empty'], capsys, monkeypatch)
    assert result['failed'] is True
    assert result['_clock'].slept == pytest.approx(3.0)
    assert result['held_by_service'] is None
    assert 'Nothing listens on port 18789 after waiting 3 s' in result['msg']


def test_empty_service_name_is_refused(capsys):
    result = helpers.run_module(listen_check, {'port': 18789, 'service': ' '}, capsys)
    assert result['failed'] is True
    assert 'service must name a systemd unit' in result['msg']


# --------------------------------------------------------------------------
# service: what systemd says of the unit while the module waits
# (systemctl answers recorded from the real Gateway's unit: fixtures/systemd/gateway_*.json)
# --------------------------------------------------------------------------


class RecordedSystemctl(object):
    """Answers each ``systemctl show`` with the next recorded state (the last one again once they run out)."""

    def __init__(self, monkeypatch, states, binary='/bin/systemctl'):
        self.states = list(states)
        self.calls = []
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', self.run_command)
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda module, name, *a, **k: binary)

    def run_command(self, args, **kwargs):
        assert isinstance(args, list) and kwargs['check_rc'] is False
        self.calls.append((args, kwargs.get('environ_update')))
        rec = helpers.systemd_recording('gateway_' + self.states[min(len(self.calls), len(self.states)) - 1])
        return rec['rc'], rec['stdout'], rec['stderr']


def gateway_holds_the_port(monkeypatch):
    """The recorded sockets count as the unit's (their owner is judged against the live /proc otherwise)."""
    def holders(sockets, unit, proc='/proc'):
        return {'known': True, 'unit_pids': [4242], 'others': [],
                'by_unit': [{'address': sock['address'], 'family': sock['family'], 'uid': sock['uid'], 'pid': 4242,
                             'name': 'openclaw-gateway'} for sock in sockets]}
    monkeypatch.setattr(listen, 'holders', holders)


SHOW_GATEWAY = ['/bin/systemctl', 'show',
                '--property=LoadState,ActiveState,SubState,Result,ExecMainCode,ExecMainStatus',
                'openclaw-gateway.service']


def test_a_gateway_that_exited_78_ends_the_wait_and_is_named(capsys, monkeypatch):
    systemctl = RecordedSystemctl(monkeypatch, ['exit_78'])
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 120, 'service': 'openclaw-gateway'},
                        ['empty'], capsys, monkeypatch)
    assert result['failed'] is True
    # Asked at once and again SERVICE_POLL_INTERVAL later: failed both times, so the wait ends there.
    assert [call[0] for call in systemctl.calls] == [SHOW_GATEWAY, SHOW_GATEWAY]
    assert result['_clock'].slept == pytest.approx(listen_check.SERVICE_POLL_INTERVAL)
    assert result['service_state'] == {'LoadState': 'loaded', 'ActiveState': 'failed', 'SubState': 'failed',
                                       'Result': 'exit-code', 'ExecMainCode': '1', 'ExecMainStatus': '78'}
    for text in ('Nothing listens on port 18789: openclaw-gateway.service stopped and systemd will not start it '
                 'again (ActiveState=failed, Result=exit-code)', 'its main process exited with status 78',
                 'openclaw doctor --fix', 'Stopped waiting after 3 s of up to 120 s',
                 'journalctl -u openclaw-gateway.service'):
        assert text in result['msg']
    assert 'after waiting 120 s' not in result['msg']


def test_a_gateway_waiting_to_restart_is_waited_for(capsys, monkeypatch):
    # Killed, systemd restarts it after RestartSec (activating / auto-restart), then it listens.
    systemctl = RecordedSystemctl(monkeypatch, ['auto_restart', 'auto_restart', 'running'])
    gateway_holds_the_port(monkeypatch)
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 120, 'service': 'openclaw-gateway'},
                        ['empty'] * 8 + ['loopback'], capsys, monkeypatch)
    assert result.get('failed') is not True, result
    assert result['listening'] is True
    assert result['_clock'].slept == pytest.approx(8.0)
    # One question per SERVICE_POLL_INTERVAL, not one per read of the socket tables.
    assert len(systemctl.calls) == 3
    assert result['service_state']['ActiveState'] == 'active'


def test_a_restart_by_someone_else_is_not_taken_for_a_stop(capsys, monkeypatch):
    # inactive once (between the stop and the start of another program's restart), then starting again.
    systemctl = RecordedSystemctl(monkeypatch, ['stopped', 'running'])
    gateway_holds_the_port(monkeypatch)
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 10, 'service': 'openclaw-gateway'},
                        ['empty'] * 7 + ['loopback'], capsys, monkeypatch)
    assert result.get('failed') is not True, result
    assert len(systemctl.calls) == 3


@pytest.mark.parametrize('state', ['not_found', 'user_no_bus'])
def test_a_unit_systemd_does_not_know_or_cannot_say_is_waited_for_to_the_end(state, capsys, monkeypatch):
    RecordedSystemctl(monkeypatch, [state])
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 10, 'service': 'openclaw-gateway'},
                        ['empty'], capsys, monkeypatch)
    assert result['failed'] is True
    assert result['_clock'].slept == pytest.approx(10.0)
    assert 'Nothing listens on port 18789 after waiting 10 s' in result['msg']
    assert result['service_state'] == ({'LoadState': 'not-found', 'ActiveState': 'inactive', 'SubState': 'dead',
                                        'Result': 'success', 'ExecMainCode': '0', 'ExecMainStatus': '0'}
                                       if state == 'not_found' else None)


def test_a_user_unit_is_asked_of_the_users_own_manager(capsys, monkeypatch):
    monkeypatch.delenv('XDG_RUNTIME_DIR', raising=False)
    systemctl = RecordedSystemctl(monkeypatch, ['exit_78'])
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 60, 'service': 'openclaw-gateway',
                         'service_scope': 'user'}, ['empty'], capsys, monkeypatch)
    assert result['failed'] is True
    args, environ = systemctl.calls[0]
    assert args == SHOW_GATEWAY[:1] + ['--user'] + SHOW_GATEWAY[1:]
    assert environ == {'XDG_RUNTIME_DIR': '/run/user/%d' % os.getuid()}
    assert 'journalctl --user -u openclaw-gateway.service' in result['msg']


def test_without_systemctl_it_waits_as_before(capsys, monkeypatch):
    systemctl = RecordedSystemctl(monkeypatch, ['exit_78'], binary=None)
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 5, 'service': 'openclaw-gateway'},
                        ['empty'], capsys, monkeypatch)
    assert systemctl.calls == []
    assert result['_clock'].slept == pytest.approx(5.0)
    assert result['service_state'] is None


def test_an_open_port_asks_systemd_nothing(capsys, monkeypatch):
    systemctl = RecordedSystemctl(monkeypatch, ['exit_78'])
    gateway_holds_the_port(monkeypatch)
    result = run_module({'port': 18789, 'expect': 'listening', 'wait_timeout': 120, 'service': 'openclaw-gateway'},
                        ['loopback'], capsys, monkeypatch)
    assert systemctl.calls == []
    assert result['service_state'] is None
