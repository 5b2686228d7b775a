"""The collection needs nothing outside ansible-core: requirements.yml, galaxy.yml and the
execution environment metadata say so, and the roles, playbooks and plugins keep it true."""
import ast
import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OWN = ('ansible.builtin.', 'clawfleet.openclaw.')
FQCN_KEY = re.compile(r'^[a-z_][a-z0-9_]*\.[a-z0-9_]+\.[a-z0-9_]+$')
JINJA_FQCN = re.compile(r"(?:\|\s*|lookup\(\s*['\"]|query\(\s*['\"]|is\s+)([a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+)")


def yaml_files():
    for top in ('roles', 'playbooks'):
        for folder, _dirs, files in os.walk(os.path.join(REPO, top)):
            for name in files:
                if name.endswith(('.yml', '.yaml')):
                    yield os.path.join(folder, name)


def walk(node):
    """(is a key, text) for every key and string in a YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield True, str(key)
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif isinstance(node, str):
        yield False, node


def test_roles_and_playbooks_use_only_ansible_builtin_and_the_collection():
    foreign = []
    for path in yaml_files():
        with open(path) as handle:
            text = handle.read()
        for is_key, item in walk(yaml.safe_load(text)):
            # A task's action is a key; filters, tests and lookups sit in Jinja strings.
            names = [item] if is_key and FQCN_KEY.match(item) else []
            names += JINJA_FQCN.findall(item)
            foreign += ['%s: %s' % (os.path.relpath(path, REPO), name) for name in names if not name.startswith(OWN)]
    assert not foreign, 'content outside ansible.builtin: %s' % foreign


def test_plugins_import_only_the_standard_library_and_ansible():
    foreign = []
    for folder, _dirs, files in os.walk(os.path.join(REPO, 'plugins')):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            with open(path) as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split('.')[0]
                    if top not in sys.stdlib_module_names and top not in ('ansible', 'ansible_collections'):
                        foreign.append('%s: %s' % (os.path.relpath(path, REPO), module))
                    if top == 'ansible_collections' and not module.startswith('ansible_collections.clawfleet.openclaw.'):
                        foreign.append('%s: %s' % (os.path.relpath(path, REPO), module))
    assert not foreign, 'imports from outside the standard library and ansible-core: %s' % foreign


def test_requirements_galaxy_and_execution_environment_declare_nothing_to_install():
    with open(os.path.join(REPO, 'requirements.yml')) as handle:
        assert yaml.safe_load(handle) == {'collections': []}
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        assert not yaml.safe_load(handle).get('dependencies')
    with open(os.path.join(REPO, 'meta', 'execution-environment.yml')) as handle:
        ee = yaml.safe_load(handle)['dependencies']
    for kind in ('python', 'system'):
        with open(os.path.join(REPO, ee[kind])) as handle:
            lines = [line for line in handle if line.strip() and not line.lstrip().startswith('#')]
        assert lines == [], '%s lists %s' % (ee[kind], lines)
