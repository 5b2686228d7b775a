#!/usr/bin/env python3
"""Counts the processes a run starts on a host, with the kernel's process accounting.

Runs inside a benchmark container (it needs CAP_SYS_PACCT); accounting is per
PID namespace, so only the container's own processes are recorded, each when
it exits.
  pacct.py on FILE    start recording into FILE (emptied first)
  pacct.py off        stop recording
  pacct.py count FILE [PID...]
                      print {"started": {command name: processes}, "children_of": {...}}
                      as JSON; with PIDs, the processes descended from them (the running
                      Gateway's own workers, which it and its long-lived children start
                      by themselves whatever a run does) are counted apart under
                      "children_of"
  pacct.py tree PID   print PID and its live descendants (from /proc), one per line
"""
import ctypes
import json
import os
import sys

RECORD = 64          # sizeof(struct acct_v3)
PID = slice(16, 20)   # __u32 ac_pid
PPID = slice(20, 24)  # __u32 ac_ppid
COMM = slice(48, 64)  # ac_comm[16]


def acct(path):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(path.encode() if path else None) != 0:
        sys.exit('acct(%s) failed: errno %d' % (path, ctypes.get_errno()))


def count(path, parents=()):
    """Processes recorded in ``path`` by name; those descended from ``parents`` (PIDs) apart."""
    with open(path, 'rb') as handle:
        data = handle.read()
    records = []
    for offset in range(0, len(data) - RECORD + 1, RECORD):
        record = data[offset:offset + RECORD]
        if record[1] & 0x0f != 3:
            continue
        records.append((record[COMM].split(b'\0', 1)[0].decode('ascii', 'replace'),
                        int.from_bytes(record[PID], sys.byteorder), int.from_bytes(record[PPID], sys.byteorder)))
    # A process exits before its parent, so its record comes first: follow
    # each parent through the whole file, not in order.
    parent_of = dict((pid, ppid) for dummy, pid, ppid in records)
    started, children = {}, {}
    for name, pid, ppid in records:
        into = children if descends(ppid, set(parents), parent_of) else started
        into[name] = into.get(name, 0) + 1
    return {'started': started, 'children_of': children}


def descends(pid, roots, parent_of):
    seen = set()
    while pid and pid not in seen:
        if pid in roots:
            return True
        seen.add(pid)
        pid = parent_of.get(pid)
    return False


def tree(root):
    """``root`` and its live descendants, from /proc."""
    parent_of = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as handle:
                    # The command name may hold spaces and parentheses; the fields follow the last ")".
                    parent_of[int(entry)] = int(handle.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return sorted(pid for pid in parent_of if descends(pid, {root}, parent_of))


def main(argv):
    if argv[:1] == ['on'] and len(argv) == 2:
        open(argv[1], 'wb').close()
        acct(argv[1])
    elif argv == ['off']:
        acct(None)
    elif argv[:1] == ['count'] and len(argv) >= 2:
        print(json.dumps(count(argv[1], [int(pid) for pid in argv[2:]]), sort_keys=True))
    elif argv[:1] == ['tree'] and len(argv) == 2:
        print('\n'.join(str(pid) for pid in tree(int(argv[1]))))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
