#!/usr/bin/env python3
"""Write each role's variable table into its README from meta/argument_specs.yml.

The table sits between the markers below; everything else in the README is
written by hand. `--check` exits 1 when a README is out of date (the tests run it).
"""
import argparse
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = '<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml by scripts/role_docs.py) -->'
END = '<!-- END VARIABLES -->'


def cell(text):
    if isinstance(text, list):
        text = ' '.join(str(t) for t in text)
    text = re.sub(r'\b[CIMOV]\(([^)]*)\)', r'`\1`', str(text))
    return text.replace('|', '\\|').replace('\n', ' ').strip()


def default_of(spec):
    if 'default' not in spec:
        return ''
    value = spec['default']
    if value == '':
        return '`""`'
    text = yaml.safe_dump(value, default_flow_style=True).strip().replace('\n...', '').strip()
    return '`%s`' % text.replace('|', '\\|')


def row(name, spec, description_suffix=''):
    kind = spec.get('type', 'str')
    if kind == 'list' and spec.get('elements'):
        kind = 'list of %s' % spec['elements']
    description = cell(spec.get('description', ''))
    if spec.get('choices'):
        description += ' Choices: %s.' % ', '.join('`%s`' % c for c in spec['choices'])
    if spec.get('no_log'):
        description += ' Secret: keep it in vault.'
    return '| `%s` | %s | %s | %s |' % (name, kind, default_of(spec), description + description_suffix)


def table(options):
    """One row per variable, then one per setting of a dict (or list of dicts) variable.

    Variables that share their settings with one listed before say so instead of repeating them.
    """
    lines = ['| Variable | Type | Default | Description |', '| --- | --- | --- | --- |']
    shown = []
    for name in sorted(options):
        spec = options[name]
        sub = spec.get('options') or {}
        same = [other for other, other_sub in shown if other_sub == sub]
        if sub and same:
            lines.append(row(name, spec, ' Settings as for `%s`.' % same[0]))
            continue
        lines.append(row(name, spec))
        if sub:
            shown.append((name, sub))
            lines.extend(row('%s.%s' % (name, key), sub[key]) for key in sorted(sub))
    return '\n'.join(lines)


def render(role_dir):
    with open(os.path.join(role_dir, 'meta', 'argument_specs.yml')) as handle:
        specs = yaml.safe_load(handle)['argument_specs']
    parts = []
    for entry in sorted(specs, key=lambda e: (e != 'main', e)):
        spec = specs[entry]
        heading = 'Entry point `%s`: %s' % (entry, spec.get('short_description', ''))
        options = spec.get('options') or {}
        if entry != 'main' and options == (specs.get('main') or {}).get('options'):
            parts.append('### %s\n\nSame variables as `main`.' % heading)
            continue
        parts.append('### %s\n\n%s' % (heading, table(options) if options else 'No variables.'))
    return '\n\n'.join(parts)


def update(role_dir, check):
    readme = os.path.join(role_dir, 'README.md')
    with open(readme) as handle:
        text = handle.read()
    if BEGIN not in text or END not in text:
        print('%s has no variable markers' % readme, file=sys.stderr)
        return False
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    new = '%s%s\n%s\n%s%s' % (head, BEGIN, render(role_dir), END, tail)
    if new == text:
        return True
    if check:
        print('%s is out of date: run scripts/role_docs.py' % readme, file=sys.stderr)
        return False
    with open(readme, 'w') as handle:
        handle.write(new)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--check', action='store_true', help='only report READMEs that are out of date')
    args = parser.parse_args()
    roles = os.path.join(ROOT, 'roles')
    results = [update(os.path.join(roles, role), args.check) for role in sorted(os.listdir(roles))]
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
