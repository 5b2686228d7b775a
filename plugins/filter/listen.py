# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge, on the controller, listeners a module already read from the host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.clawfleet.openclaw.plugins.module_utils import listen as _listen

LISTENER_KEYS = ('address', 'family', 'loopback')


def listen_exposure(listeners, port, allowed_addresses=None, allowed_variable='allowed_addresses'):
    """The listen_check module's exposure message for ``listeners``, or an empty string when none is exposed."""
    if not isinstance(listeners, list) or not all(isinstance(item, dict) and all(key in item for key in LISTENER_KEYS)
                                                  for item in listeners):
        raise AnsibleFilterError(
            'listen_exposure: expected the gateway_listeners list of openclaw_info (each with address, family and '
            'loopback), got %r.' % (listeners,))
    if allowed_addresses is not None and not isinstance(allowed_addresses, list):
        raise AnsibleFilterError('listen_exposure: allowed_addresses must be a list of addresses, got %r.'
                                 % (allowed_addresses,))
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise AnsibleFilterError('listen_exposure: port must be a number, got %r.' % (port,))
    return _listen.exposure(listeners, port, allowed_addresses, allowed_variable)


class FilterModule(object):
    def filters(self):
        return {'listen_exposure': listen_exposure}
