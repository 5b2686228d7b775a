"""The call log that molecule/resources/openclaw-counted writes, read by every scenario's verify.

Each line is ``<UTC time> <arguments>``; each converge or check run starts with a
``=== run ... check=<bool>`` marker (resources/tasks/mark_run.yml).
"""

CALL_LOG = '/var/log/openclaw-calls/calls.log'


def run_segments(host):
    """Split the call log into runs: ``[(marker line, [arguments of each call])]``."""
    segments = []
    for line in host.file(CALL_LOG).content_string.splitlines():
        if line.startswith('=== run'):
            segments.append((line, []))
        elif segments:
            segments[-1][1].append(line.split(' ', 1)[-1])
    return segments
