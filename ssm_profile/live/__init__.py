"""The live account, read-only: ``adopt`` and ``drift`` (docs/live.md).

The only place boto3 is imported, and only by these two commands: ``plan`` and the rest of
the package never load it. :mod:`.client` makes the calls and turns AWS's errors into one
line; :mod:`.account` reads the role and what hangs on it; :mod:`.grants` reads policy
documents as grants; :mod:`.liveplan` writes the live account as a plan, to compare with the
stack's plan through :mod:`ssm_profile.offline.diff`; :mod:`.adopt` and :mod:`.drift` are
the commands.
"""
