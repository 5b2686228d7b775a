#!/usr/bin/env python3
"""The collection's benchmark: playbooks/harden.yml on 1, 4 and 8 containers
running the real OpenClaw 2026.9.6, against the floor and the ways by hand.

For each fleet size (forks = hosts), on hosts that start as the demo laptop
does before hardening:
  converge     playbooks/harden.yml from the unsafe config
  idempotent   the same again (nothing to change)
  check        --check --diff (the drift run)
  floor        one play with harden.yml's fact gathering and one
               ansible.builtin.stat per role it runs, nothing else
  ping         ansible -m ping
and, on one host, the ways without the collection:
  naive        one `openclaw config set` (or `unset`) per setting the converge
               changed, then a Gateway restart - the guide followed by hand
  patch        one `openclaw config patch --file` with the same settings, on
               the unsafe config and again on the patched one
  restart      the Gateway restart and wait for its port, on its own
  patch_restart  the patch on the unsafe config, then the restart at once
A restart whose shutdown waited until OpenClaw's own deadline, whose
Gateway started without its channels (OpenClaw's restart-loop breaker), or
that began before openclaw.json was written, is measured once more; the table
says so.
Node starts per host are counted with the kernel's process accounting inside
each container (bench/pacct.py), peak anonymous memory per host from its cgroup.

Run it with bench/run.sh (which sets the machine up first); the table goes
to stdout and, as JSON and Markdown, to bench/results/.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, 'bench')
PREFIX = 'clawfleet-bench-'
PACCT_BIN = '/usr/local/sbin/clawfleet-pacct'
PACCT_FILE = '/var/log/clawfleet-bench.pacct'
STATE = '/home/openclaw/.openclaw'
PORT = 18789
# A process's accounting record carries the name of the thread that exited
# last: Node's own name, OpenClaw's process titles (openclaw, openclaw-gateway
# cut to 15 characters), or one of Node 24's thread names (measured: a plain
# `node -e 1` is recorded as SignalInspector; OpenClaw 2026.9's SQLite workers
# as MainThread).
NODE_NAMES = re.compile(r'^(node|openclaw|MainThread|SignalInspector|V8Worker|WorkerThread|libuv-worker'
                        r'|DelayedTaskSche)')
VAULT = os.path.join(REPO, 'inventories', 'example', 'vault-password.test-only')
# OpenClaw 2026.9.6's warning when a shutdown gives up waiting (src/gateway, `shutdown deadline reached; abandoning
# unfinished cleanup and active work before restart; ...`).
SHUTDOWN_DEADLINE = 'shutdown deadline reached'
# And its restart-loop breaker: three boots in five minutes that OpenClaw did not record as ended cleanly
# start the next Gateway without its channels, seconds faster than a host's usual start.
BREAKER_TRIPPED = 'restart-loop breaker tripped'
BREAKER_WINDOW = 300
# The journal lines a Gateway start begins and ends with (systemd's, then OpenClaw's).
GATEWAY_STARTED = 'Started openclaw-gateway.service'
GATEWAY_LISTENING = '[gateway] http server listening'


def log(message):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), message), file=sys.stderr, flush=True)


def run(argv, check=True, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if check and result.returncode != 0:
        raise SystemExit('%s failed (%d):\n%s\n%s' % (
            ' '.join(argv[:6]), result.returncode, result.stdout[-4000:], result.stderr[-4000:]))
    return result


def docker_exec(container, argv, user=None, check=True):
    prefix = ['docker', 'exec']
    if user:
        prefix += ['-u', user, '-e', 'HOME=/home/%s' % user]
    return run(prefix + [container] + argv, check=check)


class MemorySampler(threading.Thread):
    """Peak anonymous (resident, not file cache) memory of each container's cgroup while a run lasts."""

    def __init__(self, containers):
        super().__init__(daemon=True)
        self.files = {name: cgroup_memory_stat(name) for name in containers}
        self.peak = dict.fromkeys(containers, 0)
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for name, (path, key) in self.files.items():
                try:
                    with open(path) as handle:
                        for line in handle:
                            field, _sep, value = line.partition(' ')
                            if field == key:
                                self.peak[name] = max(self.peak[name], int(value))
                except (OSError, ValueError):
                    pass
            self.done.wait(0.25)

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


