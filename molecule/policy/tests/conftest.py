"""What every role's verify module of the policy scenario shares: the host's config, version and audits."""
import json
import os
import sys

import pytest

# The call-log reader is shared by every scenario (molecule/resources/calllog.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'resources'))
from calllog import CALL_LOG, run_segments  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

STATE_DIR = '/home/openclaw/.openclaw'
CONFIG = STATE_DIR + '/openclaw.json'

# Findings that config cannot remove, per the measured catalogue.
FLOOR = {
    'summary.attack_surface': 'info, always present',
    'gateway.probe_failed': 'the CLI is not a paired operator device, so the deep probe lacks operator.read',
}


def as_openclaw(host, command, timeout=240):
    """Run a command as the Gateway's user, with the Gateway's environment file loaded."""
    return host.run('timeout %d runuser -u openclaw -- sh -c %s' % (
        timeout, "'set -a; [ -f %s/gateway.env ] && . %s/gateway.env; set +a; "
                 "HOME=/home/openclaw LC_ALL=C exec %s'" % (STATE_DIR, STATE_DIR, command)))


def listeners(host, port):
    """The addresses something listens on at ``port`` (TCP), as ``ss`` prints them."""
    out = host.run('ss -Hltn sport = :%d' % port).stdout
    return sorted(line.split()[3].rsplit(':', 1)[0] for line in out.splitlines() if line.strip())


def findings_in(report, *prefixes):
    """Findings at warn or critical whose checkId starts with one of ``prefixes``, minus the floor."""
    return [f for f in report['findings'] if f['severity'] in ('warn', 'critical')
            and f['checkId'].startswith(prefixes) and f['checkId'] not in FLOOR]


@pytest.fixture(scope='module')
def hostvars(host):
    return host.ansible.get_variables()


@pytest.fixture(scope='module')
def config(host):
    return json.loads(host.file(CONFIG).content_string)


@pytest.fixture(scope='module')
def version(host):
    return host.file('/etc/openclaw-test-version').content_string.strip()


@pytest.fixture(scope='module')
def legacy(version):
    return version.startswith('2026.6.')


# One deep audit and one validate per host for the whole verify run: every
# role's module reads the same report (a deep audit takes up to 20 s with the
# channel plugins loaded).
_ONCE_PER_HOST = {}


def once_per_host(host, name, produce):
    key = (host.backend.get_hostname(), name)
    if key not in _ONCE_PER_HOST:
        _ONCE_PER_HOST[key] = produce()
    return _ONCE_PER_HOST[key]


def _deep_audit(host):
    result = as_openclaw(host, 'openclaw security audit --deep --json')
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout[result.stdout.index('{'):])


def _validate(host):
    result = as_openclaw(host, 'openclaw config validate --json', timeout=120)
    assert result.rc == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope='module')
def deep_audit(host):
    return once_per_host(host, 'deep_audit', lambda: _deep_audit(host))


@pytest.fixture(scope='module')
def validate(host):
    return once_per_host(host, 'validate', lambda: _validate(host))


def agent_entry(config, legacy, agent_id):
    """One agent's entry: agents.list[] on 2026.6, agents.entries.<id> on 2026.9."""
    if legacy:
        return [agent for agent in config['agents']['list'] if agent['id'] == agent_id][0]
    return config['agents']['entries'][agent_id]
