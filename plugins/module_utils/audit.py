# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings of ``openclaw security audit`` and ``openclaw doctor --lint``, in one shape.

Both commands print JSON, in different shapes (measured on 2026.6.5 and
2026.9.6):

* ``security audit --json``: ``{ts, summary: {critical, warn, info},
  findings: [{checkId, severity, title, detail, remediation?}],
  suppressedFindings?: [... + suppression: {reason}], deep?, secretDiagnostics?}``
  with severities ``info`` / ``warn`` / ``critical``;
* ``secrets audit --check --json``: ``{version, status (clean / findings /
  unresolved), resolution, filesScanned, summary: {plaintextCount,
  unresolvedRefCount, ...}, findings: [{code, severity, file, jsonPath,
  message, provider?}]}`` with severities ``warn`` / ``error``, exit code 0 / 1 / 2
  for the three statuses;
* ``doctor --lint --json``: ``{schemaVersion? (2026.9 only), ok, checksRun,
  checksSkipped, findings: [{checkId, severity, message, path?, target?,
  requirement?, fixHint?}]}`` with severities ``info`` / ``warning`` / ``error``
  (the words of its ``--severity-min`` option).

:func:`normalize_security`, :func:`normalize_secrets` and :func:`normalize_doctor` turn each into
``{'summary': {'critical', 'warn', 'info'}, 'findings': [{'checkId',
'severity', 'title', 'detail', 'remediation'}]}``; the gate
(:func:`evaluate_gate`) then works the same for both, minus the version's
floor (``compat.audit_floor``): findings that no setting removes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

SEVERITIES = ('info', 'warn', 'critical')
_RANK = dict((name, index) for index, name in enumerate(SEVERITIES))

# Words seen in OpenClaw's output, and the usual synonyms. doctor --lint says
# info/warning/error; security audit says info/warn/critical.
SEVERITY_WORDS = {
    'info': 'info', 'information': 'info', 'informational': 'info', 'notice': 'info',
    'note': 'info', 'hint': 'info', 'tip': 'info', 'suggestion': 'info', 'debug': 'info',
    'low': 'info',
    'warn': 'warn', 'warning': 'warn', 'warnings': 'warn', 'medium': 'warn', 'moderate': 'warn',
    'critical': 'critical', 'crit': 'critical', 'error': 'critical', 'err': 'critical',
    'fatal': 'critical', 'high': 'critical', 'severe': 'critical', 'alert': 'critical',
    'emergency': 'critical', 'blocker': 'critical',
}

# The dangerous-flags finding is in the floor only for the flag that
# security.audit.suppressions itself raises; its other flags stay real findings.
SUPPRESSIONS_FLAG = 'config.insecure_or_dangerous_flags'

FINDING_KEYS = ('checkId', 'severity', 'title', 'detail', 'remediation')


class AuditFormatError(ValueError):
    """The CLI's output is not the report this code knows how to read."""


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (list, tuple)):
        return '\n'.join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return u'%s' % (value,)


def normalize_severity(text):
    """Map a severity word of either command to ``info``, ``warn`` or ``critical``.

    doctor's ``warning`` is ``warn`` and its ``error`` is ``critical``. An
    unknown or missing word counts as ``warn``, so that a finding of a newer
    OpenClaw is never dropped from a gate at the default level.
    """
    word = _text(text).strip().lower()
    return SEVERITY_WORDS.get(word, 'warn')


def severity_rank(severity):
    """Rank of a gate threshold (``info`` 0, ``warn`` 1, ``critical`` 2).

    Unlike :func:`normalize_severity`, an unknown word raises ``ValueError``:
    a threshold must be spelled right.
    """
    word = _text(severity).strip().lower()
    if word not in SEVERITY_WORDS:
        raise ValueError('unknown severity %r: use one of %s' % (severity, ', '.join(SEVERITIES)))
    return _RANK[SEVERITY_WORDS[word]]