def cgroup_file(container, candidates, what):
    """The first of ``candidates`` ((glob pattern with the container id, field)) that exists, with its field."""
    full_id = run(['docker', 'inspect', '-f', '{{.Id}}', container]).stdout.strip()
    for pattern, key in candidates:
        found = glob.glob(pattern % full_id, recursive=True)
        if found:
            return found[0], key
    raise SystemExit('no %s for container %s in /sys/fs/cgroup' % (what, container))


def cgroup_memory_stat(container):
    """The container's memory.stat and its anonymous-memory field: cgroup v2 (anon) or v1 (total_rss)."""
    return cgroup_file(container, (('/sys/fs/cgroup/**/docker-%s.scope/memory.stat', 'anon'),
                                   ('/sys/fs/cgroup/memory/**/%s/memory.stat', 'total_rss'),
                                   ('/sys/fs/cgroup/**/%s/memory.stat', 'anon')), 'memory.stat')


def cgroup_cpu_usage_file(container):
    """The container's CPU time counter: cgroup v1 cpuacct.usage (ns) or v2 cpu.stat usage_usec."""
    return cgroup_file(container, (('/sys/fs/cgroup/cpuacct/**/%s/cpuacct.usage', None),
                                   ('/sys/fs/cgroup/**/docker-%s.scope/cpu.stat', 'usage_usec'),
                                   ('/sys/fs/cgroup/**/%s/cpu.stat', 'usage_usec')), 'CPU accounting')


def cpu_seconds(path, key):
    with open(path) as handle:
        if key is None:
            return int(handle.read()) / 1e9
        for line in handle:
            field, _sep, value = line.partition(' ')
            if field == key:
                return int(value) / 1e6
    return 0.0


def settle(containers, quiet=0.05, window=2.0, limit=None):
    """Wait until every container is idle (under `quiet` of a core over `window` seconds) with the same Gateway
    running at both ends of the window; after `limit` seconds (by default 60 per container, at least 180),
    measure anyway and say so.

    A converge or a patch leaves the Gateway restarting or reloading for tens of seconds; a run
    measured then would be timed against that, not against the machine. OpenClaw's own restart (after a patch)
    leaves the unit idle for the seconds systemd waits before starting it again: quiet, but no Gateway.
    The Gateways of a new fleet start together on the machine's cores: four settled after 91 s, and eight
    were still starting after 180 s (2 cores), so the limit grows with the fleet.
    """
    if limit is None:
        limit = max(180, 60 * len(containers))
    counters = [cgroup_cpu_usage_file(container) for container in containers]
    began = time.monotonic()
    while True:
        gateways = [running_gateway(container) for container in containers]
        before = [cpu_seconds(*counter) for counter in counters]
        time.sleep(window)
        busy = [cpu_seconds(*counter) - first for counter, first in zip(counters, before)]
        unsteady = [container for container, pid in zip(containers, gateways)
                    if not (pid and running_gateway(container) == pid)]
        if max(busy) <= quiet * window and not unsteady:
            return round(time.monotonic() - began, 1)
        if time.monotonic() - began > limit:
            log('containers not settled after %d s (%s CPU seconds per %.0f s; Gateway %s): measuring anyway'
                % (limit, ', '.join('%.2f' % b for b in busy), window,
                   'not running or restarted in the window in %s (its journal says why)' % ', '.join(unsteady)
                   if unsteady else 'running'))
            return round(time.monotonic() - began, 1)


def running_gateway(container):
    """The Gateway unit's main PID while systemd says it runs, else None."""
    shown = docker_exec(container, ['systemctl', 'show', '-p', 'ActiveState,SubState,MainPID', 'openclaw-gateway'],
                        check=False).stdout
    state = dict(line.partition('=')[::2] for line in shown.splitlines())
    running = state.get('ActiveState') == 'active' and state.get('SubState') == 'running'
    return state.get('MainPID') if running and state.get('MainPID', '0') != '0' else None


