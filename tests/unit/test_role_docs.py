"""Each role's README variable table matches its meta/argument_specs.yml."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_role_readmes_are_generated_from_argument_specs():
    run = subprocess.run([sys.executable, os.path.join(REPO, 'scripts', 'role_docs.py'), '--check'],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_every_role_has_specs_defaults_and_readme():
    roles = os.path.join(REPO, 'roles')
    for role in os.listdir(roles):
        for part in ('meta/argument_specs.yml', 'meta/main.yml', 'README.md', 'tasks/main.yml'):
            assert os.path.isfile(os.path.join(roles, role, part)), '%s lacks %s' % (role, part)
