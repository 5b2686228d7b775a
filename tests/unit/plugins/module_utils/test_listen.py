# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Socket-table parsing, against tables recorded on a real Linux host.

The recordings in ``tests/unit/fixtures/proc/`` were taken while small
Python servers listened on the addresses named in each ``<name>.json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket

import pytest

from ansible_collections.clawfleet.openclaw.plugins.module_utils import listen
from ansible_collections.clawfleet.openclaw.tests.unit import helpers

tables = helpers.tables
recorded = helpers.tables_notes


def addresses(found):
    return sorted((item['family'], item['address']) for item in found)


@pytest.mark.parametrize('address,expected', [
    ('127.0.0.1', True),
    ('127.0.0.2', True),
    ('127.255.255.254', True),
    ('::1', True),
    ('[::1]', True),
    ('::ffff:127.0.0.1', True),
    ('::ffff:127.1.2.3', True),
    ('0.0.0.0', False),
    ('::', False),
    ('192.0.2.2', False),
    ('10.0.0.1', False),
    ('fd00::2', False),
    ('fe80::1%eth0', False),
    ('::ffff:192.0.2.2', False),
    ('::2', False),
    ('128.0.0.1', False),
    ('localhost', False),
    ('', False),
])
def test_is_loopback(address, expected):
    assert listen.is_loopback(address) is expected


@pytest.mark.parametrize('hex_address,family,expected', [
    ('0100007F', 'ipv4', '127.0.0.1'),
    ('00000000', 'ipv4', '0.0.0.0'),
    ('020200C0', 'ipv4', '192.0.2.2'),
    ('00000000000000000000000001000000', 'ipv6', '::1'),
    ('00000000000000000000000000000000', 'ipv6', '::'),
    ('0000000000000000FFFF00000100007F', 'ipv6', '::ffff:127.0.0.1'),
    ('000000FD000000000000000002000000', 'ipv6', 'fd00::2'),
])
def test_decode_address_little_endian(hex_address, family, expected):
    assert listen.decode_address(hex_address, family) == expected


def test_decode_address_big_endian_host():
    assert listen.decode_address('7F000001', 'ipv4', byteorder='big') == '127.0.0.1'
    assert listen.decode_address('00000000000000000000000000000001', 'ipv6', byteorder='big') == '::1'


@pytest.mark.parametrize('hex_address,family', [
    ('0100007F', 'ipv6'),
    ('00000000000000000000000001000000', 'ipv4'),
    ('0100007F', 'ipx'),
])
def test_decode_address_rejects_wrong_family(hex_address, family):
    with pytest.raises(ValueError):
        listen.decode_address(hex_address, family)


def test_parse_table_reads_every_line_and_state():
    sockets = listen.parse_table(tables('mixed')['ipv4'], 'ipv4')
    states = set(item['state'] for item in sockets)
    # The recording holds listeners, an established connection and TIME_WAIT leftovers.
    assert {'0A', '01', '06'} <= states
    lan = [item for item in sockets if item['address'] == '192.0.2.2']
    assert lan == [{'address': '192.0.2.2', 'family': 'ipv4', 'port': 18789, 'state': '0A',
                    'loopback': False, 'uid': 0, 'inode': lan[0]['inode']}]
    assert lan[0]['inode'].isdigit()


def test_parse_table_skips_header_garbage_and_empty():
    text = ('  sl  local_address rem_address   st\n'
            'garbage line\n'
            '   9: ZZZZ:0001 00000000:0000 0A\n'
            '   1: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 42 1\n')
    assert listen.parse_table(text, 'ipv4') == [
        {'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'state': '0A',
         'loopback': True, 'uid': 1000, 'inode': '42'}]
    assert listen.parse_table('', 'ipv4') == []
    assert listen.parse_table(None, 'ipv6') == []


