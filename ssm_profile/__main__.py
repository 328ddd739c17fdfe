"""``python -m ssm_profile``: the command line of :mod:`ssm_profile.cli`."""

import sys

from .cli import main

sys.exit(main())
