#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: listen_check
short_description: Fail when a TCP port listens anywhere but loopback
version_added: 1.0.0
description:
  - Reads the kernel's socket tables (C(/proc/net/tcp) and C(/proc/net/tcp6)) and lists the
    sockets listening on O(port), with their address and whether it is a loopback address
    (C(127.0.0.0/8), C(::1), C(::ffff:127.x.y.z)).
  - Fails, naming the port and every offending address, when something listens on a wildcard
    (C(0.0.0.0), C(::)) or a LAN address that is not in O(allowed_addresses). The OpenClaw
    Gateway must only be reachable from its own host; the fix is to set C(openclaw_gateway_bind) to V(loopback).
  - Can wait for a service to open its port (O(wait_timeout)) and can require the port to be
    open or free (O(expect)).
  - With O(service), the port counts as open only once a process of that systemd unit holds it, and
    the module fails, naming the process, when the port is held by something else. A restarted
    service whose port another program already holds then does not look healthy.
  - Never changes anything. Linux only (needs C(/proc)).
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  port:
    description: TCP port to check.
    type: int
    required: true
  allowed_addresses:
    description:
      - Non-loopback addresses that may listen on O(port) without failing the check.
      - An IPv4 address also allows its IPv4-mapped IPv6 form (C(::ffff:a.b.c.d)).
      - Listing C(0.0.0.0) or C(::) accepts a wildcard bind; only do this behind a firewall you trust.
    type: list
    elements: str
    default: []
  wait_timeout:
    description:
      - Seconds to wait for something to listen on O(port) (with O(expect=absent), for the port to
        be free). C(0) checks once and does not wait.
      - When it is greater than C(0) and nothing listens by then, the module fails saying so and
        pointing at the service's logs.
    type: int
    default: 0
  expect:
    description:
      - V(listening) fails when nothing listens on O(port); V(absent) fails when anything does
        (loopback included); V(any) accepts both and only checks where it listens.
    type: str
    choices: [listening, absent, any]
    default: any
  service:
    description:
      - The systemd unit that should hold the port (V(openclaw-gateway) stands for
        V(openclaw-gateway.service)), recognised by the cgroup of the processes, so a user unit works
        as well as a system unit and the service's child processes count as the service.
      - When something listens on O(port) and none of it is held by the unit, the module fails at once,
        naming the process that holds the port (or its uid, when that process belongs to a user whose
        processes this one may not read); it does not wait for the rest of O(wait_timeout).
      - When the unit holds the port, any other process that also listens there fails the check too.
      - Reading which sockets a process holds needs the same user as that process, or root. When the
        unit's processes cannot be read, the owner is not judged (RV(held_by_service) is null) and
        the check is the same as without O(service).
      - While it waits for the port (O(wait_timeout)), the module asks systemd every few seconds how the
        unit is (C(systemctl show)). When the unit is V(inactive) or V(failed) at two queries in a row (its
        process ended and nothing in systemd will start it again), the module stops waiting and fails,
        saying how the process ended. For the Gateway this names exit status 78, which OpenClaw uses when
        it refuses to start until C(openclaw doctor --fix) has run, instead of waiting out O(wait_timeout)
        for a unit that has stopped. A unit waiting out its C(RestartSec) is V(activating) and is waited
        for. When systemd cannot be asked, the module waits as without this.
    type: str
  service_scope:
    description:
      - Whether O(service) is a unit of the system manager (V(system)) or of the user's own manager
        (V(user), a user unit kept running by lingering; C(systemctl --user), with C(XDG_RUNTIME_DIR)
        set to C(/run/user/UID) when the login did not set it).
      - Only used to ask systemd how the unit is while waiting; the cgroup test of who holds the port
        works for both.
    type: str
    choices: [system, user]
    default: system
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reports only; there is nothing to diff.
notes:
  - Sockets are read from the network namespace the module runs in. A service in another
    container or namespace is not seen.
seealso:
  - module: clawfleet.openclaw.openclaw_info
'''

EXAMPLES = r'''
- name: The Gateway listens on loopback only
  clawfleet.openclaw.listen_check:
    port: 18789

- name: Wait up to 30 s for the Gateway after a restart, then check where it listens
  clawfleet.openclaw.listen_check:
    port: "{{ openclaw_gateway_port }}"
    wait_timeout: 30
    expect: listening

- name: A host whose Gateway is meant to serve one LAN address
  clawfleet.openclaw.listen_check:
    port: 18789
    allowed_addresses:
      - 192.168.10.5

- name: After a restart, wait until the Gateway itself holds its port (not another program)
  clawfleet.openclaw.listen_check:
    port: 18789
    wait_timeout: 120
    expect: listening
    service: openclaw-gateway
  become: true
  become_user: openclaw

