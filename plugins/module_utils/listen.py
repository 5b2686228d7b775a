# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who listens on a TCP port, read from the kernel's socket tables.

``/proc/net/tcp`` and ``/proc/net/tcp6`` list every TCP socket of the host's
network namespace. A line looks like::

   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 12345 ...

The local address is the raw in-memory value of the address, printed as
32-bit words in host byte order (so on little-endian machines
``0100007F`` is 127.0.0.1); IPv6 addresses are four such words. The port is
plain big-endian hex. State ``0A`` is LISTEN.

The functions take the table text so that they can be tested with recorded
tables; :func:`listeners` reads the live files when no text is given.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import ipaddress
import os
import struct
import sys

TCP_LISTEN = '0A'

PROC_TABLES = (
    ('ipv4', '/proc/net/tcp'),
    ('ipv6', '/proc/net/tcp6'),
)

_IPV4_LOOPBACK = ipaddress.ip_network(u'127.0.0.0/8')


def _to_text(value):
    if isinstance(value, bytes):
        return value.decode('ascii', 'replace')
    return u'%s' % (value,)


def _format_ipv6(addr):
    """Text form of an IPv6 address; IPv4-mapped ones as ``::ffff:a.b.c.d``."""
    mapped = addr.ipv4_mapped
    if mapped is not None:
        return u'::ffff:%s' % mapped
    return addr.compressed


def decode_address(hex_address, family, byteorder='little'):
    """Decode the hex address of a socket table into its text form.

    ``byteorder`` is the byte order of the host that wrote the table.
    """
    word = '<I' if byteorder == 'little' else '>I'
    hex_address = hex_address.strip()
    if family == 'ipv4':
        if len(hex_address) != 8:
            raise ValueError('not an IPv4 table address: %r' % hex_address)
        packed = struct.pack(word, int(hex_address, 16))
        return u'%s' % ipaddress.IPv4Address(packed)
    if family == 'ipv6':
        if len(hex_address) != 32:
            raise ValueError('not an IPv6 table address: %r' % hex_address)
        packed = b''.join(struct.pack(word, int(hex_address[i:i + 8], 16)) for i in range(0, 32, 8))
        return _format_ipv6(ipaddress.IPv6Address(packed))
    raise ValueError('unknown address family %r (expected ipv4 or ipv6)' % (family,))


