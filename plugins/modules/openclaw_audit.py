#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_audit
short_description: Run OpenClaw's security audit, secrets audit or doctor lint, report findings, gate on severity
version_added: 1.0.0
description:
  - Runs C(openclaw security audit [--deep] --json) (O(kind=security)),
    C(openclaw secrets audit --check --json) (O(kind=secrets)) or
    C(openclaw doctor --lint --json) (O(kind=doctor)) under a hard timeout and returns the findings
    in one shape for all three, with severities C(info), C(warn) and C(critical) (C(warning) is
    C(warn), C(error) is C(critical)).
  - The secrets audit reports secrets stored in clear (C(PLAINTEXT_FOUND), warn) and SecretRefs that
    do not resolve (C(REF_UNRESOLVED), critical); give the service's O(environment_file) so that env
    references resolve as they do for the Gateway.
  - Computes the findings that fail a gate at O(fail_on) or above, minus the version's floor, the
    findings no setting can remove (C(summary.attack_surface); C(gateway.probe_failed) with O(deep) from a CLI
    that is not a paired operator device; the warn and info OpenClaw adds when
    C(security.audit.suppressions) is configured; for doctor, the version's unfixable checks).
  - In O(mode=report) it only reports (the "before" audit of an unsafe host must not stop the play);
    in O(mode=gate) it fails, naming each failing finding.
  - OpenClaw's audit is not read-only (it migrates its state database and may install channel
    plugins), so in check mode the module runs nothing and returns RV(skipped=true), unless
    O(run_in_check_mode=true).
  - Never runs C(--fix) and never changes the config.
author:
  - clawfleet.openclaw contributors (@clawfleet)
extends_documentation_fragment:
  - clawfleet.openclaw.host
options:
  kind:
    description: Which OpenClaw check to run.
    type: str
    choices: [security, secrets, doctor]
    default: security
  deep:
    description:
      - With O(kind=security), add C(--deep) (live Gateway probe, plugin and skill code scans).
      - Without a paired operator device the probe always reports C(gateway.probe_failed); see O(paired_operator).
    type: bool
    default: false
  mode:
    description:
      - V(report) returns the findings and RV(failing) but never fails on them.
      - V(gate) fails when RV(failing) is not empty.
    type: str
    choices: [report, gate]
    default: report
  fail_on:
    description: Lowest severity that fails the gate (and that RV(failing) lists).
    type: str
    choices: [critical, warn, info]
    default: warn
  paired_operator:
    description:
      - Whether the CLI on this host is a paired operator device of its Gateway. Only then can a
        O(deep) audit's Gateway probe succeed, so only then is C(gateway.probe_failed) a real finding.
    type: bool
    default: false
  skip:
    description:
      - With O(kind=doctor), check ids passed as C(--skip <id>).
      - When unset, the version's checks that no setting fixes (see the collection's compat table).
        V([]) skips nothing.
    type: list
    elements: str
  run_in_check_mode:
    description:
      - Run the audit in check mode too. OpenClaw's audit migrates state, so by default check mode
        runs nothing and returns RV(skipped=true).
    type: bool
    default: false
  timeout:
    description: Seconds after which the CLI is stopped and the module fails (the audit has been seen to hang).
    type: int
    default: 180
  environment_file:
    description:
      - A systemd-style C(KEY=VALUE) file, usually the Gateway service's C(EnvironmentFile). Its
        variables are put in the CLI's environment so SecretRefs resolve as they do for the service
        (without them the audit reports, for example, C(gateway.http.no_auth)).
      - The module never returns or logs these values. Values of variables named like secrets
        (C(TOKEN), C(SECRET), C(PASSWORD), C(API_KEY), ...) and any value of 16 characters or more
        are also masked wherever OpenClaw's own output would repeat them.
    type: path
  environment_file_required:
    description:
      - Whether a missing O(environment_file) fails the module. With V(false) the audit runs without it when
        the file does not exist (a host whose keys are all files, or not moved out yet) and
        RV(environment_file_used) says so; a file that exists but cannot be read still fails.
      - Spares a separate look for the file before the audit, a round trip to the host.
    type: bool
    default: true
attributes:
  check_mode:
    support: partial
    details: Check mode runs no audit unless O(run_in_check_mode=true).
    description:
      - Runs nothing and returns RV(skipped=true) in check mode unless O(run_in_check_mode=true);
        then it runs the same as in a normal run. It never changes anything either way.
  diff_mode:
    support: none
    description: Reports findings only; there is nothing to diff.
