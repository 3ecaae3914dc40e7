"""Entry point the Pulumi policy host runs: constructs the ``vigil-coverage`` pack, nothing else.

The host runs this file with the pack directory on ``sys.path``; the policies import
``vigil`` (on-call arithmetic) and ``policies.*`` from the repository root, so put it first.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from pulumi_policy import PolicyPack  # noqa: E402

from policies import pack  # noqa: E402

PolicyPack(
    name=pack.PACK_NAME,
    description=pack.DESCRIPTION,
    policies=pack.policies(),
    enforcement_level=pack.DEFAULT_ENFORCEMENT,
)
