# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""listen_exposure judges the listeners openclaw_info read as listen_check judges the live ones (the same recorded
socket tables)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.clawfleet.openclaw.plugins.filter import listen as listen_filters
from ansible_collections.clawfleet.openclaw.plugins.module_utils import listen
from ansible_collections.clawfleet.openclaw.plugins.modules import listen_check
from ansible_collections.clawfleet.openclaw.tests.unit import helpers


def recorded_listeners(name, port):
    """What openclaw_info returns as gateway_listeners on a host with the tables ``name``."""
    return listen.listeners(port, tables=helpers.tables(name), byteorder='little')


def test_filter_is_registered():
    assert set(listen_filters.FilterModule().filters()) == {'listen_exposure'}


@pytest.mark.parametrize('recording, port, allowed, exposed', [
    ('loopback', 18789, [], []),
    ('mixed', 18790, [], []),
    ('empty', 18789, [], []),
    ('wildcard', 18789, [], ['0.0.0.0 (ipv4, wildcard', ':: (ipv6, wildcard']),
    ('dualstack', 18789, [], [':: (ipv6, wildcard']),
    ('mixed', 18789, [], ['192.0.2.2 (ipv4, not loopback)', 'fd00::2 (ipv6, not loopback)']),
    ('mixed', 18789, ['192.0.2.2'], ['fd00::2 (ipv6, not loopback)']),
    ('mixed', 18789, ['192.0.2.2', 'fd00:0::2'], []),
    ('wildcard', 18789, ['0.0.0.0', '::'], []),
])
def test_listen_exposure_names_what_listen_check_names(recording, port, allowed, exposed, capsys, monkeypatch):
    message = listen_filters.listen_exposure(recorded_listeners(recording, port), port, allowed,
                                             'openclaw_gateway_allowed_listen_addresses')
    if not exposed:
        assert message == ''
    else:
        assert message.startswith('EXPOSED: port %d listens beyond loopback' % port)
        for item in exposed:
            assert item in message
        assert 'openclaw_gateway_bind: loopback' in message
        assert message.endswith('list the address in openclaw_gateway_allowed_listen_addresses.')
    monkeypatch.setattr(listen, 'read_tables', lambda *args, **kwargs: helpers.tables(recording))
    live = helpers.run_module(listen_check, {'port': port, 'allowed_addresses': allowed}, capsys)
    assert live.get('failed', False) is bool(exposed)
    if exposed:
        assert live['msg'] == message.replace('openclaw_gateway_allowed_listen_addresses.', 'allowed_addresses.')


@pytest.mark.parametrize('listeners, port, allowed, error', [
    (None, 18789, [], 'expected the gateway_listeners list'),
    ([{'address': '0.0.0.0'}], 18789, [], 'expected the gateway_listeners list'),
    ([], 'http', [], 'port must be a number'),
    ([], 18789, '192.0.2.2', 'allowed_addresses must be a list'),
])
def test_listen_exposure_refuses_what_it_cannot_judge(listeners, port, allowed, error):
    with pytest.raises(AnsibleFilterError, match=error):
        listen_filters.listen_exposure(listeners, port, allowed)