notes:
  - C(openclaw security audit) exits 0 even with critical findings; the gate is computed from the
    findings. It exits 1 when the config is invalid, and the module then fails listing the issues.
  - C(openclaw doctor --lint) exits 0 when clean, 1 with findings (2026.6.5 also with info findings
    only) and 2 when it could not run its checks; the module fails on 2.
  - The suppressions count for the floor is read from C(security.audit.suppressions) in the config
    file itself; no Node process is started for it.
seealso:
  - module: clawfleet.openclaw.listen_check
'''

EXAMPLES = r'''
- name: Audit before hardening (report only)
  clawfleet.openclaw.openclaw_audit:
    home: /home/openclaw
    environment_file: /home/openclaw/.openclaw/gateway.env
  register: audit_before

- name: Gate on warnings after hardening
  clawfleet.openclaw.openclaw_audit:
    home: /home/openclaw
    environment_file: /home/openclaw/.openclaw/gateway.env
    environment_file_required: false
    mode: gate
    fail_on: warn

- name: Deep audit against the running Gateway
  clawfleet.openclaw.openclaw_audit:
    home: /home/openclaw
    deep: true
    mode: gate
    fail_on: critical

- name: Doctor lint, skipping the version's unfixable checks
  clawfleet.openclaw.openclaw_audit:
    kind: doctor
    home: /home/openclaw
    mode: gate

- name: List critical findings
  ansible.builtin.debug:
    msg: "{{ audit_before | clawfleet.openclaw.findings_at('critical') | map(attribute='checkId') }}"
'''

RETURN = r'''
environment_file_used:
  description: Whether the variables of O(environment_file) were put in the CLI's environment (false when none was
    given, or when it did not exist and O(environment_file_required=false)).
  returned: always
  type: bool
  sample: true
version:
  description: Installed OpenClaw version (from its C(package.json)), or null when it cannot be read.
  returned: always
  type: str
  sample: 2026.9.6
kind:
  description: The check that ran, V(security), V(secrets) or V(doctor).
  returned: always
  type: str
  sample: security
summary:
  description: Number of findings per severity.
  returned: always
  type: dict
  contains:
    critical:
      description: Critical findings (doctor errors).
      type: int
    warn:
      description: Warnings.
      type: int
    info:
      description: Informational findings.
      type: int
  sample: {critical: 0, warn: 1, info: 1}
