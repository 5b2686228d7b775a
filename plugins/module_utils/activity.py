# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the host's OpenClaw did recently: background tasks, cron jobs and their runs.

The hardening guide's cost section and its emergency response both start with
``openclaw tasks audit`` and ``openclaw cron runs``. This file turns the CLI's
JSON (and the cron table of the state database, which needs no Node start)
into one small shape, without the job prompts or run transcripts, and names
the model each cron job runs so the premium-model guard can judge it.

Measured on 2026.9.6 and 2026.6.5: both keep cron jobs in
``<state>/state/openclaw.sqlite`` table ``cron_jobs`` with the job as JSON in
``job_json``; ``cron list`` and ``cron runs`` need a running Gateway,
``tasks audit`` does not; 2026.6.5's ``cron runs`` has no ``--json`` option
and prints JSON anyway.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.clawfleet.openclaw.plugins.module_utils import state_store

# Payload kinds that make the Gateway run an agent turn (and so a model).
AGENT_PAYLOADS = ('agentTurn', 'heartbeat')


class ActivityError(Exception):
    """A read failed; ``str()`` says what to do."""


def version_tuple(version):
    parts = re.findall(r'\d+', version or '')
    return tuple(int(p) for p in parts[:3]) if parts else (0,)


def cron_runs_args(job_id, limit, version):
    """Arguments of ``openclaw cron runs`` for ``version``."""
    args = ['cron', 'runs', '--id', job_id, '--limit', str(int(limit))]
    # 2026.6.x refuses --json (its output is JSON without it).
    if version_tuple(version) >= (2026, 9):
        args.append('--json')
    return args


def _model_name(value):
    """``model`` as OpenClaw writes it: a string or ``{primary, fallbacks}``."""
    if isinstance(value, dict):
        return value.get('primary')
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _model_list(value):
    if isinstance(value, dict):
        return [m for m in [value.get('primary')] + list(value.get('fallbacks') or []) if isinstance(m, str) and m]
    name = _model_name(value)
    return [name] if name else []


def agent_models(config):
    """Models per agent id from openclaw.json (``agents.entries`` or ``agents.list``), and the default."""
    agents = (config or {}).get('agents') or {}
    models = {}
    entries = agents.get('entries')
    if isinstance(entries, dict):
        for agent_id, body in entries.items():
            if isinstance(body, dict) and body.get('model') is not None:
                models[agent_id] = _model_list(body.get('model'))
    listed = agents.get('list')
    if isinstance(listed, list):
        for body in listed:
            if isinstance(body, dict) and body.get('id') and body.get('model') is not None:
                models[body['id']] = _model_list(body.get('model'))
    defaults = agents.get('defaults') or {}
    default = _model_list(defaults.get('model')) if isinstance(defaults, dict) else []
    return models, default


def default_agent(config):
    """The agent a job without ``agentId`` runs as: the one marked ``default``, else OpenClaw's ``main``."""
    agents = (config or {}).get('agents') or {}
    entries = agents.get('entries') if isinstance(agents.get('entries'), dict) else {}
    listed = agents.get('list') if isinstance(agents.get('list'), list) else []
    for agent_id, body in list(entries.items()) + [(b.get('id'), b) for b in listed if isinstance(b, dict)]:
        if isinstance(body, dict) and body.get('default') is True and agent_id:
            return agent_id
    return 'main'


def normalize_job(job, models=None, default_models=None, fallback_agent='main'):
    """One cron job without its prompt: who runs it, on which model, when."""
    models = models or {}
    payload = job.get('payload') or {}
    kind = payload.get('kind')
    # The CLI prints effectiveAgentId; the stored job only has agentId when one was chosen.
    agent_id = job.get('agentId') or job.get('effectiveAgentId') or fallback_agent
    job_models = []
    source = None
    if kind in AGENT_PAYLOADS:
        job_models = [m for m in [payload.get('model')] + list(payload.get('fallbacks') or [])
                      if isinstance(m, str) and m]
        if job_models:
            source = 'job'
        elif agent_id and models.get(agent_id):
            job_models, source = list(models[agent_id]), 'agent'
        elif default_models:
            job_models, source = list(default_models), 'default'
    schedule = job.get('schedule') or {}
    return {
        'id': job.get('id'),
        'name': job.get('name') or job.get('displayName'),
        'enabled': bool(job.get('enabled', True)),
        'agent_id': agent_id,
        'payload_kind': kind,
        'model': job_models[0] if job_models else None,
        'models': job_models,
        'model_source': source,
        'schedule': {k: schedule[k] for k in ('kind', 'expr', 'everyMs', 'at', 'tz') if k in schedule},
        'managed_by': job.get('declarationKey'),
    }


