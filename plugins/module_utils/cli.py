# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one runner for the ``openclaw`` CLI, and the facts that need no Node start.

Every module that talks to OpenClaw goes through :class:`OpenClawCLI`: it finds
the binary, runs it with an argument list (never a shell string), ``LC_ALL=C``,
the right ``HOME`` / ``OPENCLAW_CONFIG_PATH`` and a hard timeout, parses JSON
output and turns failures into messages that say what to do.

The installed version is read from the package's ``package.json`` so that a
no-change run never starts Node.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import pwd

DEFAULT_TIMEOUT = 120
# Exit status of coreutils' timeout(1) when the limit was hit.
TIMEOUT_RC = 124

BINARY_CANDIDATES = (
    '/usr/local/bin/openclaw',
    '/usr/bin/openclaw',
    '/opt/openclaw/node_modules/.bin/openclaw',
)


class OpenClawCLIError(Exception):
    """A CLI call failed; ``str()`` is a message fit for ``fail_json``."""

    def __init__(self, msg, result=None):
        super(OpenClawCLIError, self).__init__(msg)
        self.result = result


class CLIResult(object):
    def __init__(self, cmd, rc, stdout, stderr, data=None):
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.data = data

    def as_dict(self):
        return {'cmd': self.cmd, 'rc': self.rc, 'stdout': self.stdout, 'stderr': self.stderr}


def host_argument_spec():
    """Options that say where OpenClaw lives on the host (documented by the ``host`` doc fragment)."""
    return dict(
        openclaw_bin=dict(type='path'),
        home=dict(type='path'),
        state_dir=dict(type='path'),
        config_path=dict(type='path'),
    )


def user_home(user):
    """Home folder of ``user`` (a name), or None if there is no such user."""
    try:
        return pwd.getpwnam(user).pw_dir
    except KeyError:
        return None


def current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


def parse_json_output(text):
    """Parse the JSON document in ``text``.

    OpenClaw prints the document on stdout but plugins sometimes log a line
    before it; take the first line that starts a JSON object or array.
    """
    text = (text or '').strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(('{', '[')):
            try:
                return json.loads('\n'.join(lines[index:]))
            except ValueError:
                continue
    return None


def find_binary(explicit=None, home=None, which=None):
    """Return the path of the ``openclaw`` executable.

    ``explicit`` wins when given; then ``PATH`` (through ``which``, usually
    ``module.get_bin_path``), then the user's npm prefix, then well-known places.
    """
    if explicit:
        return explicit if os.path.exists(explicit) else None
    if which is not None:
        found = which('openclaw')
        if found:
            return found
    candidates = list(BINARY_CANDIDATES)
    if home:
        candidates[:0] = [
            os.path.join(home, '.npm-global', 'bin', 'openclaw'),
            os.path.join(home, '.local', 'bin', 'openclaw'),
        ]
    for path in candidates:
        if os.path.exists(path):
            return path
    return None


def package_root(binary):
    """Folder of the ``openclaw`` npm package behind ``binary``, or None."""
    if not binary:
        return None
    path = os.path.realpath(binary)
    folder = os.path.dirname(path)
    # The bin entry is openclaw.mjs in the package root; a global install links
    # <prefix>/bin/openclaw to it, and a local one has node_modules/.bin/openclaw.
    candidates = [folder, os.path.join(folder, '..', 'openclaw'),
                  os.path.join(folder, '..', 'lib', 'node_modules', 'openclaw')]
    for dummy in range(4):
        candidates.append(folder)
        folder = os.path.dirname(folder)
    for candidate in candidates:
        manifest = os.path.join(candidate, 'package.json')
        if os.path.isfile(manifest):
            try:
                with open(manifest) as handle:
                    if json.load(handle).get('name') == 'openclaw':
                        return os.path.normpath(candidate)
            except (IOError, OSError, ValueError):
                continue
    return None


def package_version(binary):
    """Version of the installed OpenClaw from its ``package.json`` (no Node start)."""
    root = package_root(binary)
    if not root:
        return None
    with open(os.path.join(root, 'package.json')) as handle:
        return json.load(handle).get('version')


class OpenClawCLI(object):
    """Runs the openclaw CLI for one module invocation."""

    def __init__(self, module, binary=None, home=None, config_path=None,
                 state_dir=None, timeout=DEFAULT_TIMEOUT, environment=None):
        self.module = module
        self.home = home or os.environ.get('HOME') or user_home(current_user())
        self.binary = find_binary(binary, self.home, module.get_bin_path)
        self.config_path = config_path
        self.state_dir = state_dir
        self.timeout = timeout
        self.environment = dict(environment or {})
        self._version = None

    @property
    def version(self):
        if self._version is None and self.binary:
            self._version = package_version(self.binary)
        return self._version

    def require_binary(self):
        if not self.binary:
            self.module.fail_json(
                msg='openclaw executable not found. Install OpenClaw (role clawfleet.openclaw.install) '
                    'or set openclaw_bin to its path.')
        return self.binary

    def env(self, config_path=None, extra=None):
        env = {
            'LC_ALL': 'C',
            'LANG': 'C',
            'NO_COLOR': '1',
            'FORCE_COLOR': '0',
            'HOME': self.home,
            # Keeps the CLI from asking questions or opening a browser.
            'CI': '1',
        }
        config = config_path or self.config_path
        if config:
            env['OPENCLAW_CONFIG_PATH'] = config
        if self.state_dir:
            env['OPENCLAW_STATE_DIR'] = self.state_dir
        env.update(self.environment)
        if extra:
            env.update(extra)
        # Node is run by the CLI's shebang; make sure the folder it sits in is searched.
        node_dir = os.path.dirname(os.path.realpath(self.binary or ''))
        path = os.environ.get('PATH', '/usr/local/bin:/usr/bin:/bin')
        env['PATH'] = ':'.join(p for p in ('/usr/local/bin', path, node_dir) if p)
        return env

    def run(self, args, json_output=False, timeout=None, config_path=None, env=None,
            check=True, cwd=None, data=None):
        """Run ``openclaw <args>``; return a :class:`CLIResult`.

        With ``check`` a non-zero exit raises :class:`OpenClawCLIError`; a
        timeout always does. ``json_output`` parses stdout as JSON into
        ``result.data`` (None if it is not JSON).
        """
        binary = self.require_binary()
        limit = int(timeout or self.timeout)
        cmd = ['timeout', '--kill-after=10', str(limit), binary] + [str(a) for a in args]
        rc, out, err = self.module.run_command(
            cmd, environ_update=self.env(config_path, env), check_rc=False,
            cwd=cwd or self.home, data=data, expand_user_and_vars=False)
        shown = ['openclaw'] + [str(a) for a in args]
        result = CLIResult(shown, rc, out, err)
        if rc == TIMEOUT_RC or rc == 137:
            raise OpenClawCLIError(
                '`%s` did not finish within %d s and was stopped. Raise the timeout '
                '(module option timeout) if the host is slow.' % (' '.join(shown), limit), result)
        if json_output:
            result.data = parse_json_output(out)
        if check and rc != 0:
            detail = (err or out or '').strip().splitlines()
            raise OpenClawCLIError(
                '`%s` failed with exit code %d: %s' % (' '.join(shown), rc, ' | '.join(detail[-5:]) or 'no output'),
                result)
        return result
