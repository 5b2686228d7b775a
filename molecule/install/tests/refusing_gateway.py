"""A Gateway that refuses to start, for the unit tests of both kinds of unit.

OpenClaw exits 78 when it will not start until ``openclaw doctor --fix`` has run
(an openclaw.json it cannot load; startup migrations that did not finish on a
host too busy to start it in time). The install role's unit, like OpenClaw's
own, does not restart it on 78 (``RestartPreventExitStatus=78``). The config
role's health check (``listen_check`` with ``service``) then stops waiting for
the port a few seconds after the Gateway has stopped, and says how it ended,
instead of waiting out ``openclaw_service_health_timeout``.

Here the refusal is made the one certain way: a key OpenClaw's schema does not
know, written into openclaw.json behind the collection's back.
"""
import json
import os
import shlex
import subprocess
import time

PORT = 18789
WAIT = 300
BREAK = ('import json, sys; p = sys.argv[1]; c = json.load(open(p)); '
         'c.setdefault("gateway", {})["clawfleetUnknownKey"] = 1; json.dump(c, open(p, "w"))')


def listen_check(hostname, user, args):
    """Run listen_check on ``hostname`` as ``user``, as the config role does; returns the run and its seconds."""
    started = time.monotonic()
    run = subprocess.run(
        ['ansible', hostname, '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-m', 'clawfleet.openclaw.listen_check',
         '--become', '--become-user', user, '-a', json.dumps(args)],
        capture_output=True, text=True, timeout=WAIT + 120, check=False)
    return run, time.monotonic() - started


def check_the_wait_ends_when_the_gateway_refuses_to_start(host, hostname, user, config, systemctl, scope):
    """``systemctl(args)`` runs ``systemctl [--user] args`` on the host for the unit's manager."""
    args = {'port': PORT, 'expect': 'listening', 'wait_timeout': WAIT, 'service': 'openclaw-gateway',
            'service_scope': scope}
    saved = config + '.clawfleet-test'
    assert host.run('cp -p %s %s' % (config, saved)).rc == 0
    try:
        broken = host.run('runuser -u %s -- python3 -c %s %s' % (user, shlex.quote(BREAK), config))
        assert broken.rc == 0, broken.stderr
        assert systemctl('restart openclaw-gateway.service').rc == 0
        run, took = listen_check(hostname, user, args)
        output = run.stdout + run.stderr
        assert run.returncode != 0, output
        assert 'openclaw-gateway.service stopped and systemd will not start it again' in output, output
        assert 'its main process exited with status 78' in output and 'openclaw doctor --fix' in output, output
        assert '"ExecMainStatus": "78"' in output, output
        assert 'after waiting %d s' % WAIT not in output, output
        assert took < WAIT / 2, 'waited %.0f s for a Gateway that had stopped' % took
        # systemd keeps it down, as OpenClaw's own unit does.
        shown = systemctl('show -p ActiveState -p ExecMainStatus openclaw-gateway.service').stdout
        assert sorted(shown.split()) == ['ActiveState=failed', 'ExecMainStatus=78'], shown
    finally:
        host.run('cp -p %s %s && rm -f %s' % (saved, config, saved))
        systemctl('reset-failed openclaw-gateway.service')
        systemctl('start openclaw-gateway.service')
    # On its own file again, the same check waits through the whole start and passes: a start is not a stop.
    run, took = listen_check(hostname, user, args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"held_by_service": true' in run.stdout, run.stdout