def _parse_ip(address):
    """An ``ipaddress`` object for ``address`` (brackets and zone ids allowed), or None."""
    text = _to_text(address).strip()
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    text = text.split('%', 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_loopback(address):
    """True for 127.0.0.0/8, ``::1`` and IPv4-mapped ``::ffff:127.x.y.z``.

    Wildcards (``0.0.0.0``, ``::``), LAN addresses and text that is not an
    address are not loopback.
    """
    ip = _parse_ip(address)
    if ip is None:
        return False
    if ip.version == 6:
        mapped = ip.ipv4_mapped
        if mapped is not None:
            return mapped in _IPV4_LOOPBACK
        return ip == ipaddress.IPv6Address(u'::1')
    return ip in _IPV4_LOOPBACK


def is_wildcard(address):
    """True for the any-address of either family (``0.0.0.0``, ``::``)."""
    ip = _parse_ip(address)
    return ip is not None and ip.is_unspecified


def normalize_address(address):
    """Canonical text of an address (IPv4-mapped IPv6 as ``::ffff:a.b.c.d``).

    Text that is not an address is returned stripped, unchanged otherwise.
    """
    ip = _parse_ip(address)
    if ip is None:
        return _to_text(address).strip()
    if ip.version == 6:
        return _format_ipv6(ip)
    return u'%s' % ip


def address_forms(address):
    """Every text form under which ``address`` may be named by a user.

    An IPv4-mapped IPv6 address is also its plain IPv4 address.
    """
    forms = [normalize_address(address)]
    ip = _parse_ip(address)
    if ip is not None and ip.version == 6 and ip.ipv4_mapped is not None:
        forms.append(u'%s' % ip.ipv4_mapped)
    return forms


def parse_table(text, family, byteorder='little'):
    """Parse the text of ``/proc/net/tcp`` (``family='ipv4'``) or ``tcp6`` (``'ipv6'``).

    Returns one dict per socket line: ``address``, ``family``, ``port``,
    ``state`` (two hex digits, ``0A`` is LISTEN), ``loopback``, ``inode``
    (text) and ``uid`` (int). The header and lines that cannot be parsed are
    skipped.
    """
    sockets = []
    for line in _to_text(text or u'').splitlines():
        fields = line.split()
        if len(fields) < 4 or not fields[0].endswith(':'):
            continue
        local = fields[1]
        if ':' not in local:
            continue
        hex_address, hex_port = local.rsplit(':', 1)
        try:
            address = decode_address(hex_address, family, byteorder)
            port = int(hex_port, 16)
        except ValueError:
            continue
        try:
            uid = int(fields[7])
        except (IndexError, ValueError):
            uid = None
        sockets.append({
            'address': address,
            'family': family,
            'port': port,
            'state': fields[3].upper(),
            'loopback': is_loopback(address),
            'uid': uid,
            'inode': fields[9] if len(fields) > 9 else None,
        })
    return sockets


def read_tables(paths=PROC_TABLES):
    """Read the socket tables; returns ``{family: text}``.

    A missing table (no IPv6 in the kernel) is left out. Raises ``IOError`` /
    ``OSError`` when the IPv4 table cannot be read (not Linux, no ``/proc``).
    """
    tables = {}
    for family, path in paths:
        try:
            with open(path) as handle:
                tables[family] = handle.read()
        except (IOError, OSError):
            if family == 'ipv4':
                raise
    return tables


def _live(tables, byteorder):
    if tables is None:
        tables = read_tables()
        if byteorder is None:
            byteorder = sys.byteorder
    return tables, byteorder or 'little'


def listening_sockets(port=None, tables=None, byteorder=None):
    """Every listening socket (state ``0A``) on ``port`` (every port when None), as :func:`parse_table` returns it.

    Unlike :func:`listeners`, sockets that share an address (``SO_REUSEPORT``)
    are each listed, with their ``inode`` and ``uid``: who holds them.

    A socket is listed once even when the table shows it twice: the kernel
    hands ``/proc/net/tcp`` out a page per read and finds its place again by
    counting, so a socket opened meanwhile by any program can make one line
    come again (measured: 395 of 1557 reads while another process opened and
    closed listeners).
    """
    tables, byteorder = _live(tables, byteorder)
    found, seen = [], set()
    for family in ('ipv4', 'ipv6'):
        for sock in parse_table(tables.get(family), family, byteorder):
            if sock['state'] != TCP_LISTEN or (port is not None and sock['port'] != int(port)):
                continue
            if sock['inode'] not in (None, '0'):
                if (family, sock['inode']) in seen:
                    continue
                seen.add((family, sock['inode']))
            found.append(sock)
    return found


def listeners(port=None, tables=None, byteorder=None):
    """Listening sockets (state ``0A``) on ``port`` (every port when None).

    ``tables`` is ``{'ipv4': text, 'ipv6': text}``; by default the live
    ``/proc/net/tcp`` and ``/proc/net/tcp6`` are read (with the host's byte
    order). Each listener is ``{'address', 'family', 'port', 'loopback'}``;
    the same address is listed once even when several sockets share it
    (``SO_REUSEPORT``).
    """
    return unique_listeners(listening_sockets(port, tables, byteorder))


def unique_listeners(sockets):
    """The listeners of :func:`listening_sockets`' ``sockets``, one per address (see :func:`listeners`)."""
    found = []
    seen = set()
    for sock in sockets:
        key = (sock['family'], sock['address'], sock['port'])
        if key in seen:
            continue
        seen.add(key)
        found.append({
            'address': sock['address'],
            'family': sock['family'],
            'port': sock['port'],
            'loopback': sock['loopback'],
        })
    return found


# --------------------------------------------------------------------------
# Who holds a socket: the processes of a systemd unit, or someone else
# --------------------------------------------------------------------------

def unit_name(service):
    """systemd's full name of a service: ``openclaw-gateway`` is ``openclaw-gateway.service``."""
    service = _to_text(service).strip()
    return service if service.endswith(('.service', '.scope')) else service + '.service'


def in_unit(cgroup_text, unit):
    """Whether a process whose ``/proc/PID/cgroup`` reads ``cgroup_text`` runs in ``unit`` (or a cgroup below it).

    Both cgroup layouts name the unit as one component of the path:
    ``0::/system.slice/openclaw-gateway.service`` (v2) or, among the v1
    controllers, ``1:name=systemd:/user.slice/.../user@1000.service/app.slice/openclaw-gateway.service``.
    """
    unit = unit_name(unit)
    return any(unit in line.split(':', 2)[-1].split('/') for line in _to_text(cgroup_text).splitlines())


def _pids(proc):
    return [int(entry) for entry in os.listdir(proc) if entry.isdigit()]


def unit_processes(unit, proc='/proc'):
    """The PIDs of the processes in ``unit``. ``/proc/PID/cgroup`` is readable by every user."""
    found = []
    for pid in _pids(proc):
        try:
            with open(os.path.join(proc, str(pid), 'cgroup')) as handle:
                text = handle.read()
        except (IOError, OSError):
            continue  # ended meanwhile
        if in_unit(text, unit):
            found.append(pid)
    return found


def socket_inodes(pids, proc='/proc'):
    """The socket inodes that the processes ``pids`` hold open, ``{inode: pid}``, and the PIDs whose descriptors
    this user may not read (another user's process, unless running as root)."""
    held = {}
    unreadable = []
    for pid in pids:
        fd_dir = os.path.join(proc, str(pid), 'fd')
        try:
            names = os.listdir(fd_dir)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                unreadable.append(pid)
            continue
        for name in names:
            try:
                target = os.readlink(os.path.join(fd_dir, name))
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    continue  # closed meanwhile
                # The names can be listed where the links cannot be read: root without
                # CAP_SYS_PTRACE (as in a container) reading another user's process.
                unreadable.append(pid)
                break
            if target.startswith('socket:[') and target.endswith(']'):
                held.setdefault(target[8:-1], pid)
    return held, unreadable


def process_name(pid, proc='/proc'):
    """The short name of a process (``/proc/PID/comm``), or None once it has ended."""
    try:
        with open(os.path.join(proc, str(pid), 'comm')) as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return None


def holders(sockets, unit, proc='/proc'):
    """Who holds the listening ``sockets`` (from :func:`listening_sockets`), judged against the systemd ``unit``.

    Returns ``{'known', 'unit_pids', 'by_unit', 'others'}``: ``known`` is False when a process of the unit
    could not be read (then nothing is judged); ``by_unit`` and ``others`` are the sockets the unit holds and
    the ones it does not, each as ``{'address', 'family', 'pid', 'name', 'uid'}`` (``pid`` and ``name`` None
    when no readable process holds the socket).
    """
    unit_pids = unit_processes(unit, proc)
    by_unit, unreadable = socket_inodes(unit_pids, proc)
    result = {'known': not unreadable, 'unit_pids': unit_pids, 'by_unit': [], 'others': []}
    if unreadable:
        return result
    owners = {}
    if any(sock['inode'] not in by_unit for sock in sockets):
        # Other users' processes that cannot be read leave their sockets unnamed (see describe_holder).
        owners = socket_inodes([pid for pid in _pids(proc) if pid not in unit_pids], proc)[0]
    owners.update(by_unit)
    for sock in sockets:
        pid = owners.get(sock['inode'])
        result['by_unit' if sock['inode'] in by_unit else 'others'].append(
            {'address': sock['address'], 'family': sock['family'], 'uid': sock['uid'],
             'pid': pid, 'name': process_name(pid, proc) if pid else None})
    return result


def describe_holder(entry):
    """``python3 (pid 4242) on 127.0.0.1``; a process this user may not read is named by its uid."""
    who = '%s (pid %d)' % (entry['name'] or '?', entry['pid']) if entry['pid'] else (
        'a process of uid %s' % entry['uid'] if entry['uid'] is not None else 'an unknown process')
    return '%s on %s' % (who, entry['address'])


def allowed_forms(addresses):
    """Every text form of the addresses a user allowed (see :func:`address_forms`)."""
    forms = set()
    for address in addresses or []:
        forms.update(address_forms(address))
    return forms


def offending_listeners(found, allowed):
    """The listeners that are neither loopback nor under one of the ``allowed`` forms."""
    offending = []
    for item in found:
        if item['loopback']:
            continue
        if any(form in allowed for form in address_forms(item['address'])):
            continue
        offending.append(item)
    return offending


def describe(item):
    kind = 'wildcard, every interface' if is_wildcard(item['address']) else 'not loopback'
    return '%s (%s, %s)' % (item['address'], item['family'], kind)


def exposure_message(port, offending, allowed_variable='allowed_addresses'):
    """What a listener beyond loopback means, and the fix; shared by listen_check and the listen_exposure filter."""
    return (
        'EXPOSED: port %d listens beyond loopback on %s. Anyone who can reach this host on those '
        'addresses can reach the service. Fix: set openclaw_gateway_bind: loopback (the Gateway '
        'then binds 127.0.0.1 and ::1 only) or otherwise bind the service to 127.0.0.1, restart it '
        'and run this check again; if the exposure is intended, list the address in '
        '%s.' % (port, ', '.join(describe(item) for item in offending), allowed_variable))


def exposure(found, port, allowed_addresses=None, allowed_variable='allowed_addresses'):
    """The exposure message for the listeners ``found`` on ``port``, or an empty string when none reaches beyond
    loopback and the allowed addresses."""
    offending = offending_listeners(found, allowed_forms(allowed_addresses))
    return exposure_message(port, offending, allowed_variable) if offending else ''
