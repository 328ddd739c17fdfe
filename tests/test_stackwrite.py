"""The stack file adopt writes reads back to the same values, whatever the characters."""

from __future__ import annotations

import pytest

from ssm_profile.config.yamlfile import compose, data
from ssm_profile.live.stackwrite import stack_file


@pytest.mark.parametrize(
    "text",
    ["plain", "Équipe ü", "日本", "line\u2028separator", "a\u202eb", "nel\u0085x", "tab\tx"],
)
def test_every_string_reads_back_as_written(text):
    written = stack_file("us-east-2", {"customPolicyDescription": text}, ["adopted"])
    assert "\u2028" not in written and "\u202e" not in written and "\u0085" not in written
    assert data(compose(written))["config"]["ssm-profile:customPolicyDescription"] == text
