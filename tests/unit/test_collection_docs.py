"""The generated docs (role variable tables, playbook pages, the index) match the specs and playbooks."""
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_docs_are_generated_from_argument_specs_and_playbooks():
    run = subprocess.run([sys.executable, os.path.join(REPO, 'scripts', 'collection_docs.py'), '--check'],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_every_role_has_specs_defaults_and_readme():
    roles = os.path.join(REPO, 'roles')
    for role in os.listdir(roles):
        for part in ('meta/argument_specs.yml', 'meta/main.yml', 'README.md', 'tasks/main.yml'):
            assert os.path.isfile(os.path.join(roles, role, part)), '%s lacks %s' % (role, part)


def test_every_playbook_has_a_docs_page_listing_its_roles():
    pages = os.path.join(REPO, 'docs', 'playbooks')
    for playbook in os.listdir(os.path.join(REPO, 'playbooks')):
        name = playbook[:-4]
        with open(os.path.join(pages, name + '.md')) as handle:
            page = handle.read()
        assert page.startswith('# Playbook `%s`' % name)
        assert '| Step | Role | Entry point |' in page, '%s.md lists no role steps' % name
        assert '## Variables' in page


def test_check_reports_a_stale_page(tmp_path):
    """--check must fail on an edited page: run on a copy of the tree with one page changed."""
    copy = tmp_path / 'repo'
    for part in ('scripts', 'roles', 'playbooks', 'docs'):
        shutil.copytree(os.path.join(REPO, part), copy / part)
    page = copy / 'docs' / 'playbooks' / 'harden.md'
    page.write_text(page.read_text().replace('openclaw_config_defer', 'openclaw_config_deferred', 1))
    run = subprocess.run([sys.executable, str(copy / 'scripts' / 'collection_docs.py'), '--check'],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert 'docs/playbooks/harden.md is out of date' in run.stderr
