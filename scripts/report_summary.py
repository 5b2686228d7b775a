#!/usr/bin/env python3
"""Print the before/after audit summary of every host from the JSON reports."""
import json
import os
import sys


def load(folder):
    reports = {}
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            # fleet.json is the fleet report of the same audit, not a host.
            if name.endswith('.json') and name != 'fleet.json':
                with open(os.path.join(folder, name)) as handle:
                    reports[name[:-5]] = json.load(handle)
    return reports


def line(report):
    if not report:
        return 'no report'
    summary = report.get('security', {}).get('summary', {})
    text = 'critical %s, warn %s, info %s' % (summary.get('critical', '?'), summary.get('warn', '?'),
                                              summary.get('info', '?'))
    secrets = report.get('secrets') or {}
    if secrets.get('summary'):
        text += '; secrets %s' % (secrets.get('status') or
                                  '%d finding(s)' % sum(secrets['summary'].values()))
    return text


def main(root):
    before, after = load(os.path.join(root, 'before')), load(os.path.join(root, 'after'))
    print('%-18s %-10s %-52s %s' % ('host', 'openclaw', 'before', 'after'))
    for host in sorted(set(before) | set(after)):
        version = (after.get(host) or before.get(host) or {}).get('version', '?')
        print('%-18s %-10s %-52s %s' % (host, version, line(before.get(host)), line(after.get(host))))
        remaining = [f['checkId'] for f in (after.get(host) or {}).get('failing', [])]
        if remaining:
            print('  beyond the floor after hardening: %s' % ', '.join(remaining))
    for label in ('before', 'after'):
        page = os.path.join(root, label, 'fleet.html')
        if os.path.exists(page):
            print('fleet report %-6s %s (also fleet.md and fleet.json)' % (label + ':', os.path.abspath(page)))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'reports')
