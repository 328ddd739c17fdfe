"""Production safety: explicitly named resources are replaced delete-first, and in stacks that
set ``protect`` the role and instance profile are protected (so a replacement or deletion
stops with an error instead of happening)."""

from __future__ import annotations

import pytest
from cases import ALL, config_of, plan_of
from helpers import PROFILE, ROLE

from ssm_profile.offline import mocks as plan_module


@pytest.mark.parametrize("case", ALL)
def test_protect_is_recorded_on_role_and_instance_profile_only_when_configured(case):
    protect = config_of(case).get("ssm-profile:protect") == "true"
    recorded = {(r["type"], r["name"]): r["options"]["protect"] for r in plan_of(case).resources}
    for (type_token, name), is_protected in recorded.items():
        assert is_protected == (protect and type_token in (ROLE, PROFILE)), name


def test_prod_protects_its_role_and_instance_profile():
    protected = sorted(
        r["type"] for r in plan_of("stack:prod").resources if r["options"]["protect"]
    )
    assert protected == sorted([ROLE, PROFILE])


def test_named_resources_are_replaced_delete_first(plan_stack, monkeypatch):
    """Role, policies and instance profile carry explicit names, so a replacement must delete
    the old resource before creating the new one (two IAM roles cannot share a name)."""
    seen = {}
    register = plan_module.RecordingMonitor.RegisterResource

    def spy(self, request):
        seen[(request.type, request.name)] = request.deleteBeforeReplace
        return register(self, request)

    monkeypatch.setattr(plan_module.RecordingMonitor, "RegisterResource", spy)
    plan_stack({"buckets": ["app-ssm-output"], "protect": True})
    named = {"aws:iam/role:Role", "aws:iam/policy:Policy", PROFILE}
    assert {t for t, _ in seen if t in named} == named
    for (type_token, name), delete_first in seen.items():
        assert delete_first == (type_token in named), name