def _load(data):
    if isinstance(data, (bytes, type(u''))):
        text = _text(data).strip()
        if not text:
            raise AuditFormatError('the command printed no JSON report')
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise AuditFormatError('the command printed something that is not JSON: %s' % exc)
    if not isinstance(data, dict):
        raise AuditFormatError('expected a JSON object, got %s' % type(data).__name__)
    if not isinstance(data.get('findings'), list):
        raise AuditFormatError('the JSON report has no findings list (keys: %s)'
                               % ', '.join(sorted(data)))
    return data


def summarize(findings):
    """``{'critical': n, 'warn': n, 'info': n}`` counted from ``findings``."""
    summary = dict((name, 0) for name in SEVERITIES)
    for finding in findings or []:
        summary[normalize_severity(finding.get('severity'))] += 1
    return summary


def _security_finding(raw):
    finding = {
        'checkId': _text(raw.get('checkId')),
        'severity': normalize_severity(raw.get('severity')),
        'title': _text(raw.get('title')),
        'detail': _text(raw.get('detail')),
        'remediation': _text(raw.get('remediation')),
    }
    return finding


def normalize_security(data):
    """Normalize ``openclaw security audit --json`` (a dict or its text).

    Returns ``{'summary', 'findings', 'suppressed'}``; ``suppressed`` holds
    the findings OpenClaw moved aside because ``security.audit.suppressions``
    accepts them, each with the configured ``reason``. The summary is counted
    from the findings (it equals the CLI's own ``summary``). Raises
    :class:`AuditFormatError` when there is no findings list.
    """
    data = _load(data)
    findings = [_security_finding(raw) for raw in data['findings'] if isinstance(raw, dict)]
    suppressed = []
    for raw in data.get('suppressedFindings') or []:
        if not isinstance(raw, dict):
            continue
        finding = _security_finding(raw)
        suppression = raw.get('suppression')
        finding['reason'] = _text(suppression.get('reason')) if isinstance(suppression, dict) else ''
        suppressed.append(finding)
    return {'summary': summarize(findings), 'findings': findings, 'suppressed': suppressed}


def _doctor_detail(raw):
    parts = []
    for key in ('path', 'target', 'requirement', 'source'):
        value = raw.get(key)
        if value not in (None, ''):
            parts.append('%s: %s' % (key, _text(value)))
    return '; '.join(parts)


def normalize_doctor(data):
    """Normalize ``openclaw doctor --lint --json`` (a dict or its text).

    ``message`` becomes ``title``, ``fixHint`` ``remediation``, and ``path``,
    ``target``, ``requirement`` (the inner security check id of
    ``core/doctor/security``) and ``source`` are joined into ``detail``.
    Also returns ``ok``, ``checks_run`` and ``checks_skipped`` as the CLI
    reported them.
    """
    data = _load(data)
    findings = []
    for raw in data['findings']:
        if not isinstance(raw, dict):
            continue
        findings.append({
            'checkId': _text(raw.get('checkId')),
            'severity': normalize_severity(raw.get('severity')),
            'title': _text(raw.get('message') or raw.get('title')),
            'detail': _doctor_detail(raw) or _text(raw.get('detail')),
            'remediation': _text(raw.get('fixHint') or raw.get('remediation')),
        })
    return {
        'summary': summarize(findings),
        'findings': findings,
        'ok': data.get('ok'),
        'checks_run': data.get('checksRun'),
        'checks_skipped': data.get('checksSkipped'),
    }


# What to do about each code of ``openclaw secrets audit``.
SECRETS_REMEDIATION = {
    'PLAINTEXT_FOUND': 'Deliver the value from vault with the secrets role (a file or env SecretRef) so '
                       'openclaw.json holds only the reference, then rotate the key: it has been on disk in clear.',
    'REF_UNRESOLVED': 'Create the referenced secret file (0600) or set the variable in the Gateway\'s '
                      'environment file, and audit with that environment (environment_file).',
}