CASES = [
    # name, port, expected (family, address) listeners, all loopback
    ('loopback', 18789, [('ipv4', '127.0.0.1'), ('ipv6', '::1')], True),
    ('wildcard', 18789, [('ipv4', '0.0.0.0'), ('ipv6', '::')], False),
    ('dualstack', 18789, [('ipv6', '::')], False),
    ('mixed', 18789, [('ipv4', '127.0.0.1'), ('ipv4', '192.0.2.2'), ('ipv6', 'fd00::2')], False),
    ('mixed', 18790, [('ipv6', '::ffff:127.0.0.1')], True),
    ('mixed', 18791, [('ipv4', '127.0.0.2')], True),
    ('mixed', 18792, [('ipv6', '::1')], True),
    ('empty', 18789, [], True),
    ('empty', 28790, [('ipv4', '127.0.0.1')], True),
]


@pytest.mark.parametrize('name,port,expected,all_loopback', CASES)
def test_listeners_on_recorded_tables(name, port, expected, all_loopback):
    found = listen.listeners(port, tables(name))
    assert addresses(found) == sorted(expected)
    assert all(item['port'] == port for item in found)
    assert all(item['loopback'] for item in found) is all_loopback
    assert all(set(item) == {'address', 'family', 'port', 'loopback'} for item in found)


@pytest.mark.parametrize('name', ['loopback', 'wildcard', 'dualstack', 'mixed'])
def test_recordings_match_their_notes(name):
    """Every socket the recorder opened is found, on the port it used."""
    everything = listen.listeners(None, tables(name))
    for sock in recorded(name)['listeners']:
        assert (sock['family'], sock['address'], sock['port']) in [
            (item['family'], item['address'], item['port']) for item in everything]


def test_listeners_ignore_established_connections():
    # The loopback recording has a connection from 127.0.0.1 to port 18789 whose
    # client side uses another port; only the listener counts.
    found = listen.listeners(18789, tables('loopback'))
    assert len(found) == 2


def test_listeners_without_ipv6_table():
    only_v4 = {'ipv4': tables('wildcard')['ipv4']}
    assert addresses(listen.listeners(18789, only_v4)) == [('ipv4', '0.0.0.0')]


def test_listeners_deduplicate_reuseport_sockets():
    line = '   %d: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 %d 1\n'
    text = 'header\n' + line % (0, 100) + line % (1, 101)
    assert listen.listeners(18789, {'ipv4': text}) == [
        {'address': '127.0.0.1', 'family': 'ipv4', 'port': 18789, 'loopback': True}]


def test_a_socket_the_table_shows_twice_is_listed_once():
    # Reading /proc/net/tcp while other programs open sockets can repeat a line (same inode): one socket, one holder.
    line = '   %d: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 %s 1\n'
    text = 'header\n' + line % (0, '100') + line % (1, '100') + line % (2, '101')
    assert [sock['inode'] for sock in listen.listening_sockets(18789, {'ipv4': text})] == ['100', '101']
    # An inode the kernel does not give (0) says nothing about sameness: both lines stay.
    zero = 'header\n' + line % (0, '0') + line % (1, '0')
    assert len(listen.listening_sockets(18789, {'ipv4': zero})) == 2


def test_read_tables_tolerates_missing_ipv6(tmp_path):
    v4 = tmp_path / 'tcp'
    v4.write_text(tables('loopback')['ipv4'])
    result = listen.read_tables((('ipv4', str(v4)), ('ipv6', str(tmp_path / 'missing'))))
    assert list(result) == ['ipv4']


def test_read_tables_fails_without_ipv4(tmp_path):
    with pytest.raises((IOError, OSError)):
        listen.read_tables((('ipv4', str(tmp_path / 'missing')),))


@pytest.mark.parametrize('address,forms', [
    ('::ffff:192.0.2.2', ['::ffff:192.0.2.2', '192.0.2.2']),
    ('0:0:0:0:0:0:0:1', ['::1']),
    ('192.0.2.2', ['192.0.2.2']),
    ('not-an-address ', ['not-an-address']),
])
def test_address_forms(address, forms):
    assert listen.address_forms(address) == forms


