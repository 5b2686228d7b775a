"""Node's compile cache of the Gateway outlives the unit's private /tmp: shared by the system and the user unit's
tests."""


def check_the_gateway_keeps_its_compile_cache(host, cache_folder, owner, restart):
    """After a restart, the unit's cache folder holds the code Node compiled for the Gateway (only the Gateway
    writes there: the CLI keeps its cache under the host's /tmp), private to the OpenClaw user."""
    folder = host.file(cache_folder)
    assert folder.is_directory and folder.user == owner and folder.mode == 0o700, cache_folder
    restarted = restart()
    assert restarted.rc == 0, restarted.stderr
    for _attempt in range(180):
        if host.run('ss -Hltn sport = :18789').stdout.strip():
            break
        host.run('sleep 1')
    else:
        raise AssertionError('the Gateway did not listen within 180 s of its restart')
    listed = host.run('find %s -type f -user %s -size +0' % (cache_folder, owner))
    assert listed.rc == 0 and len(listed.stdout.split()) >= 10, listed.stdout + listed.stderr