findings:
  description: The findings, in the CLI's order.
  returned: always
  type: list
  elements: dict
  contains:
    checkId:
      description: OpenClaw's id of the check.
      type: str
    severity:
      description: V(info), V(warn) or V(critical).
      type: str
    title:
      description: What was found (doctor's message).
      type: str
    detail:
      description: Details (for doctor, the path, target and requirement it names).
      type: str
    remediation:
      description: How to fix it (doctor's fix hint); empty when OpenClaw gives none.
      type: str
  sample:
    - checkId: summary.attack_surface
      severity: info
      title: Attack surface summary
      detail: "groups: open=0, allowlist=0"
      remediation: ''
    - checkId: gateway.probe_failed
      severity: warn
      title: Gateway probe failed (deep)
      detail: connect ECONNREFUSED 127.0.0.1:18789
      remediation: Run "openclaw status --all" to debug connectivity/auth.
suppressed:
  description: Findings OpenClaw set aside because C(security.audit.suppressions) accepts them, each with its C(reason).
  returned: always
  type: list
  elements: dict
  sample:
    - checkId: summary.attack_surface
      severity: info
      title: Attack surface summary
      detail: "groups: open=0, allowlist=0"
      remediation: ''
      reason: Inventory line; always present.
suppressions:
  description: Number of C(security.audit.suppressions) entries in the config file (used for the floor).
  returned: always
  type: int
  sample: 0
floor:
  description: Findings of this version that no setting removes; they never fail the gate.
  returned: always
  type: list
  elements: dict
  sample:
    - checkId: summary.attack_surface
      severity: info
      reason: always emitted (an inventory of the attack surface)
failing:
  description: Findings at or above O(fail_on) that are not in the floor. Computed in both modes.
  returned: always
  type: list
  elements: dict
  sample: []
passed:
  description: Whether RV(failing) is empty; null when the audit was skipped.
  returned: always
  type: bool
  sample: true
skipped:
  description: True when check mode skipped the run (see O(run_in_check_mode)).
  returned: always
  type: bool
  sample: false
skipped_checks:
  description: Check ids passed to doctor as C(--skip); empty for the security audit.
  returned: always
  type: list
  elements: str
  sample: [core/doctor/heartbeat-cadence-migration, core/doctor/node-hosting-preconditions]
cmd:
  description: The OpenClaw command that ran (or would run, when skipped).
  returned: always
  type: list
  elements: str
  sample: [openclaw, security, audit, --json]
exit_code:
  description:
    - Exit status of the command; null when it did not run.
    - Not named C(rc), because Ansible marks any result with a non-zero C(rc) as failed, and C(doctor --lint)
      exits 1 whenever it reports a finding.
  returned: always
  type: int
  sample: 0
issues:
  description: What OpenClaw rejected in its config, when the security audit refused to run because the config is invalid.
  returned: failure, when the config is invalid
  type: list
  elements: dict
  sample: [{path: logging, message: 'Unrecognized key: "redactSensitive"'}]
status:
  description: OpenClaw's own verdict with O(kind=secrets) (V(clean), V(findings) or V(unresolved)); empty otherwise.
  returned: always
  type: str
  sample: clean
duration:
  description: Seconds the command took.
  returned: always
  type: float
  sample: 5.36
'''

import errno
import json
import os
import re
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import audit, compat
from ansible_collections.clawfleet.openclaw.plugins.module_utils.cli import (
    OpenClawCLI, OpenClawCLIError, host_argument_spec, parse_json_output)

DEFAULT_TIMEOUT = 180
_ENV_KEY = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
# Names of variables whose values are masked whatever their length; any value
# of LONG_VALUE characters or more is masked too (tokens, keys). Short plain
# settings such as OPENCLAW_SERVICE_KIND=gateway are not, or every finding id
# holding that word would be masked.
_SECRET_NAME = re.compile(r'TOKEN|SECRET|PASSW|API_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION', re.I)
LONG_VALUE = 16


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ('"', "'"):
        inner = value[1:-1]
        if value[0] == '"':
            inner = re.sub(r'\\(["\\$`])', r'\1', inner)
        return inner
    return value


def parse_environment_file(text):
    """``(variables, bad_line_numbers)`` of a systemd ``EnvironmentFile``.

    ``KEY=VALUE`` lines; ``#`` and ``;`` start comments; values may be quoted;
    a trailing backslash continues a line. Lines that are not assignments are
    reported by number only, never by content (they may hold secrets).
    """
    variables = {}
    bad = []
    pending = ''
    start = None
    for number, line in enumerate(text.splitlines(), 1):
        if pending:
            line = pending + line
        elif start is None:
            start = number
        if line.endswith('\\') and not line.endswith('\\\\'):
            pending = line[:-1]
            continue
        pending = ''
        first = start or number
        start = None
        stripped = line.strip()
        if not stripped or stripped[0] in '#;':
            continue
        if stripped.startswith('export '):
            stripped = stripped[len('export '):].lstrip()
        key, sep, value = stripped.partition('=')
        key = key.strip()
        if not sep or not _ENV_KEY.match(key):
            bad.append(first)
            continue
        variables[key] = _unquote(value)
    return variables, bad


def load_environment_file(module, path, required=True):
    """The file's variables, or None when it does not exist and is not required."""
    try:
        with open(path) as handle:
            text = handle.read()
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT and not required:
            return None
        module.fail_json(msg='Cannot read environment_file %s: %s' % (path, exc.strerror or exc),
                         changed=False)
    variables, bad = parse_environment_file(text)
    for name, value in variables.items():
        if len(value) >= LONG_VALUE or (len(value) >= 4 and _SECRET_NAME.search(name)):
            module.no_log_values.add(value)
    if bad:
        module.warn('environment_file %s: line(s) %s are not KEY=VALUE assignments and were ignored.'
                    % (path, ', '.join(str(number) for number in bad)))
    return variables


def read_suppressions(module, config_path):
    """Entries of security.audit.suppressions in the config file, or None if it cannot be read."""
    if not os.path.exists(config_path):
        return 0
    try:
        with open(config_path) as handle:
            config = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        module.warn('Could not read %s as JSON to count security.audit.suppressions (%s); the floor '
                    'uses the count the audit reports instead.' % (config_path, exc))
        return None
    return audit.count_suppressions(config)


def build_command(kind, deep, skip):
    if kind == 'secrets':
        return ['secrets', 'audit', '--check', '--json']
    if kind == 'security':
        args = ['security', 'audit']
        if deep:
            args.append('--deep')
        return args + ['--json']
    args = ['doctor', '--lint', '--json']
    for check_id in skip:
        args.extend(['--skip', check_id])
    return args


def doctor_floor(version):
    return [{'checkId': check_id, 'severity': 'warn', 'reason': reason}
            for check_id, reason in sorted(compat.doctor_unfixable(version).items())]


def tail(text, lines=8):
    return ' | '.join(line for line in (text or '').strip().splitlines()[-lines:] if line.strip())


def exit_failure(run):
    return '`%s` failed with exit code %d: %s' % (
        ' '.join(run.cmd), run.rc, tail(run.stderr or run.stdout) or 'no output')


def gate_message(kind, version, fail_on, failing):
    what = {'security': 'openclaw security audit', 'secrets': 'openclaw secrets audit --check',
            'doctor': 'openclaw doctor --lint'}[kind]
    lines = ['%s on OpenClaw %s: %d finding(s) at or above %s are not accepted:'
             % (what, version or '(unknown version)', len(failing), fail_on)]
    for finding in failing:
        lines.append('- %s (%s): %s' % (finding['checkId'], finding['severity'], finding['title']))
    if kind == 'security':
        lines.append('Fix each one (see findings[].remediation), or accept it with a reason in '
                     'openclaw_audit_accepted_findings (written to security.audit.suppressions, '
                     'so OpenClaw itself shows what was accepted and why).')
    elif kind == 'secrets':
        lines.append('Move each clear secret into a SecretRef delivered from vault (the secrets role) and '
                     'rotate it, and make every reference resolve (see findings[].remediation).')
    else:
        lines.append('Fix each one (see findings[].remediation), or skip the check by id with the '
                     'skip option if no setting can fix it on this host.')
    return ' '.join(lines)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kind=dict(type='str', choices=['security', 'secrets', 'doctor'], default='security'),
            deep=dict(type='bool', default=False),
            mode=dict(type='str', choices=['report', 'gate'], default='report'),
            fail_on=dict(type='str', choices=['critical', 'warn', 'info'], default='warn'),
            paired_operator=dict(type='bool', default=False),
            skip=dict(type='list', elements='str'),
            run_in_check_mode=dict(type='bool', default=False),
            timeout=dict(type='int', default=DEFAULT_TIMEOUT),
            environment_file=dict(type='path'),
            environment_file_required=dict(type='bool', default=True),
            **host_argument_spec()
        ),
        supports_check_mode=True,
    )
    params = module.params
    kind = params['kind']
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds.', changed=False)

    environment = None
    if params['environment_file']:
        environment = load_environment_file(module, params['environment_file'],
                                            params['environment_file_required'])
    environment_file_used = environment is not None
    environment = environment or {}

    cli = OpenClawCLI(module, binary=params['openclaw_bin'], home=params['home'],
                      config_path=params['config_path'], state_dir=params['state_dir'],
                      timeout=params['timeout'], environment=environment)
    cli.require_binary()
    version = cli.version
    if not version:
        module.warn('Could not read the OpenClaw version from its package.json; the floor of the '
                    'newest measured version is used.')

    state_dir = params['state_dir'] or os.path.join(cli.home, '.openclaw')
    config_path = params['config_path'] or os.path.join(state_dir, 'openclaw.json')

    if kind == 'doctor':
        skip = params['skip']
        if skip is None:
            skip = sorted(compat.doctor_unfixable(version))
    else:
        skip = []
    args = build_command(kind, params['deep'] and kind == 'security', skip)

    result = dict(
        changed=False,
        version=version,
        kind=kind,
        summary=dict((name, 0) for name in audit.SEVERITIES),
        findings=[],
        suppressed=[],
        suppressions=0,
        floor=[],
        failing=[],
        passed=None,
        skipped=False,
        skipped_checks=list(skip),
        cmd=['openclaw'] + args,
        exit_code=None,
        status='',
        duration=0.0,
        environment_file_used=environment_file_used,
    )

    suppressions = read_suppressions(module, config_path) if kind == 'security' else 0

    if module.check_mode and not params['run_in_check_mode']:
        result['skipped'] = True
        result['suppressions'] = suppressions or 0
        result['msg'] = ('Check mode: %s was not run (it migrates OpenClaw state); set '
                         'run_in_check_mode to run it anyway.' % ' '.join(result['cmd']))
        module.exit_json(**result)

    started = time.time()
    try:
        run = cli.run(args, check=False)
    except OpenClawCLIError as exc:
        result['duration'] = round(time.time() - started, 2)
        if exc.result is not None:
            result['cmd'] = exc.result.cmd
            result['exit_code'] = exc.result.rc
        module.fail_json(msg='%s Nothing was audited.' % exc, **result)
    result['duration'] = round(time.time() - started, 2)
    result['cmd'] = run.cmd
    result['exit_code'] = run.rc
    data = parse_json_output(run.stdout)

    if kind == 'security':
        if run.rc == 1:
            issues = audit.config_issues(data, run.stderr)
            if issues:
                listed = '; '.join('%s: %s' % (item['path'], item['message']) for item in issues)
                module.fail_json(
                    msg='OpenClaw refused to audit because its config %s is invalid: %s. Fix these keys '
                        '(openclaw config validate shows the same list) and run the audit again.'
                        % (config_path, listed),
                    issues=issues, **result)
            module.fail_json(msg=exit_failure(run), **result)
        if run.rc != 0:
            module.fail_json(msg=exit_failure(run), **result)
        try:
            report = audit.normalize_security(data if data is not None else run.stdout)
        except audit.AuditFormatError as exc:
            module.fail_json(msg='`%s` exited 0 but %s: %s' % (' '.join(run.cmd), exc, tail(run.stderr)),
                             **result)
        if suppressions is None:
            suppressions = audit.reported_suppressions(report['findings']) or 0
        result['suppressed'] = report['suppressed']
        result['suppressions'] = suppressions
        floor = compat.audit_floor(version, deep=params['deep'], paired_operator=params['paired_operator'],
                                   suppressions=suppressions)
    elif kind == 'secrets':
        # 0 clean, 1 findings, 2 unresolved references: all three print the report.
        if run.rc not in (0, 1, 2):
            module.fail_json(msg=exit_failure(run), **result)
        try:
            report = audit.normalize_secrets(data if data is not None else run.stdout)
        except audit.AuditFormatError as exc:
            module.fail_json(msg='`%s` exited %d but %s: %s' % (' '.join(run.cmd), run.rc, exc, tail(run.stderr)),
                             **result)
        result['status'] = report['status']
        floor = []
    else:
        if run.rc == 2:
            reason = ''
            if isinstance(data, dict) and isinstance(data.get('error'), dict):
                reason = data['error'].get('message') or ''
            module.fail_json(msg='`%s` could not run its checks (exit code 2): %s'
                             % (' '.join(run.cmd), reason or tail(run.stderr or run.stdout) or 'no output'),
                             **result)
        if run.rc not in (0, 1):
            module.fail_json(msg=exit_failure(run), **result)
        try:
            report = audit.normalize_doctor(data if data is not None else run.stdout)
        except audit.AuditFormatError as exc:
            hint = ''
            if 'root dir not found' in (run.stderr or ''):
                hint = (' OpenClaw 2026.6.x crashes like this when the agent workspace folder (%s) does '
                        'not exist; create it (mode 0700, owned by the OpenClaw user) or run '
                        '`openclaw setup` once.' % os.path.join(state_dir, 'workspace'))
            module.fail_json(msg='`%s` exited %d but %s: %s.%s'
                             % (' '.join(run.cmd), run.rc, exc, tail(run.stderr) or 'no output', hint),
                             **result)
        floor = doctor_floor(version)

    failing = audit.evaluate_gate(report['findings'], params['fail_on'], floor)
    result.update(
        summary=report['summary'],
        findings=report['findings'],
        floor=floor,
        failing=failing,
        passed=not failing,
    )
    if kind == 'security' and isinstance(data, dict):
        unresolved = [line for line in data.get('secretDiagnostics') or []
                      if 'failed to resolve' in line or 'missing or empty' in line]
        if unresolved:
            module.warn('The audit could not resolve some SecretRefs (%s). Pass the service\'s '
                        'environment with environment_file so the audit sees what the Gateway sees.'
                        % '; '.join(line.splitlines()[0] for line in unresolved))

    if params['mode'] == 'gate' and failing:
        module.fail_json(msg=gate_message(kind, version, params['fail_on'], failing), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
