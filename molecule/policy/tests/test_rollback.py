"""A change that breaks the Gateway is rolled back, and the play names it.

Also: a staged openclaw.json that cannot be put in place (``commit_missing.yml``:
the restart handler as the apply step leaves it, the staged file gone) leaves the
file as it was, starts the Gateway again on it, and fails naming why.

Runs the gateway role on its own (``gateway_alone.yml``: the role applies its
own fragment and restarts the Gateway, as when a user runs one role) on
policy-current, after the converge of every role, with a port another process
already holds: the config validates, the Gateway cannot serve on it, the port
check fails at once (the port is held, but not by the Gateway's unit), the
handler restores the previous openclaw.json, restarts the Gateway, and the play
fails naming `gateway.port` and the process that holds it.

Then the same broken change through ``playbooks/harden.yml``, which runs the
secrets gate and the backup while the Gateway starts and judges it after them:
the rollback also removes the archive made from the rejected file, and every
older archive is still there (the pruning waits for a healthy Gateway). Last,
a harden.yml run that is accepted prunes to openclaw_backups_keep after the
judgement.
"""
import json
import os
import re
import subprocess

import testinfra

from conftest import CONFIG, listeners

HOST = 'policy-current'
GOOD_PORT = 18789
TAKEN_PORT = 18999
BACKUPS = '/home/openclaw/backups/openclaw'


def run_with_the_port_taken(host, argv):
    """Run ``argv`` (a play that moves the Gateway to TAKEN_PORT) while another program holds that port."""
    blocker = host.run('systemd-run --unit clawfleet-port-blocker python3 -m http.server %d --bind 127.0.0.1'
                       % TAKEN_PORT)
    assert blocker.rc == 0, blocker.stderr
    try:
        run = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)
    finally:
        host.run('systemctl stop clawfleet-port-blocker')
    return run.stdout + run.stderr, run.returncode


def assert_back_on_the_previous_config(host, inventory, before):
    after = json.loads(host.file(CONFIG).content_string)
    assert after == before, 'the previous config was not restored'
    # The Gateway's own unit holds its previous port again, on loopback only.
    check = {'port': GOOD_PORT, 'expect': 'listening', 'wait_timeout': 90, 'service': 'openclaw-gateway'}
    back = subprocess.run(
        ['ansible', HOST, '-i', inventory, '-m', 'clawfleet.openclaw.listen_check', '--become',
         '--become-user', 'openclaw', '-a', json.dumps(check)],
        capture_output=True, text=True, timeout=150, check=False)
    assert back.returncode == 0, back.stdout + back.stderr
    assert '"held_by_service": true' in back.stdout, back.stdout
    assert set(listeners(host, GOOD_PORT)) <= {'127.0.0.1', '[::1]'}
    assert listeners(host, GOOD_PORT), 'the Gateway did not come back on its previous port'


def test_broken_change_is_rolled_back_and_named():
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    host = testinfra.get_host('ansible://%s?ansible_inventory=%s' % (HOST, inventory))
    before = json.loads(host.file(CONFIG).content_string)
    assert before['gateway']['port'] == GOOD_PORT

    output, returncode = run_with_the_port_taken(host, [
        'ansible-playbook', '-i', inventory, os.path.join(scenario, 'gateway_alone.yml'), '--limit', HOST,
        '-e', 'openclaw_gateway_port=%d' % TAKEN_PORT, '-e', 'openclaw_service_health_timeout=20'])
    assert returncode != 0, output
    assert 'was not healthy after the config change' in output, output
    assert 'gateway.port' in output, output
    assert 'previous openclaw.json was restored' in output, output
    # Found by the port check, from the socket's owner, before any CLI probe: the blocker runs as root,
    # whose sockets the OpenClaw user may not read, so it is named by its uid.
    assert 'Port %d is held by a process of uid 0 on 127.0.0.1, not by openclaw-gateway.service' % TAKEN_PORT \
        in output, output
    assert 'health check failed' not in output, output

    assert_back_on_the_previous_config(host, inventory, before)