class Fleet:
    """N containers from the OpenClaw test image and an inventory for them."""

    def __init__(self, size, image, workdir):
        self.size, self.image = size, image
        self.names = ['bench-%d' % i for i in range(1, size + 1)]
        self.containers = [PREFIX + name for name in self.names]
        self.inventory = os.path.join(workdir, 'inventory-%d' % size)

    def start(self):
        self.stop()
        for name, container in zip(self.names, self.containers):
            run(['docker', 'run', '-d', '--name', container, '--hostname', name,
                 '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PACCT',
                 '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
                 '--cgroupns=host', '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw',
                 '--tmpfs', '/run', '--tmpfs', '/run/lock', '--tmpfs', '/tmp', '--network', 'none', self.image])
            run(['docker', 'cp', os.path.join(BENCH, 'pacct.py'), '%s:%s' % (container, PACCT_BIN)])
        os.makedirs(os.path.join(self.inventory, 'host_vars'), exist_ok=True)
        hosts = {name: {'ansible_host': container} for name, container in zip(self.names, self.containers)}
        inventory = {'openclaw_hosts': {'children': {'bench': {'hosts': hosts}}, 'vars': {
            'ansible_connection': 'community.docker.docker', 'ansible_python_interpreter': '/usr/bin/python3',
            'ansible_user': 'root',
            # Eight Gateways restarting at once on two cores: the last one listened after more than the
            # default 120 s (measured), and the apply step rolled it back. Each real host has its own CPU.
            'openclaw_service_health_timeout': 600}}}
        with open(os.path.join(self.inventory, 'hosts.yml'), 'w') as handle:
            yaml.safe_dump(inventory, handle)
        # The demo containers' waivers (no Docker engine for the sandbox) hold for these containers too.
        os.makedirs(os.path.join(self.inventory, 'group_vars'), exist_ok=True)
        shutil.copy(os.path.join(REPO, 'inventories', 'demo', 'group_vars', 'openclaw_hosts.yml'),
                    os.path.join(self.inventory, 'group_vars', 'openclaw_hosts.yml'))
        laptop = os.path.join(REPO, 'inventories', 'example', 'host_vars', 'laptop.yml')
        for name in self.names:
            shutil.copy(laptop, os.path.join(self.inventory, 'host_vars', name + '.yml'))
        self.prepare()

    def prepare(self, limit=None):
        self.playbook(os.path.join(BENCH, 'prepare.yml'), limit=limit)

    def stop(self):
        for container in self.containers:
            run(['docker', 'rm', '-f', container], check=False)

    def ansible_args(self, limit=None):
        return ['-i', os.path.join(REPO, 'inventories', 'example'), '-i', self.inventory,
                '--vault-password-file', VAULT, '--limit', limit or 'bench', '--forks', str(self.size)]

    def playbook(self, path, *extra, limit=None):
        result = run(['ansible-playbook'] + self.ansible_args(limit) + list(extra) + [path], env=ansible_env(),
                     check=False)
        if result.returncode != 0:
            raise SystemExit('%s failed (%d):\n%s' % (path, result.returncode, failures(result)))
        return result


def gateway_pids(container):
    """The running Gateway's PID and its live descendants' in the container (none when it is not running): the
    workers they start are not the run's."""
    main_pid = running_gateway(container)
    if not main_pid:
        return []
    listed = docker_exec(container, ['python3', PACCT_BIN, 'tree', main_pid], check=False)
    return [int(pid) for pid in listed.stdout.split() if pid.isdigit()] or [int(main_pid)]


