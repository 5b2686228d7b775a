"""Make the repository importable as ``ansible_collections.clawfleet.openclaw``.

The collection's code imports itself by that name, as Ansible does at run time.
A link farm under ``.pytest_collections/`` gives pytest the same layout
without moving the checkout.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FARM = os.path.join(REPO, '.pytest_collections')
LINK = os.path.join(FARM, 'ansible_collections', 'clawfleet', 'openclaw')

if not os.path.islink(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(REPO, LINK)
if FARM not in sys.path:
    sys.path.insert(0, FARM)