@pytest.mark.skipif(not os.path.exists('/proc/net/tcp'), reason='needs Linux /proc')
def test_live_table_sees_a_socket_we_open():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        server.bind(('127.0.0.1', 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert listen.listeners(port) == [
            {'address': '127.0.0.1', 'family': 'ipv4', 'port': port, 'loopback': True}]
    finally:
        server.close()
    assert listen.listeners(port) == []


# --------------------------------------------------------------------------
# Who holds a socket
# --------------------------------------------------------------------------

def cgroup_recording(name):
    with open(os.path.join(helpers.PROC, 'cgroup', name)) as handle:
        return handle.read()


@pytest.mark.parametrize('service,expected', [
    ('openclaw-gateway', 'openclaw-gateway.service'),
    ('openclaw-gateway.service', 'openclaw-gateway.service'),
    (' openclaw-gateway ', 'openclaw-gateway.service'),
    ('session-3.scope', 'session-3.scope'),
])
def test_unit_name(service, expected):
    assert listen.unit_name(service) == expected


@pytest.mark.parametrize('recording,unit,expected', [
    ('system-unit-v1.txt', 'openclaw-gateway', True),
    ('system-unit-v1.txt', 'openclaw-gateway.service', True),
    ('system-unit-v1.txt', 'openclaw', False),
    ('system-unit-v1.txt', 'gateway.service', False),
    ('system-unit-v1.txt', 'system.slice', False),
    ('init-v1.txt', 'openclaw-gateway', False),
])
def test_in_unit_recorded(recording, unit, expected):
    assert listen.in_unit(cgroup_recording(recording), unit) is expected


@pytest.mark.parametrize('text,expected', [
    # cgroup v2 has one line, "0::" and the path (Documentation/admin-guide/cgroup-v2.rst).
    ('0::/system.slice/openclaw-gateway.service\n', True),
    ('0::/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service\n', True),
    ('0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.service\n', False),
    # A child cgroup of the unit is still the unit.
    ('0::/system.slice/openclaw-gateway.service/workers\n', True),
    ('', False),
])
def test_in_unit_paths(text, expected):
    assert listen.in_unit(text, 'openclaw-gateway') is expected


def test_own_listening_socket_is_found_in_the_live_tables(own_listener):
    sockets = listen.listening_sockets(own_listener)
    assert [(sock['address'], sock['port']) for sock in sockets] == [('127.0.0.1', own_listener)]
    assert sockets[0]['uid'] == os.getuid()
    held, unreadable = listen.socket_inodes([os.getpid()])
    assert unreadable == []
    assert held[sockets[0]['inode']] == os.getpid()


def test_a_port_held_outside_the_unit_names_the_process(own_listener):
    held = listen.holders(listen.listening_sockets(own_listener), 'clawfleet-no-such-unit')
    assert held['known'] is True
    assert held['unit_pids'] == []
    assert held['by_unit'] == []
    with open('/proc/self/comm') as handle:
        name = handle.read().strip()
    assert held['others'] == [{'address': '127.0.0.1', 'family': 'ipv4', 'uid': os.getuid(),
                               'pid': os.getpid(), 'name': name}]
    assert listen.describe_holder(held['others'][0]) == '%s (pid %d) on 127.0.0.1' % (name, os.getpid())


def test_a_holder_that_cannot_be_read_is_named_by_uid():
    entry = {'address': '127.0.0.1', 'family': 'ipv4', 'uid': 0, 'pid': None, 'name': None}
    assert listen.describe_holder(entry) == 'a process of uid 0 on 127.0.0.1'


def test_unreadable_descriptors_are_reported_not_taken_as_no_socket(own_listener, monkeypatch):
    helpers.deny_fd_links(monkeypatch)
    held, unreadable = listen.socket_inodes([os.getpid()])
    assert held == {}
    assert unreadable == [os.getpid()]


def test_an_unreadable_unit_is_not_judged(own_listener, monkeypatch):
    monkeypatch.setattr(listen, 'unit_processes', lambda unit, proc='/proc': [os.getpid()])
    helpers.deny_fd_links(monkeypatch)
    held = listen.holders(listen.listening_sockets(own_listener), 'openclaw-gateway')
    assert held == {'known': False, 'unit_pids': [os.getpid()], 'by_unit': [], 'others': []}
