#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_backup_schedule
short_description: Install the daily OpenClaw backup - its program, a systemd timer or a cron entry - in one call
version_added: 0.3.0
description:
  - The schedule half of the hardening guide's section 10, as the backups role installs it after a tested backup.
    Writes the backup program O(program_path) and either the systemd service and timer
    (C(<unit_dir>/<unit_name>.service) and C(.timer), O(kind=systemd)) or the cron entry O(cron_file)
    (O(kind=cron)); each file is written only when its content or mode differs, to a temporary file in the same
    folder that is then renamed into place, mode C(0644), owned by the user the module runs as (root).
  - With O(kind=systemd) it reads the timer's state with one C(systemctl show), reloads systemd when a unit file
    changed (or systemd says it needs a reload), enables and starts the timer when it is not enabled and active, and
    restarts it when only the timer file changed. A run with nothing to change starts nothing but that C(systemctl
    show).
  - With O(kind=cron) it reports in RV(cron_daemon) whether a cron daemon (C(/usr/sbin/cron) or C(/usr/sbin/crond))
    is installed to run the entry.
  - The contents are rendered by the caller (the backups role renders its templates); this module does not read
    them for secrets and none belong there - the program reads the OpenClaw state itself when it runs.
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  kind:
    description: V(systemd) installs a service and a daily timer, V(cron) a file in C(/etc/cron.d).
    type: str
    choices: [systemd, cron]
    required: true
  program_path:
    description: Where the backup program goes (an absolute path); its folder is created C(0755) when missing.
    type: path
    required: true
  program_content:
    description: The backup program's text.
    type: str
    required: true
  unit_name:
    description: The name of the systemd service and timer, without suffix.
    type: str
    default: openclaw-backup
  unit_dir:
    description: The folder of the unit files.
    type: path
    default: /etc/systemd/system
  service_content:
    description: The text of the service unit (O(kind=systemd)).
    type: str
  timer_content:
    description: The text of the timer unit (O(kind=systemd)).
    type: str
  cron_file:
    description: The cron entry's file (O(kind=cron)).
    type: path
    default: /etc/cron.d/openclaw-backup
  cron_content:
    description: The text of the cron entry (O(kind=cron)).
    type: str
attributes:
  check_mode:
    support: full
    description: Reports the files it would write and the systemd actions it would take (from the same C(systemctl
      show)), and writes and starts nothing.
  diff_mode:
    support: full
    description: Before and after of each unit file or the cron entry; the program by its SHA-256 only.
notes:
  - Run it as root (C(become)); the service runs the program as the OpenClaw user its unit names.
seealso:
  - module: clawfleet.openclaw.openclaw_backup
'''

EXAMPLES = r'''
- name: Install the daily backup as a systemd timer
  clawfleet.openclaw.openclaw_backup_schedule:
    kind: systemd
    program_path: /usr/local/lib/clawfleet/openclaw-backup.py
    program_content: "{{ lookup('ansible.builtin.file', 'backup.py') }}"
    service_content: "{{ lookup('ansible.builtin.template', 'openclaw-backup.service.j2') }}"
    timer_content: "{{ lookup('ansible.builtin.template', 'openclaw-backup.timer.j2') }}"
  become: true

- name: Or as a cron entry
  clawfleet.openclaw.openclaw_backup_schedule:
    kind: cron
    program_path: /usr/local/lib/clawfleet/openclaw-backup.py
    program_content: "{{ lookup('ansible.builtin.file', 'backup.py') }}"
    cron_content: "{{ lookup('ansible.builtin.template', 'openclaw-backup.cron.j2') }}"
  become: true
  register: schedule
'''

RETURN = r'''
files:
  description: Each file of the schedule and whether it was (in check mode, would be) written.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    changed:
      description: Whether its content or mode was (would be) changed.
      type: bool
    created:
      description: Whether it did not exist before.
      type: bool
  sample: [{path: /etc/systemd/system/openclaw-backup.timer, changed: false, created: false}]
timer:
  description: The timer's C(LoadState), C(UnitFileState) and C(ActiveState) before this run (O(kind=systemd)).
  returned: when kind is systemd
  type: dict
  sample: {LoadState: loaded, UnitFileState: enabled, ActiveState: active, NeedDaemonReload: 'no'}
actions:
  description: The C(systemctl) actions taken (in check mode, that would be), in order.
  returned: always
  type: list
  elements: str
  sample: [daemon-reload, enable --now openclaw-backup.timer]
cron_daemon:
  description: Whether a cron daemon is installed to run the entry (O(kind=cron)).
  returned: when kind is cron
  type: bool
