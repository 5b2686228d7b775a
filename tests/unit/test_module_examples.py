"""Every module's EXAMPLES can run as written: each task of the module passes only documented options,
all required ones, and choices the module accepts; every option and return value is documented.

The documentation is read the way users read it, through ansible-doc (doc fragments merged)."""
import json
import os
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FARM = os.path.join(REPO, '.pytest_collections')
PREFIX = 'clawfleet.openclaw.'
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))


@pytest.fixture(scope='module')
def docs():
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=FARM)
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'module', '--json']
                         + [PREFIX + name for name in MODULES], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def tasks_of(module, examples):
    tasks = yaml.safe_load(examples) or []
    found = []
    for task in tasks:
        for key in (PREFIX + module, 'block'):
            if key == 'block':
                found += [t[PREFIX + module] for t in task.get('block', []) if PREFIX + module in t]
            elif key in task:
                found.append(task[key])
    return found


def is_literal(value):
    return not (isinstance(value, str) and '{{' in value)


@pytest.mark.parametrize('module', MODULES)
def test_examples_use_documented_options(module, docs):
    entry = docs[PREFIX + module]
    options = entry['doc']['options']
    calls = tasks_of(module, entry['examples'])
    assert calls, '%s has no example calling it' % module
    for args in calls:
        assert isinstance(args, dict), '%s example passes free-form arguments' % module
        unknown = sorted(set(args) - set(options))
        assert not unknown, '%s example uses undocumented options %s' % (module, unknown)
        missing = sorted(name for name, spec in options.items() if spec.get('required') and name not in args)
        assert not missing, '%s example lacks required options %s' % (module, missing)
        for name, value in args.items():
            choices = options[name].get('choices')
            if choices and is_literal(value) and not isinstance(value, (list, dict)):
                assert value in choices, '%s example: %s=%r is not one of %s' % (module, name, value, choices)


@pytest.mark.parametrize('module', MODULES)
def test_every_option_and_return_value_is_described(module, docs):
    entry = docs[PREFIX + module]

    def walk(specs, where):
        for name, spec in (specs or {}).items():
            assert spec.get('description'), '%s: %s.%s has no description' % (module, where, name)
            if where == 'options':
                assert spec.get('type'), '%s: option %s has no type' % (module, name)
            walk(spec.get('suboptions') or spec.get('contains'), where)

    walk(entry['doc']['options'], 'options')
    assert entry['return'], '%s documents no return value' % module
    walk(entry['return'], 'return')
