"""Node's compile cache of the Gateway outlives the unit's private /tmp: shared by the system and the user unit's
tests."""
import refusing_gateway


def check_the_gateway_keeps_its_compile_cache(host, hostname, user, cache_folder, systemctl, scope):
    """After a restart, the unit's cache folder holds the code Node compiled for the Gateway (only the Gateway
    writes there: the CLI keeps its cache under the host's /tmp), private to the OpenClaw user. ``systemctl(args)``
    runs ``systemctl [--user] args`` for the unit's manager."""
    folder = host.file(cache_folder)
    assert folder.is_directory and folder.user == user and folder.mode == 0o700, cache_folder
    restarted = systemctl('restart openclaw-gateway.service')
    assert restarted.rc == 0, restarted.stderr
    run, _took = refusing_gateway.listen_check(hostname, user, {
        'port': refusing_gateway.PORT, 'expect': 'listening', 'wait_timeout': 180, 'service': 'openclaw-gateway',
        'service_scope': scope})
    assert run.returncode == 0, 'the Gateway did not listen within 180 s of its restart: ' + run.stdout + run.stderr
    listed = host.run('find %s -type f -user %s -size +0' % (cache_folder, user))
    assert listed.rc == 0 and len(listed.stdout.split()) >= 10, listed.stdout + listed.stderr


def check_an_upgrade_leaves_only_the_running_version_cached(host, cache_folder, version):
    """OpenClaw keys its compile cache by version (``openclaw/<version>/<install marker>``): after the upgrade
    from 2026.6.5, whose Gateway ran under this unit since the converge, only the running version's folder is
    left."""
    listed = host.run('ls -1 %s/openclaw' % cache_folder)
    assert listed.rc == 0, listed.stderr
    assert listed.stdout.split() == [version], listed.stdout
