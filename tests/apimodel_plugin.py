"""A plugin for tests/test_api_models.py: returns whatever statements the test put here."""

from ssm_profile import hookimpl

STATEMENTS: list[dict] = []


@hookimpl
def ssm_profile_statements(context):
    return list(STATEMENTS)
