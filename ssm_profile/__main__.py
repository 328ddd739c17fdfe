"""``python -m ssm_profile``: the command line of :mod:`ssm_profile.cli`."""

from .cli import run

run()