- name: The same for a Gateway that runs as a user unit of its own user
  clawfleet.openclaw.listen_check:
    port: 18789
    wait_timeout: 120
    expect: listening
    service: openclaw-gateway
    service_scope: user
  become: true
  become_user: claw

- name: Nothing may listen on the old port any more
  clawfleet.openclaw.listen_check:
    port: 18790
    expect: absent
  register: old_port
'''

RETURN = r'''
port:
  description: The port that was checked.
  returned: always
  type: int
  sample: 18789
listeners:
  description: Listening sockets on the port, one per address and family.
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: Local address (IPv4-mapped IPv6 addresses as C(::ffff:a.b.c.d)).
      type: str
    family:
      description: V(ipv4) or V(ipv6).
      type: str
    port:
      description: The port.
      type: int
    loopback:
      description: Whether the address is a loopback address.
      type: bool
  sample:
    - {address: 127.0.0.1, family: ipv4, port: 18789, loopback: true}
    - {address: '::1', family: ipv6, port: 18789, loopback: true}
listening:
  description: Whether anything listens on the port.
  returned: always
  type: bool
  sample: true
loopback_only:
  description: Whether every listener is on a loopback address (also true when nothing listens; see RV(listening)).
  returned: always
  type: bool
  sample: true
non_loopback:
  description: Addresses listening on the port that are not loopback, including allowed ones.
  returned: always
  type: list
  elements: str
  sample: []
held_by_service:
  description:
    - Whether the processes of O(service) hold every listening socket on the port; null when nothing
      listens or the unit's processes could not be read.
  returned: when O(service) is set
  type: bool
  sample: true
holders:
  description: The processes that hold the port's listening sockets, when O(service) is set and could be judged.
  returned: when O(service) is set
  type: list
  elements: dict
  contains:
    address:
      description: The socket's local address.
      type: str
    family:
      description: V(ipv4) or V(ipv6).
      type: str
    pid:
      description: The process holding the socket; null when no process this user may read holds it.
      type: int
    name:
      description: That process's name (C(/proc/PID/comm)).
      type: str
    uid:
      description: The uid that opened the socket.
      type: int
    service:
      description: Whether the process belongs to O(service).
      type: bool
  sample:
    - {address: 127.0.0.1, family: ipv4, pid: 812, name: openclaw-gateway, uid: 1000, service: true}
service_state:
  description:
    - What systemd said of O(service) the last time the module asked, while it waited for the port;
      null when it did not wait (the port was open at once) or systemd could not be asked.
    - The properties of C(systemctl show) as systemd names them.
  returned: when O(service) is set
  type: dict
  contains:
    LoadState:
      description: V(loaded) for a unit systemd knows; V(not-found) otherwise.
      type: str
    ActiveState:
      description: V(active), V(activating) (starting, or waiting to restart), V(deactivating), V(inactive) or V(failed).
      type: str
    SubState:
      description: The unit type's own state, e.g. V(running), V(auto-restart), V(failed), V(dead).
      type: str
    Result:
      description: How the unit's last run ended, e.g. V(success), V(exit-code), V(signal).
      type: str
    ExecMainCode:
      description: How the main process ended, as C(waitid(2)) says it - V(1) exited, V(2) killed, V(3) dumped core; V(0) while it runs.
      type: str
    ExecMainStatus:
      description: The main process's exit status, or the signal that killed it.
      type: str
  sample: {LoadState: loaded, ActiveState: failed, SubState: failed, Result: exit-code, ExecMainCode: '1', ExecMainStatus: '78'}