'''

import hashlib
import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes
from ansible_collections.clawfleet.openclaw.plugins.module_utils import systemd

SHOW_PROPERTIES = ('LoadState', 'UnitFileState', 'ActiveState', 'NeedDaemonReload')
CRON_DAEMONS = ('/usr/sbin/cron', '/usr/sbin/crond')
FILE_MODE = 0o644


def read_bytes(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def plan_file(path, content):
    """(changed, created, old bytes) for ``path`` holding ``content`` with mode 0644."""
    data = to_bytes(content)
    old = read_bytes(path)
    if old is None:
        return True, True, None
    mode_differs = stat.S_IMODE(os.stat(path).st_mode) != FILE_MODE
    return old != data or mode_differs, False, old


def write_file(path, content):
    """Write ``content`` to a temporary file next to ``path`` and rename it into place."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o755)
        os.chmod(folder, 0o755)
    fd, temporary = tempfile.mkstemp(prefix='.clawfleet-', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(to_bytes(content))
        os.chmod(temporary, FILE_MODE)
        os.rename(temporary, path)
    except Exception:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def systemctl(module, *args):
    binary = module.get_bin_path('systemctl', required=True)
    rc, out, err = module.run_command([binary] + list(args), check_rc=False)
    if rc != 0:
        module.fail_json(msg='systemctl %s failed (rc %d): %s. Look at "journalctl -xe" on the host.'
                             % (' '.join(args), rc, (err or out).strip()))
    return out


def timer_state(module, timer):
    return systemd.parse_show(systemctl(module, 'show', '--property=' + ','.join(SHOW_PROPERTIES), timer),
                              SHOW_PROPERTIES)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kind=dict(type='str', choices=['systemd', 'cron'], required=True),
            program_path=dict(type='path', required=True),
            program_content=dict(type='str', required=True),
            unit_name=dict(type='str', default='openclaw-backup'),
            unit_dir=dict(type='path', default='/etc/systemd/system'),
            service_content=dict(type='str'),
            timer_content=dict(type='str'),
            cron_file=dict(type='path', default='/etc/cron.d/openclaw-backup'),
            cron_content=dict(type='str'),
        ),
        required_if=[('kind', 'systemd', ['service_content', 'timer_content']),
                     ('kind', 'cron', ['cron_content'])],
        supports_check_mode=True,
    )
    params = module.params
    for key in ('program_path', 'unit_dir', 'cron_file'):
        if not os.path.isabs(params[key]):
            module.fail_json(msg='%s must be an absolute path, got %s.' % (key, params[key]))
    timer = params['unit_name'] + '.timer'
    wanted = [(params['program_path'], params['program_content'], False)]
    if params['kind'] == 'systemd':
        wanted += [(os.path.join(params['unit_dir'], params['unit_name'] + '.service'), params['service_content'], True),
                   (os.path.join(params['unit_dir'], timer), params['timer_content'], True)]
    else:
        wanted.append((params['cron_file'], params['cron_content'], True))

    result = dict(changed=False, files=[], actions=[])
    diffs = []
    for path, content, shown in wanted:
        if os.path.islink(path):
            module.fail_json(msg='%s is a symbolic link; the schedule writes only real files. Remove the link, or '
                                 'choose another path.' % path)
        changed, created, old = plan_file(path, content)
        result['files'].append(dict(path=path, changed=changed, created=created))
        if changed:
            result['changed'] = True
            if shown:
                diffs.append(dict(before_header=path, after_header=path,
                                  before=(old or b'').decode('utf-8', 'replace'), after=content))
            else:
                digest = hashlib.sha256(to_bytes(content)).hexdigest()
                diffs.append(dict(before_header=path, after_header=path,
                                  before='sha256 %s\n' % hashlib.sha256(old).hexdigest() if old else '',
                                  after='sha256 %s\n' % digest))
    if not module.check_mode:
        for (path, content, dummy), planned in zip(wanted, result['files']):
            if planned['changed']:
                try:
                    write_file(path, content)
                except (IOError, OSError) as exc:
                    module.fail_json(msg='could not write %s: %s. Run the task as root (become).' % (path, exc),
                                     **result)

    if params['kind'] == 'systemd':
        units_changed = any(item['changed'] for item in result['files'][1:])
        timer_changed = result['files'][2]['changed']
        state = timer_state(module, timer)
        result['timer'] = state
        if units_changed or state['NeedDaemonReload'] == 'yes':
            result['actions'].append('daemon-reload')
        if state['UnitFileState'] != 'enabled' or state['ActiveState'] != 'active':
            result['actions'].append('enable --now ' + timer)
        elif timer_changed:
            result['actions'].append('restart ' + timer)
        result['changed'] = result['changed'] or bool(result['actions'])
        if not module.check_mode:
            for action in result['actions']:
                systemctl(module, *action.split())
    else:
        result['cron_daemon'] = any(os.path.exists(path) for path in CRON_DAEMONS)

    if module._diff and diffs:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