def failures(result):
    """The failed tasks of a run with the JSON callback, one line each, else the end of its output."""
    try:
        # Warnings may come before the JSON document.
        report = json.loads(result.stdout[result.stdout.index('{'):])
    except ValueError:
        return (result.stdout + result.stderr)[-3000:]
    lines = ['%s on %s: %s' % (task['task']['name'], host, outcome.get('msg', ''))
             for play in report.get('plays', []) for task in play['tasks']
             for host, outcome in task['hosts'].items() if outcome.get('failed') and not outcome.get('ignore_errors')]
    unreachable = ['%s unreachable' % host for host, stats in report.get('stats', {}).items() if stats.get('unreachable')]
    return '\n'.join(lines + unreachable) or result.stderr[-3000:]


def ansible_env():
    env = dict(os.environ)
    env.pop('ANSIBLE_CALLBACKS_ENABLED', None)
    env.update(ANSIBLE_PIPELINING='true', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    return env


def measured(containers, action):
    """Once the containers are idle, run ``action`` with process accounting on and memory sampled: seconds,
    Node starts and peak MB per host."""
    waited = settle(containers)
    gateways = {}
    for container in containers:
        gateways[container] = gateway_pids(container)
        docker_exec(container, ['python3', PACCT_BIN, 'on', PACCT_FILE])
    sampler = MemorySampler(containers)
    sampler.start()
    wall_clock = time.time()
    began = time.monotonic()
    try:
        outcome = action()
    finally:
        seconds = time.monotonic() - began
        peak = sampler.stop()
        for container in containers:
            docker_exec(container, ['python3', PACCT_BIN, 'off'], check=False)
    starts, names, own = {}, {}, {}
    for container in containers:
        counted = json.loads(docker_exec(container, ['python3', PACCT_BIN, 'count', PACCT_FILE]
                                         + [str(pid) for pid in gateways[container]]).stdout)
        names[container] = {name: n for name, n in counted['started'].items() if NODE_NAMES.match(name)}
        starts[container] = sum(names[container].values())
        own[container] = counted['children_of']
    boots = {container: started_and_listened(container, wall_clock) for container in containers}
    return {'seconds': round(seconds, 2), 'settled_after': waited, 'node_starts': starts, 'node_processes': names,
            'gateway_own_children': own, 'gateway_boots': boots,
            'peak_mb': {c: round(b / 2 ** 20) for c, b in peak.items()}, 'outcome': outcome}


def gateway_boots(journal):
    """Seconds from each start of the Gateway's unit to its port listening, from `journalctl -o short-unix`.

    The Gateway's start on the hardened config takes 19 to 32 s on these containers from one restart to the next
    (OpenClaw loading its plugins), more than the rest of a 1-host converge; a ratio of two runs that each restart
    it is read against these.
    """
    boots, started = [], None
    for line in journal.splitlines():
        stamp, _sep, text = line.partition(' ')
        if GATEWAY_STARTED in text:
            started = float(stamp)
            boots.append(None)
        elif GATEWAY_LISTENING in text and started is not None:
            boots[-1] = round(float(stamp) - started, 1)
            started = None
    return boots


def started_and_listened(container, since, attempts=20, pause=time.sleep):
    """gateway_boots() of the container's journal since ``since``; a start not listening yet is None.

    The port listens a moment before OpenClaw's line saying so is in the journal, and a run that ends on the port
    (the restart rows) is read in that moment: the journal is read again, for up to ten seconds.
    """
    for _attempt in range(attempts):
        boots = gateway_boots(docker_exec(container, ['journalctl', '-u', 'openclaw-gateway', '--since',
                                                      '@%d' % int(since), '--no-pager', '-o', 'short-unix'],
                                          check=False).stdout)
        if not boots or boots[-1] is not None:
            break
        pause(0.5)
    return boots


def role_tasks(tasks):
    """The tasks that run a role, in the order the play runs them, blocks (and their rescue and always) included."""
    for task in tasks:
        if 'ansible.builtin.import_role' in task or 'ansible.builtin.include_role' in task:
            yield task
        for section in ('block', 'rescue', 'always'):
            yield from role_tasks(task.get(section, []))


def floor_playbook(workdir):
    """harden.yml's fact gathering and one stat per role it runs: its module round trips, doing nothing."""
    with open(os.path.join(REPO, 'playbooks', 'harden.yml')) as handle:
        play = yaml.safe_load(handle)[0]
    roles = [task for section in ('pre_tasks', 'tasks', 'post_tasks') for task in role_tasks(play.get(section, []))]
    floor = [{'name': 'The floor: %d module round trips per host' % len(roles), 'hosts': 'openclaw_hosts',
              'gather_facts': play.get('gather_facts', True), 'gather_subset': play.get('gather_subset', ['all']),
              'tasks': [{'name': 'Round trip %d (%s)' % (i, task['name']), 'ansible.builtin.stat': {'path': '/'}}
                        for i, task in enumerate(roles, 1)]}]
    path = os.path.join(workdir, 'floor.yml')
    with open(path, 'w') as handle:
        yaml.safe_dump(floor, handle, sort_keys=False)
    return path, len(roles)


def read_config(container):
    return json.loads(docker_exec(container, ['cat', STATE + '/openclaw.json']).stdout)


def leaf_changes(before, after, path=()):
    """(segments, value) to set and (segments, None) to remove, meta excluded: changed leaves, and new or
    removed keys whole."""
    if path == ('meta',):
        return []
    if is_secret_ref(before) or is_secret_ref(after):
        # A SecretRef is one value: set piecewise, its halves fail validation (by hand, too).
        return [] if before == after else [(path, after)]
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in sorted(set(before) | set(after)):
            if key not in after:
                changes.append((path + (key,), None))
            elif key not in before:
                # A new object (a SecretRef, a section) is set whole: fewer calls than by hand, never more.
                changes.append((path + (key,), after[key]))
            else:
                changes.extend(leaf_changes(before[key], after[key], path + (key,)))
        return changes
    return [] if before == after else [(path, after)]


def is_secret_ref(value):
    return isinstance(value, dict) and {'source', 'id'} <= set(value)


def cli_path(segments):
    text = ''
    for segment in segments:
        if re.match(r'^[A-Za-z_][A-Za-z0-9_-]*$', segment):
            text += ('.' if text else '') + segment
        else:
            text += '[%s]' % json.dumps(segment)
    return text


def merge_patch(changes):
    patch = {}
    for segments, value in changes:
        node = patch
        for segment in segments[:-1]:
            node = node.setdefault(segment, {})
        node[segments[-1]] = value
    return patch


def restart_gateway(container):
    """Restart the Gateway and wait for its port: whether it listens (True, or the journal's last lines), what
    its journal says about the restart (restart_troubles()) and whether openclaw.json changed after the restart
    began (the Gateway that listens then runs on the file from before)."""
    began = time.time()
    docker_exec(container, ['systemctl', 'restart', 'openclaw-gateway'])
    deadline = time.monotonic() + 180
    listening = None
    while time.monotonic() < deadline:
        if docker_exec(container, ['ss', '-Hltn', 'sport = :%d' % PORT], check=False).stdout.strip():
            listening = True
            break
        time.sleep(0.25)
    journal = docker_exec(container, ['journalctl', '-u', 'openclaw-gateway', '--since', '@%d' % int(began),
                                      '--no-pager', '-o', 'cat'], check=False).stdout
    if listening is None:
        listening = 'not listening after 180 s: ' + journal[-1500:]
    written = float(docker_exec(container, ['stat', '-c', '%.9Y', STATE + '/openclaw.json']).stdout)
    return dict(restart_troubles(journal), gateway=listening, config_written_after_restart=written > began)


def restart_troubles(journal):
    """What the Gateway's log since a restart says kept it from costing what a host's restart costs.

    stalled_shutdown: its shutdown waited until OpenClaw's deadline (about 85 s under systemd). Seen on these
    containers with Telegram enabled and no network: a channel that does not stop after its abort keeps the old
    process until the deadline, and the restart measures that wait, not the way by hand.
    channels_suppressed: OpenClaw's restart-loop breaker started the Gateway without its channels.
    """
    return {'stalled_shutdown': SHUTDOWN_DEADLINE in journal, 'channels_suppressed': BREAKER_TRIPPED in journal}


def unusual(outcome):
    """Why a restart did not cost what a host's restart costs, or None (also for a run that restarted nothing)."""
    if not isinstance(outcome, dict):
        return None
    if outcome.get('stalled_shutdown'):
        return "stalled at OpenClaw's shutdown deadline"
    if outcome.get('channels_suppressed'):
        return "started without its channels (OpenClaw's restart-loop breaker)"
    if outcome.get('config_written_after_restart'):
        # The port then says nothing about the new settings: OpenClaw applies them with a restart of its own later.
        return 'listened on the openclaw.json from before (the file was written after the restart began)'
    return None


def measured_again_if_unusual(containers, setup, action, what, pause=time.sleep):
    """measured(action) after setup(); once more when the restart in it was unusual (see unusual()).

    The seconds of an unusual attempt stay in the result (unusual_attempts); a second one is kept and shown as
    such in the table, never taken for the way's usual cost. Before measuring again after the breaker tripped,
    its window passes, so that the boots of the runs before no longer count.
    """
    unusual_seconds = []
    while True:
        setup()
        result = measured(containers, action)
        why = unusual(result['outcome'])
        if not why or len(unusual_seconds) == 1:
            break
        unusual_seconds.append(result['seconds'])
        log('%s: the Gateway %s (%.1f s); measuring again' % (what, why, result['seconds']))
        if result['outcome'].get('channels_suppressed'):
            pause(BREAKER_WINDOW)
    result['unusual_attempts'] = unusual_seconds
    return result


def by_hand(fleet, changes):
    """The naive way, config patch and the restart on the fleet's first host, each from the unsafe config."""
    container, results = fleet.containers[0], {}

    def unsafe():
        fleet.prepare(limit=fleet.names[0])

    def naive():
        failed = []
        for segments, value in changes:
            argv = (['openclaw', 'config', 'unset', cli_path(segments)] if value is None else
                    ['openclaw', 'config', 'set', cli_path(segments), json.dumps(value), '--strict-json'])
            result = docker_exec(container, argv, user='openclaw', check=False)
            if result.returncode != 0:
                # The path and OpenClaw's last words, never the value set.
                failed.append('%s: %s' % (cli_path(segments), (result.stderr or result.stdout).strip()[-300:]))
        return dict(restart_gateway(container), calls=len(changes), failed_calls=failed)

    log('naive: %d openclaw config set/unset calls on %s' % (len(changes), fleet.names[0]))
    results['naive'] = measured_again_if_unusual([container], unsafe, naive, 'naive')

    patch = json.dumps(merge_patch(changes))
    # Through a file only root and the OpenClaw user read (it may hold SecretRefs, never values).
    run(['docker', 'exec', '-i', container, 'install', '-m', '0600', '-o', 'openclaw', '/dev/stdin', '/tmp/bench.patch.json'],
        input=patch)

    def patch_once():
        result = docker_exec(container, ['openclaw', 'config', 'patch', '--file', '/tmp/bench.patch.json'],
                             user='openclaw', check=False)
        outcome = {'rc': result.returncode}
        if result.returncode != 0:
            # OpenClaw's last words name paths, not values: the patch holds SecretRefs only.
            outcome['error'] = (result.stderr or result.stdout).strip()[-300:]
        return outcome

    log('config patch on the unsafe config, the restart on its own, then the same patch again')
    unsafe()
    results['patch_changed'] = measured([container], patch_once)
    results['restart'] = measured_again_if_unusual([container], lambda: None, lambda: restart_gateway(container), 'restart')
    results['patch_unchanged'] = measured([container], patch_once)

    def patch_then_restart():
        patched = patch_once()
        return dict(restart_gateway(container), patch=patched)

    # As typed by hand: the restart right after the patch, while the Gateway may be evaluating the new file.
    log('config patch on the unsafe config, then the restart at once')
    results['patch_restart'] = measured_again_if_unusual([container], unsafe, patch_then_restart, 'patch_restart')
    docker_exec(container, ['rm', '-f', '/tmp/bench.patch.json'])
    return results


def playbook_run(fleet, path, *extra):
    def action():
        result = run(['ansible-playbook'] + fleet.ansible_args() + list(extra) + [path], env=ansible_env(), check=False)
        try:
            report = json.loads(result.stdout)
        except ValueError:
            raise SystemExit('%s did not finish (%d): %s' % (path, result.returncode, result.stderr[-3000:]))
        if result.returncode != 0:
            raise SystemExit('%s failed (%d): %s\n%s' % (path, result.returncode, json.dumps(report['stats']),
                                                         failures(result)))
        return {'changed': {host: stats['changed'] for host, stats in report['stats'].items()}, 'report': report}
    return measured(fleet.containers, action)


def bench_fleet(size, image, workdir, with_by_hand, keep=False):
    fleet = Fleet(size, image, workdir)
    harden = os.path.join(REPO, 'playbooks', 'harden.yml')
    floor, round_trips = floor_playbook(workdir)
    runs = {}
    try:
        log('%d host(s): starting the containers and making them unsafe' % size)
        fleet.start()
        first = fleet.containers[0]
        unsafe = read_config(first)
        for kind, extra in (('converge', ()), ('idempotent', ()), ('check', ('--check', '--diff'))):
            log('%d host(s): %s' % (size, kind))
            runs[kind] = playbook_run(fleet, harden, *extra)
        hardened = read_config(first)
        log('%d host(s): floor (%d round trips) and ping' % (size, round_trips))
        runs['floor'] = playbook_run(fleet, floor)

        def ping():
            run(['ansible', 'openclaw_hosts', '-m', 'ansible.builtin.ping'] + fleet.ansible_args(), env=ansible_env())
        runs['ping'] = measured(fleet.containers, ping)
        changes = leaf_changes(unsafe, hardened)
        if with_by_hand:
            runs.update(by_hand(fleet, changes))
    finally:
        if not keep:
            fleet.stop()
    for result in runs.values():
        if isinstance(result.get('outcome'), dict):
            result['outcome'].pop('report', None)
    return {'hosts': size, 'round_trips': round_trips, 'settings_changed': len(changes), 'runs': runs}


def per_host(result, key):
    values = list(result[key].values())
    return max(values) if values else 0


def table(results, machine):
    lines = ['Machine: %s' % machine, '',
             '| hosts | run | seconds | Node starts per host (max) | peak MB per host (max) | changed per host (max) '
             '| Gateway start to listening, s (first host) |',
             '|---|---|---|---|---|---|---|']
    for fleet in results:
        for kind, result in fleet['runs'].items():
            changed = result['outcome'].get('changed', {}) if isinstance(result.get('outcome'), dict) else {}
            lines.append('| %d | %s | %s | %d | %d | %s | %s |' % (
                fleet['hosts'], kind, seconds_cell(result), per_host(result, 'node_starts'),
                per_host(result, 'peak_mb'), max(changed.values()) if changed else '',
                ', '.join('%.1f' % boot for boot in first_host_boots(result))))
    lines += ['', '| ratio | value | target |', '|---|---|---|']
    by_size = {fleet['hosts']: fleet['runs'] for fleet in results}
    ratios = []
    for size, runs in sorted(by_size.items()):
        floor = runs['floor']['seconds']
        ratios.append(('idempotent / floor (%d hosts)' % size, runs['idempotent']['seconds'] / floor, '<= 1.5'))
        ratios.append(('check / floor (%d hosts)' % size, runs['check']['seconds'] / floor, '<= 1.5'))
    if 1 in by_size and 8 in by_size:
        for kind in ('converge', 'idempotent', 'check'):
            ratios.append(('8 hosts / 1 host, %s' % kind, by_size[8][kind]['seconds'] / by_size[1][kind]['seconds'],
                           '<= 3'))
    one = by_size.get(min(by_size))
    if one and 'naive' in one:
        converge = one['converge']['seconds']
        ratios += [('naive / converge', one['naive']['seconds'] / converge, judged(one['naive'], '>= 10')),
                   ('config patch / converge', one['patch_changed']['seconds'] / converge, ''),
                   ('(config patch, then restart) / converge', one['patch_restart']['seconds'] / converge,
                    judged(one['patch_restart'], '>= 1')),
                   ('the same, less the Gateway starts in each', beside_boots(one['patch_restart'])
                    / beside_boots(one['converge']), ''),
                   ('config patch (unchanged) / idempotent', one['patch_unchanged']['seconds'] / one['idempotent']['seconds'],
                    '')]
    lines += ['| %s | %.2f | %s |' % ratio for ratio in ratios]
    return '\n'.join(lines)


def first_host_boots(result):
    """The first host's Gateway starts that listened in the run (seconds each)."""
    boots = result.get('gateway_boots') or {}
    return [boot for boot in boots[sorted(boots)[0]] if boot is not None] if boots else []


def beside_boots(result):
    """A run's seconds less its Gateway's starts (first host): what it cost besides OpenClaw's boot."""
    return result['seconds'] - sum(first_host_boots(result))


def seconds_cell(result):
    unusual_seconds = ['%.1f' % seconds for seconds in result.get('unusual_attempts', [])]
    cell = '%.1f' % result['seconds']
    why = unusual(result.get('outcome'))
    if why:
        cell += ', ' + why
    if unusual_seconds:
        cell += ' (measured again after an unusual restart: %s)' % ', '.join(unusual_seconds)
    return cell


def judged(result, target):
    """The target, or why the ratio says nothing about it: a restart unusual twice (see unusual())."""
    if unusual(result.get('outcome')):
        return 'not judged: %s (the restart was unusual twice)' % target
    return target


def machine_description():
    cpu = run(['sh', '-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], check=False).stdout.strip()
    memory = run(['sh', '-c', "awk '/MemTotal/ {printf \"%.0f GB\", $2/1048576}' /proc/meminfo"], check=False).stdout
    return '%d cores (%s), %s RAM, kernel %s, Docker %s' % (
        os.cpu_count(), cpu or 'unknown CPU', memory.strip(), os.uname().release,
        run(['docker', 'version', '-f', '{{.Server.Version}}'], check=False).stdout.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--hosts', default='1,4,8', help='fleet sizes, comma separated (default 1,4,8)')
    parser.add_argument('--image', required=True, help='the OpenClaw test image (scripts/lib.sh test_image_tag)')
    parser.add_argument('--out', default=os.path.join(BENCH, 'results'))
    parser.add_argument('--keep', action='store_true',
                        help='leave the containers running and their inventory in place (to look at them)')
    args = parser.parse_args()
    sizes = [int(size) for size in args.hosts.split(',')]
    os.makedirs(args.out, exist_ok=True)
    results = []
    stamp = time.strftime('%Y%m%dT%H%M%S')
    workdir = tempfile.mkdtemp(prefix='clawfleet-bench-')
    try:
        for size in sizes:
            results.append(bench_fleet(size, args.image, workdir, with_by_hand=size == min(sizes), keep=args.keep))
            # A fleet that fails later must not take these figures with it.
            save(results, args.out, stamp)
    finally:
        if args.keep:
            log('containers kept; inventory in %s (ansible-playbook -i inventories/example -i %s/inventory-N '
                '--vault-password-file %s ...)' % (workdir, workdir, VAULT))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(save(results, args.out, stamp))


def save(results, out, stamp):
    """Write the results so far (JSON and the Markdown table); returns the table."""
    machine = machine_description()
    text = table(results, machine)
    with open(os.path.join(out, 'bench-%s.json' % stamp), 'w') as handle:
        json.dump({'machine': machine, 'results': results}, handle, indent=2)
    with open(os.path.join(out, 'bench-%s.md' % stamp), 'w') as handle:
        handle.write(text + '\n')
    return text


if __name__ == '__main__':
    main()