def jobs_from_list(data, models=None, default_models=None, fallback_agent='main'):
    """Jobs from ``openclaw cron list --json``."""
    if not isinstance(data, dict) or not isinstance(data.get('jobs'), list):
        raise ActivityError('`openclaw cron list --json` did not print a job list.')
    return [normalize_job(job, models, default_models, fallback_agent) for job in data['jobs'] if isinstance(job, dict)]


def read_store_jobs(state_dir, models=None, default_models=None, fallback_agent='main', sqlite=None):
    """Jobs straight from the state database, read-only (no Node start).

    Returns None when the database or its cron table does not exist (a host
    whose Gateway never ran has no jobs yet).
    """
    try:
        found = state_store.query(state_dir, 'SELECT job_json FROM cron_jobs ORDER BY sort_order, job_id',
                                  sqlite=sqlite)
    except state_store.StoreError as exc:
        raise ActivityError(str(exc))
    if found is None:
        return None
    path = state_store.store_path(state_dir)
    rows = [(row['job_json'],) for row in found]
    jobs = []
    for (text,) in rows:
        try:
            job = json.loads(text)
        except ValueError:
            raise ActivityError('A cron job in %s is not valid JSON; run `openclaw cron list` to see what '
                                'OpenClaw makes of it.' % path)
        jobs.append(normalize_job(job, models, default_models, fallback_agent))
    return jobs


def jobs_in_store(state_dir, config):
    """The cron jobs in the state database with the models they run, [] when there is none (no Node start).

    ``config`` is openclaw.json as read ({} when unreadable): it names the agents' models. Raises ActivityError.
    """
    models, default_models = agent_models(config)
    jobs = read_store_jobs(state_dir, models, default_models, default_agent(config))
    return jobs if jobs is not None else []


def normalize_run(entry):
    """One cron run without its transcript or summary text."""
    model = entry.get('model')
    provider = entry.get('provider')
    usage = entry.get('usage') or {}
    return {
        'ts': entry.get('ts'),
        'run_id': entry.get('runId'),
        'status': entry.get('status'),
        'error_reason': entry.get('errorReason'),
        'duration_ms': entry.get('durationMs'),
        'model': '%s/%s' % (provider, model) if provider and model else model,
        'total_tokens': entry.get('totalTokens', usage.get('total_tokens') if isinstance(usage, dict) else None),
    }


def runs_from_output(data):
    if not isinstance(data, dict) or not isinstance(data.get('entries'), list):
        raise ActivityError('`openclaw cron runs` did not print a run list.')
    return [normalize_run(e) for e in data['entries'] if isinstance(e, dict)]


def summarize_audit(data):
    """``openclaw tasks audit --json`` as counts plus its findings."""
    if not isinstance(data, dict) or 'summary' not in data:
        raise ActivityError('`openclaw tasks audit --json` did not print an audit summary.')
    summary = data.get('summary') or {}
    findings = data.get('findings') or []
    return {
        'total': summary.get('total', 0),
        'warnings': summary.get('warnings', 0),
        'errors': summary.get('errors', 0),
        'by_code': dict(summary.get('byCode') or {}),
        'task_flows': {k: v for k, v in (summary.get('taskFlows') or {}).items() if k != 'byCode'},
        'findings': findings,
    }


def premium_jobs(jobs, patterns):
    """Enabled jobs whose models match any of ``patterns`` (case-insensitive regex search)."""
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns or []]
    found = []
    for job in jobs:
        if not job.get('enabled'):
            continue
        matched = sorted(set(m for m in job.get('models') or [] for c in compiled if c.search(m)))
        if matched:
            found.append(dict(job, premium=matched))
    return found


def cli_error(result):
    """The message OpenClaw printed for a failed read (its JSON error, else the last stderr lines)."""
    for text in (result.stdout, result.stderr):
        try:
            data = json.loads(text or '')
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get('error'), dict):
            return data['error'].get('message') or ''
    lines = (result.stderr or result.stdout or '').strip().splitlines()
    return ' | '.join(lines[:2]) or 'no output'