def normalize_secrets(data):
    """Normalize ``openclaw secrets audit --check --json`` (a dict or its text).

    ``code`` becomes ``checkId``, ``message`` ``title``; the JSON path, file
    and provider are joined into ``detail``. Also returns OpenClaw's
    ``status`` and its ``summary`` counts as ``counts``.
    """
    data = _load(data)
    findings = []
    for raw in data['findings']:
        if not isinstance(raw, dict):
            continue
        parts = ['%s: %s' % (key, _text(raw[key])) for key in ('jsonPath', 'file', 'provider')
                 if raw.get(key) not in (None, '')]
        code = _text(raw.get('code'))
        findings.append({
            'checkId': code,
            'severity': normalize_severity(raw.get('severity')),
            'title': _text(raw.get('message')),
            'detail': '; '.join(parts),
            'remediation': SECRETS_REMEDIATION.get(code, ''),
        })
    counts = data.get('summary') if isinstance(data.get('summary'), dict) else {}
    return {'summary': summarize(findings), 'findings': findings,
            'status': _text(data.get('status')), 'counts': counts}


def findings_at(findings, min_severity):
    """The findings whose severity is ``min_severity`` or higher, in order."""
    threshold = severity_rank(min_severity)
    return [finding for finding in findings or []
            if _RANK[normalize_severity(finding.get('severity'))] >= threshold]


def in_floor(finding, floor):
    """Whether ``finding`` is one of the ``floor`` entries.

    An entry matches by ``checkId``; for ``config.insecure_or_dangerous_flags``
    only when the finding's detail is about ``security.audit.suppressions``
    (that check also reports real dangerous flags, one finding per flag).
    """
    check_id = finding.get('checkId')
    for entry in floor or []:
        if entry.get('checkId') != check_id:
            continue
        if check_id == SUPPRESSIONS_FLAG and 'suppressions' not in _text(finding.get('detail')).lower():
            continue
        return True
    return False


def evaluate_gate(findings, fail_on, floor):
    """Findings at or above ``fail_on`` that are not in ``floor``: what fails a gate."""
    return [finding for finding in findings_at(findings, fail_on) if not in_floor(finding, floor)]


# 2026.9 text: "  - openclaw.json:14 — logging: Unrecognized key ..., got: ..."
# 2026.6 text: "  - gateway.port: Invalid input"
_PROBLEM_LINE = re.compile(r'^\s*-\s+(?:\S+\.json5?:\d+\s+\S\s+)?(?P<path>[^:\s][^:]*?|<root>):\s+(?P<message>.+)$')


def config_issues(data=None, stderr=None):
    """Issues of a config the CLI refused (``security audit`` exit 1).

    2026.9 prints ``{"ok": false, "issues": [{path, message}]}`` on stdout;
    2026.6 prints nothing there and lists the problems on stderr under
    ``Problem:``. Returns ``[{'path', 'message'}]`` (empty if none found).
    """
    issues = []
    if isinstance(data, dict) and isinstance(data.get('issues'), list):
        for item in data['issues']:
            if isinstance(item, dict):
                issues.append({'path': _text(item.get('path')), 'message': _text(item.get('message'))})
        if issues:
            return issues
    in_block = False
    for line in _text(stderr).splitlines():
        stripped = line.strip()
        if stripped == 'Problem:':
            in_block = True
            continue
        if not in_block:
            continue
        match = _PROBLEM_LINE.match(line)
        if not match:
            break
        issues.append({'path': match.group('path').strip(), 'message': match.group('message').strip()})
    return issues


_SUPPRESSION_COUNT = re.compile(r'security\.audit\.suppressions (?:has (\d+) configured|configured \((\d+)\))')


def reported_suppressions(findings):
    """Number of suppressions OpenClaw says are configured, from its own findings, or None."""
    for finding in findings or []:
        match = _SUPPRESSION_COUNT.search(_text(finding.get('detail')))
        if match:
            return int(match.group(1) or match.group(2))
    return None


def count_suppressions(config):
    """Entries of ``security.audit.suppressions`` in a parsed config (0 when unset)."""
    if not isinstance(config, dict):
        return 0
    security = config.get('security')
    audit = security.get('audit') if isinstance(security, dict) else None
    entries = audit.get('suppressions') if isinstance(audit, dict) else None
    return len(entries) if isinstance(entries, list) else 0
