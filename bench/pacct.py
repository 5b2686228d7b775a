#!/usr/bin/env python3
"""Counts the processes a run starts on a host, with the kernel's process accounting.

Runs inside a benchmark container (it needs CAP_SYS_PACCT); accounting is per
PID namespace, so only the container's own processes are recorded, each when
it exits.
  pacct.py on FILE    start recording into FILE (emptied first)
  pacct.py off        stop recording
  pacct.py count FILE [PID]
                      print {"started": {command name: processes}, "children_of": {...}}
                      as JSON; with PID, the children of that process (the running
                      Gateway's own workers, which it starts by itself whatever a run
                      does) are counted apart under "children_of"
"""
import ctypes
import json
import sys

RECORD = 64          # sizeof(struct acct_v3)
PPID = slice(20, 24)  # __u32 ac_ppid
COMM = slice(48, 64)  # ac_comm[16]


def acct(path):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(path.encode() if path else None) != 0:
        sys.exit('acct(%s) failed: errno %d' % (path, ctypes.get_errno()))


def count(path, parent=None):
    with open(path, 'rb') as handle:
        data = handle.read()
    started, children = {}, {}
    for offset in range(0, len(data) - RECORD + 1, RECORD):
        record = data[offset:offset + RECORD]
        if record[1] & 0x0f != 3:
            continue
        name = record[COMM].split(b'\0', 1)[0].decode('ascii', 'replace')
        ppid = int.from_bytes(record[PPID], sys.byteorder)
        into = children if parent is not None and ppid == parent else started
        into[name] = into.get(name, 0) + 1
    return {'started': started, 'children_of': children}


def main(argv):
    if argv[:1] == ['on'] and len(argv) == 2:
        open(argv[1], 'wb').close()
        acct(argv[1])
    elif argv == ['off']:
        acct(None)
    elif argv[:1] == ['count'] and len(argv) in (2, 3):
        print(json.dumps(count(argv[1], int(argv[2]) if len(argv) == 3 else None), sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
