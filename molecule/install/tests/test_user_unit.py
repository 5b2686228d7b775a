"""The Gateway of a person's own account: a user unit that lingering keeps
running without a login, sandboxed as far as a user manager allows, on a Node
the role installed from an official-layout tarball checked against its
SHASUMS256.txt.
"""
import re

import pytest

import compile_cache
import refusing_gateway

testinfra_hosts = ['install-user']

USER = 'claw'
STATE = '/home/%s/.openclaw' % USER
UNIT = '/home/%s/.config/systemd/user/openclaw-gateway.service' % USER
HARDENING = {
    'NoNewPrivileges': 'yes',
    'PrivateTmp': 'yes',
    'PrivateUsers': 'yes',
    'ProtectSystem': 'strict',
    'ProtectHome': 'read-only',
    'RestrictAddressFamilies': 'AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'SystemCallFilter': None,  # set; systemctl prints the expanded list
    'UMask': '0077',
}


def user_systemctl(host, args):
    uid = host.user(USER).uid
    return host.run('runuser -u %s -- env XDG_RUNTIME_DIR=/run/user/%d %s' % (USER, uid, args))


def test_lingering_keeps_the_users_manager_running(host):
    assert host.file('/var/lib/systemd/linger/%s' % USER).exists
    uid = host.user(USER).uid
    assert host.run('systemctl is-active user@%d.service' % uid).stdout.strip() == 'active'


def test_the_unit_is_the_users_and_not_the_systems(host):
    unit = host.file(UNIT)
    assert unit.user == USER and unit.mode == 0o644
    assert 'User=' not in unit.content_string and 'WantedBy=default.target' in unit.content_string
    assert not host.file('/etc/systemd/system/openclaw-gateway.service').exists
    assert user_systemctl(host, 'systemctl --user is-enabled openclaw-gateway').stdout.strip() == 'enabled'


@pytest.mark.parametrize('key, value', sorted(HARDENING.items()))
def test_the_user_unit_is_sandboxed(host, key, value):
    shown = user_systemctl(host, 'systemctl --user show -p %s --value openclaw-gateway.service' % key)
    assert shown.rc == 0, shown.stderr
    if value is None:
        assert shown.stdout.strip(), key
    else:
        assert sorted(shown.stdout.split()) == sorted(value.split())


def test_the_user_unit_only_writes_the_state_folder(host):
    paths = user_systemctl(host, 'systemctl --user show -p ReadWritePaths --value openclaw-gateway.service')
    assert paths.stdout.split() == [STATE]


def test_the_user_units_exposure_score_holds(host):
    out = user_systemctl(host, 'systemd-analyze --user security --no-pager openclaw-gateway.service').stdout
    score = float(re.search(r'Overall exposure level for \S+: ([0-9.]+)', out).group(1))
    assert score <= 4.5, out[-2000:]


def test_the_gateway_runs_on_loopback_as_the_person(host):
    active = user_systemctl(host, 'systemctl --user is-active openclaw-gateway').stdout.strip()
    assert active == 'active'
    listeners = host.run('ss -Hltnp sport = :18789').stdout.splitlines()
    addresses = sorted(line.split()[3].rsplit(':', 1)[0] for line in listeners)
    assert addresses and set(addresses) <= {'127.0.0.1', '[::1]'}, listeners
    pid = user_systemctl(host, 'systemctl --user show -p MainPID --value openclaw-gateway.service').stdout.strip()
    assert host.run('ps -o user= -p %s' % pid).stdout.strip() == USER
    # The service's own view of the file system (its user may read it): all read only but the state folder.
    mounts = host.run('runuser -u %s -- cat /proc/%s/mountinfo' % (USER, pid))
    assert mounts.rc == 0, mounts.stderr
    options = {fields[4]: fields[5].split(',') for fields in (line.split() for line in mounts.stdout.splitlines())}
    assert 'ro' in options['/'] and 'rw' in options[STATE], options


def test_node_came_from_the_checked_tarball_with_its_own_npm(host):
    assert host.file('/opt/openclaw/downloads/node-v24.21.0-linux-x64.tar.gz').is_file
    node = host.file('/opt/openclaw/node/24.21.0')
    assert node.user == 'root' and node.mode & 0o022 == 0
    assert host.file('/opt/openclaw/node/24.21.0/lib/node_modules/npm/package.json').is_file
    assert host.run('/usr/local/bin/node --version').stdout.strip() == 'v24.21.0'
    assert host.run('/usr/local/bin/npm --version').stdout.strip() == '11.21.2'
    version = host.run('runuser -u %s -- /usr/local/bin/openclaw --version' % USER)
    assert version.rc == 0 and '2026.9.6' in version.stdout, version.stdout + version.stderr


def test_the_gateway_keeps_its_compile_cache_across_starts(host):
    compile_cache.check_the_gateway_keeps_its_compile_cache(
        host, 'install-user', USER, '/home/%s/.cache/openclaw-gateway/node-compile-cache' % USER,
        lambda args: user_systemctl(host, 'systemctl --user %s' % args), 'user')


def test_an_upgrade_drops_the_compile_cache_of_the_version_before(host):
    compile_cache.check_an_upgrade_leaves_only_the_running_version_cached(
        host, '/home/%s/.cache/openclaw-gateway/node-compile-cache' % USER, '2026.9.6')


def test_a_gateway_that_refuses_to_start_ends_the_health_wait_and_is_named(host):
    refusing_gateway.check_the_wait_ends_when_the_gateway_refuses_to_start(
        host, 'install-user', USER, STATE + '/openclaw.json',
        lambda args: user_systemctl(host, 'systemctl --user %s' % args), 'user')
