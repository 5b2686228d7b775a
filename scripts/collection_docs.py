#!/usr/bin/env python3
"""Generate the collection's reference docs from the roles' meta/argument_specs.yml.

- each role's README gets its variable tables between the markers below
  (everything else in a role README is written by hand);
- docs/playbooks/<playbook>.md is written whole for each playbook: its header
  comment, its plays, the role entry points it runs in order, and their
  variable tables;
- docs/README.md gets the index of playbooks and roles between the same kind of markers.

`--check` changes nothing and exits 1 when a page is out of date (the tests run it).
"""
import argparse
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = '<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml by scripts/collection_docs.py) -->'
END = '<!-- END VARIABLES -->'
INDEX_BEGIN = '<!-- BEGIN INDEX (generated from playbooks/ and the roles by scripts/collection_docs.py) -->'
INDEX_END = '<!-- END INDEX -->'
ROLE_PREFIX = 'clawfleet.openclaw.'


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


def load_specs(role):
    with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
        return yaml.safe_load(handle)['argument_specs']


def render(role):
    specs = load_specs(role)
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


def write(path, text, check):
    """Write text to path unless it is already there; with check, only report."""
    old = None
    if os.path.exists(path):
        with open(path) as handle:
            old = handle.read()
    if old == text:
        return True
    if check:
        print('%s is out of date: run scripts/collection_docs.py' % os.path.relpath(path, ROOT), file=sys.stderr)
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(text)
    return True


def between_markers(path, begin, end, body, check):
    with open(path) as handle:
        text = handle.read()
    if begin not in text or end not in text:
        print('%s has no generated-section markers' % os.path.relpath(path, ROOT), file=sys.stderr)
        return False
    head, rest = text.split(begin, 1)
    return write(path, '%s%s\n%s\n%s%s' % (head, begin, body, end, rest.split(end, 1)[1]), check)


def header_comment(path):
    """The playbook's opening comment: what it does and how to run it."""
    lines = []
    with open(path) as handle:
        for line in handle:
            if line.startswith('---'):
                continue
            if not line.startswith('#'):
                break
            lines.append(line[1:].rstrip('\n')[1:] if line.startswith('# ') else line[1:].rstrip('\n'))
    return '\n'.join(lines)


def role_steps(tasks):
    """(task name, role, entry point) for every role a task list runs, in order, blocks included."""
    steps = []
    for task in tasks or []:
        for section in ('block', 'rescue', 'always'):
            steps.extend(role_steps(task.get(section)))
        for action in ('ansible.builtin.import_role', 'ansible.builtin.include_role', 'import_role', 'include_role'):
            if action in task:
                args = task[action]
                steps.append((task.get('name', ''), args['name'], args.get('tasks_from', 'main')))
    return steps


def play_steps(play):
    steps = []
    for role in play.get('roles') or []:
        name = role if isinstance(role, str) else role.get('role', role.get('name'))
        steps.append(('', name, 'main'))
    for section in ('pre_tasks', 'tasks', 'post_tasks'):
        steps.extend(role_steps(play.get(section)))
    return steps


def short_name(role):
    return role[len(ROLE_PREFIX):] if role.startswith(ROLE_PREFIX) else role


def entry_spec(role, entry):
    """The argument spec an entry point is checked against; an entry point without one reads main's variables."""
    specs = load_specs(role)
    if entry in specs:
        return entry, specs[entry]
    return 'main', specs.get('main', {})


def playbook_page(name):
    path = os.path.join(ROOT, 'playbooks', name + '.yml')
    with open(path) as handle:
        plays = yaml.safe_load(handle)
    out = ['# Playbook `%s`' % name, '',
           '<!-- Generated from playbooks/%s.yml and the roles\' meta/argument_specs.yml by '
           'scripts/collection_docs.py: edit those, not this page. -->' % name, '',
           '    ansible-playbook clawfleet.openclaw.%s' % name, '']
    comment = header_comment(path)
    if comment:
        out += ['```text', comment, '```', '']
    entries = []
    for number, play in enumerate(plays, 1):
        if 'import_playbook' in play or 'ansible.builtin.import_playbook' in play:
            continue
        out += ['## Play %d: %s' % (number, play.get('name', '')), '',
                '- hosts: `%s`' % play.get('hosts')]
        for key in ('serial', 'gather_facts', 'become', 'any_errors_fatal', 'max_fail_percentage'):
            if key in play:
                out.append('- %s: `%s`' % (key, play[key]))
        for var, value in sorted((play.get('vars') or {}).items()):
            out.append('- sets `%s`: `%s`' % (var, yaml.safe_dump(value, default_flow_style=True).strip().replace('\n...', '').strip()))
        out += ['', '| Step | Role | Entry point | What it does |', '| --- | --- | --- | --- |']
        for task, role, entry in play_steps(play):
            role = short_name(role)
            spec_entry, spec = entry_spec(role, entry)
            what = spec.get('short_description', '') if spec_entry == entry else 'part of `%s`' % spec_entry
            out.append('| %s | [%s](../../roles/%s/README.md) | `%s` | %s |' % (cell(task), role, role, entry, cell(what)))
            if (role, spec_entry) not in entries:
                entries.append((role, spec_entry))
        out.append('')
    out += ['## Variables', '',
            'The variables of the role entry points this playbook runs, from their argument specs '
            '(an entry point without a spec of its own reads its role\'s `main` variables).', '']
    for role, entry in entries:
        options = (load_specs(role).get(entry) or {}).get('options') or {}
        out += ['### `%s`, entry point `%s`' % (role, entry), '', table(options) if options else 'No variables.', '']
    return '\n'.join(out).rstrip('\n') + '\n'


def playbooks():
    return sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, 'playbooks')) if f.endswith('.yml'))


def roles():
    return sorted(os.listdir(os.path.join(ROOT, 'roles')))


def index():
    lines = ['Playbooks (run as `ansible-playbook clawfleet.openclaw.<name>`):', '']
    for name in playbooks():
        first = header_comment(os.path.join(ROOT, 'playbooks', name + '.yml')).split('\n\n', maxsplit=1)[0]
        summary = ' '.join(first.split())
        summary = summary.split(': ', maxsplit=1)[0] if len(summary) > 160 else summary
        lines.append('- [%s](playbooks/%s.md): %s' % (name, name, cell(summary)))
    lines += ['', 'Roles (variables in each README, generated from `meta/argument_specs.yml`):', '']
    for role in roles():
        lines.append('- [%s](../roles/%s/README.md): %s' % (role, role, cell(load_specs(role)['main'].get('short_description', ''))))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--check', action='store_true', help='change nothing; exit 1 when a page is out of date')
    args = parser.parse_args()
    results = [between_markers(os.path.join(ROOT, 'roles', role, 'README.md'), BEGIN, END, render(role), args.check)
               for role in roles()]
    pages = os.path.join(ROOT, 'docs', 'playbooks')
    wanted = set(playbooks())
    results += [write(os.path.join(pages, name + '.md'), playbook_page(name), args.check) for name in sorted(wanted)]
    for stale in sorted(set(f[:-3] for f in os.listdir(pages) if f.endswith('.md')) - wanted if os.path.isdir(pages) else []):
        if args.check:
            print('docs/playbooks/%s.md has no playbook any more: run scripts/collection_docs.py' % stale, file=sys.stderr)
            results.append(False)
        else:
            os.remove(os.path.join(pages, stale + '.md'))
    results.append(between_markers(os.path.join(ROOT, 'docs', 'README.md'), INDEX_BEGIN, INDEX_END, index(), args.check))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