def test_a_staged_file_that_cannot_go_in_leaves_the_gateway_running_on_the_old_one():
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    host = testinfra.get_host('ansible://%s?ansible_inventory=%s' % (HOST, inventory))
    before = host.file(CONFIG).content_string
    started_before = host.run('systemctl show -p ExecMainStartTimestampMonotonic --value openclaw-gateway').stdout
    run = subprocess.run(
        ['ansible-playbook', '-i', inventory, os.path.join(scenario, 'commit_missing.yml'), '--limit', HOST],
        capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert 'The new openclaw.json on %s could not be put in place' % HOST in output, output
    assert 'there is no staged file %s.clawfleet.staged' % CONFIG in output, output
    assert 'The Gateway was started again on the file it had' in output, output
    assert 'the settings of this run (gateway.bind) are not applied' in output, output
    assert 'was not healthy' not in output, output
    assert host.file(CONFIG).content_string == before
    assert not host.file(CONFIG + '.clawfleet.staged').exists
    # Stopped and started: a new main process, serving its port on loopback only.
    started_after = host.run('systemctl show -p ExecMainStartTimestampMonotonic --value openclaw-gateway').stdout
    assert started_after != started_before
    assert host.service('openclaw-gateway').is_running
    assert set(listeners(host, GOOD_PORT)) <= {'127.0.0.1', '[::1]'}
    assert listeners(host, GOOD_PORT), 'the Gateway is not serving its port again'


def archives(host):
    listing = host.run('ls -1 %s' % BACKUPS)
    return sorted(name for name in listing.stdout.split() if name.endswith('.tar.gz'))


def older_archives(host):
    """The archives in BACKUPS, after making two with OpenClaw's own backup and dating them days back when there
    are none (the policy roles make none): a run then makes a new one, and a prune has one to delete."""
    if not archives(host):
        for days in (3, 2):
            made = host.run('runuser -u openclaw -- env HOME=/home/openclaw sh -c "umask 077 && mkdir -p %s && '
                            'openclaw backup create --output %s --json"' % (BACKUPS, BACKUPS))
            assert made.rc == 0, made.stdout + made.stderr
            archive = json.loads(made.stdout[made.stdout.index('{'):])['archivePath']
            assert host.run('touch -d "%d days ago" %s' % (days, archive)).rc == 0
    return archives(host)


def test_harden_judges_the_gateway_after_the_backup_and_removes_the_archive_of_a_rejected_change():
    """playbooks/harden.yml backs up while the Gateway starts; a Gateway that is then not healthy gets the
    previous openclaw.json back, and the archive made from the rejected file goes too."""
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    host = testinfra.get_host('ansible://%s?ansible_inventory=%s' % (HOST, inventory))
    before = json.loads(host.file(CONFIG).content_string)
    archives_before = older_archives(host)
    # As many archives kept as there are: pruning with the new archive would delete the oldest.
    output, returncode = run_with_the_port_taken(host, [
        'ansible-playbook', '-i', inventory, os.path.join(scenario, '..', '..', 'playbooks', 'harden.yml'),
        '--limit', HOST, '-e', 'openclaw_gateway_port=%d' % TAKEN_PORT, '-e', 'openclaw_service_health_timeout=20',
        '-e', 'openclaw_backups_keep=%d' % len(archives_before), '-e', 'openclaw_backups_max_age_hours=0'])
    assert returncode != 0, output
    # The backup ran, and made a new archive, before the Gateway was judged.
    made = re.search(r'%s: new archive (%s/\S+\.tar\.gz), verified' % (HOST, BACKUPS), output)
    assert made, output
    assert output.index(made.group(0)) < output.index('was not healthy after the config change'), output
    assert 'The previous openclaw.json was restored from' in output, output
    assert 'Removed, as made from the rejected file: %s.' % made.group(1) in output, output
    assert 'Settings changed in this run:' in output and 'gateway.port' in output, output
    assert not host.file(made.group(1)).exists
    assert archives(host) == archives_before
    assert_back_on_the_previous_config(host, inventory, before)


def test_an_accepted_harden_keeps_the_newest_archives_after_the_judgement():
    """The same play, nothing broken, a new archive forced: pruned to openclaw_backups_keep once judged."""
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    host = testinfra.get_host('ansible://%s?ansible_inventory=%s' % (HOST, inventory))
    archives_before = older_archives(host)
    run = subprocess.run(
        ['ansible-playbook', '-i', inventory, os.path.join(scenario, '..', '..', 'playbooks', 'harden.yml'),
         '--limit', HOST, '-e', 'openclaw_backups_max_age_hours=0', '-e', 'openclaw_backups_keep=%d' % len(archives_before)],
        capture_output=True, text=True, timeout=900, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    made = re.search(r'%s: new archive (%s/\S+\.tar\.gz), verified' % (HOST, BACKUPS), output)
    assert made, output
    assert 'archive(s) for now, the newest %d kept once the play accepts the new one' % len(archives_before) in output
    assert output.index(made.group(0)) < output.index('Now that the new archive is accepted, keep the newest archives, '
                                                      'N = %d' % len(archives_before)), output
    assert archives(host) == sorted(archives_before[1:] + [os.path.basename(made.group(1))])