'''

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import listen, systemd

POLL_INTERVAL = 1.0
# How often systemd is asked about the service while the module waits: a systemctl call costs a few
# milliseconds, and a unit that has stopped for good stays so.
SERVICE_POLL_INTERVAL = 3.0


def read_sockets(module, port):
    """The port's listening sockets (with who opened them) and its listeners (one per address)."""
    try:
        sockets = listen.listening_sockets(port)
    except (IOError, OSError) as exc:
        module.fail_json(
            msg='Cannot read the kernel socket table /proc/net/tcp (%s). listen_check needs Linux '
                'with /proc mounted.' % exc, changed=False)
    return sockets, listen.unique_listeners(sockets)


class ServiceWatch(object):
    """Asks systemd how the service is, at most every SERVICE_POLL_INTERVAL seconds, while the module waits."""

    def __init__(self, module, unit, scope):
        self.module = module
        self.unit = unit
        self.scope = scope
        self.state = None
        self.asked_at = None
        self.stopped_in_a_row = 0

    def stopped(self, now):
        """Whether systemd has said at two queries in a row that the unit is down and will stay down.

        Two, because another program's ``systemctl restart`` passes through ``inactive`` on its way.
        """
        if self.asked_at is not None and now - self.asked_at < SERVICE_POLL_INTERVAL:
            return False
        self.asked_at = now
        self.state = systemd.query(self.module, self.unit, scope=self.scope)
        self.stopped_in_a_row = self.stopped_in_a_row + 1 if systemd.stopped_for_good(self.state) else 0
        return self.stopped_in_a_row >= 2

    def message(self, port, waited, wait_timeout):
        logs = 'journalctl %s-u %s' % ('--user ' if self.scope == 'user' else '', self.unit)
        return ('Nothing listens on port %d: %s stopped and systemd will not start it again (ActiveState=%s, '
                'Result=%s); %s. Stopped waiting after %d s of up to %d s. Check its logs (%s), fix the cause '
                'and start it again.' % (port, self.unit, self.state['ActiveState'], self.state['Result'],
                                         systemd.describe_end(self.state), waited, wait_timeout, logs))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            port=dict(type='int', required=True),
            allowed_addresses=dict(type='list', elements='str', default=[]),
            wait_timeout=dict(type='int', default=0),
            expect=dict(type='str', choices=['listening', 'absent', 'any'], default='any'),
            service=dict(type='str'),
            service_scope=dict(type='str', choices=['system', 'user'], default='system'),
        ),
        supports_check_mode=True,
    )
    port = module.params['port']
    wait_timeout = module.params['wait_timeout']
    expect = module.params['expect']
    service = module.params['service']
    if not 0 < port < 65536:
        module.fail_json(msg='port must be between 1 and 65535, got %d.' % port, changed=False)
    if wait_timeout < 0:
        module.fail_json(msg='wait_timeout must be 0 or more seconds, got %d.' % wait_timeout, changed=False)
    if service is not None and not service.strip():
        module.fail_json(msg='service must name a systemd unit (e.g. openclaw-gateway), or be left out.',
                         changed=False)

    def waiting_done(found):
        return not found if expect == 'absent' else bool(found)

    watch = None
    if service is not None and expect != 'absent':
        watch = ServiceWatch(module, listen.unit_name(service), module.params['service_scope'])
    service_stopped = False
    sockets, found = read_sockets(module, port)
    if wait_timeout > 0 and not waiting_done(found):
        started = time.time()
        deadline = started + wait_timeout
        while True:
            if watch is not None and watch.stopped(time.time()):
                service_stopped = True
                break
            remaining = deadline - time.time()
            if remaining <= 0:
                break
            time.sleep(min(POLL_INTERVAL, remaining))
            sockets, found = read_sockets(module, port)
            if waiting_done(found):
                break
    # Judged once the wait is over: whoever listens first, the service or another program (a failure
    # below), ends the wait either way.
    held = listen.holders(sockets, service) if service is not None and sockets else None

    exposed = listen.exposure(found, port, module.params['allowed_addresses'])
    non_loopback = [item['address'] for item in found if not item['loopback']]
    result = dict(
        changed=False,
        port=port,
        listeners=found,
        listening=bool(found),
        loopback_only=not non_loopback,
        non_loopback=non_loopback,
    )
    if service is not None:
        known = held is not None and held['known']
        result['held_by_service'] = (not held['others']) if known else None
        result['holders'] = ([dict(entry, service=True) for entry in held['by_unit']]
                             + [dict(entry, service=False) for entry in held['others']]) if known else []
        result['service_state'] = watch.state if watch is not None else None

    problems = []
    if exposed:
        problems.append(exposed)
    if result.get('held_by_service') is False and expect != 'absent':
        others = ', '.join(listen.describe_holder(entry) for entry in held['others'])
        problems.append(
            ('Port %d is held by %s as well as by %s: connections to those addresses reach that program, '
             'not the service.' if held['by_unit'] else
             'Port %d is held by %s, not by %s: the service cannot listen there while that program holds it.')
            % (port, others, listen.unit_name(service))
            + ' Stop that program, or give the service another port (for the Gateway: openclaw_gateway_port).')
    if not found and service_stopped:
        problems.append(watch.message(port, time.time() - started, wait_timeout))
    elif not found and (wait_timeout > 0 and expect != 'absent'):
        problems.append(
            'Nothing listens on port %d after waiting %d s. The service did not start or listens on '
            'another port: check its logs (for the Gateway: journalctl -u openclaw-gateway, or '
            'openclaw logs) and its port setting.' % (port, wait_timeout))
    elif not found and expect == 'listening':
        problems.append(
            'Nothing listens on port %d (expect=listening). Check that the service is running and '
            'its logs (for the Gateway: journalctl -u openclaw-gateway).' % port)
    if found and expect == 'absent':
        problems.append(
            'Port %d is expected to be free but %s listens on it%s.' % (
                port, ', '.join(item['address'] for item in found),
                ' after waiting %d s' % wait_timeout if wait_timeout > 0 else ''))

    if problems:
        module.fail_json(msg=' '.join(problems), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
