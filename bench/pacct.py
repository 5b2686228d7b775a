#!/usr/bin/env python3
"""Counts the processes a run starts on a host, with the kernel's process accounting.

Runs inside a benchmark container (it needs CAP_SYS_PACCT); accounting is per
PID namespace, so only the container's own processes are recorded, each when
it exits.
  pacct.py on FILE    start recording into FILE (emptied first)
  pacct.py off        stop recording
  pacct.py count FILE print {command name: processes} as JSON
"""
import ctypes
import json
import sys

RECORD = 64          # sizeof(struct acct_v3)
COMM = slice(48, 64)  # ac_comm[16]


def acct(path):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(path.encode() if path else None) != 0:
        sys.exit('acct(%s) failed: errno %d' % (path, ctypes.get_errno()))


def count(path):
    with open(path, 'rb') as handle:
        data = handle.read()
    names = {}
    for offset in range(0, len(data) - RECORD + 1, RECORD):
        record = data[offset:offset + RECORD]
        if record[1] & 0x0f != 3:
            continue
        name = record[COMM].split(b'\0', 1)[0].decode('ascii', 'replace')
        names[name] = names.get(name, 0) + 1
    return names


def main(argv):
    if argv[:1] == ['on'] and len(argv) == 2:
        open(argv[1], 'wb').close()
        acct(argv[1])
    elif argv == ['off']:
        acct(None)
    elif argv[:1] == ['count'] and len(argv) == 2:
        print(json.dumps(count(argv[1]), sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
