"""Each resource's options (``protect``, ``retainOnDelete``, ``deleteBeforeReplace``): what
the component registers, in every mode, and how the plan file carries them (written, checked
and diffed, with and without the ``options`` key)."""

from __future__ import annotations

import copy
import json

import pytest
from cases import ALL, config_of, plan_of
from helpers import ACCOUNT, ATTACHMENT, POLICY, PROFILE, ROLE, resources

from ssm_profile.cli import main
from ssm_profile.config import load_settings
from ssm_profile.offline.diff import diff_plans
from ssm_profile.offline.planfile import parse_plan

KEYS = ["protect", "retainOnDelete", "deleteBeforeReplace", "aliases"]
GUIDE = {"vpcEndpoints": True, "buckets": ["logs-bucket"]}


def options(protect=False, retain=False, delete_first=False):
    return {
        "protect": protect,
        "retainOnDelete": retain,
        "deleteBeforeReplace": delete_first,
        "aliases": [],
    }


def expected_options(resource, settings, own_policy_arns):
    """The options the component sets, restated from docs/configuration.md (existing-role,
    `protect`) and docs/guardrails.md (Production safety: `deleteBeforeReplace`)."""
    if resource["type"] in (ROLE, PROFILE):
        return options(protect=settings.protect, delete_first=True)
    if resource["type"] == POLICY:
        return options(delete_first=True)
    if resource["type"] == ATTACHMENT:
        foreign = resource["inputs"]["policyArn"] not in own_policy_arns
        return options(retain=settings.mode == "existing-role" and foreign)
    return options()  # the component, the activation, the service setting


def own_policy_arns(plan, settings):
    """ARNs of the customer managed policies the stack itself creates."""
    partition = settings.partition.name
    return {
        f"arn:{partition}:iam::{ACCOUNT}:policy{r['inputs']['path']}{r['inputs']['name']}"
        for r in resources(plan, POLICY)
    }


@pytest.mark.parametrize("case", ALL)
def test_every_resource_registers_exactly_the_options_of_its_kind(case):
    plan = plan_of(case)
    settings = load_settings(config_of(case), plan.project, plan.stack)
    own = own_policy_arns(plan, settings)
    for resource in plan.resources:
        assert resource["options"] == expected_options(resource, settings, own), resource["name"]


@pytest.mark.parametrize("case", ALL)
def test_the_plan_file_carries_each_resources_options_in_a_fixed_order(case):
    plan = plan_of(case)
    written = plan.to_json()["resources"]
    assert [r["options"] for r in written] == [r["options"] for r in plan.resources]
    assert all(list(r["options"]) == KEYS for r in written)


def without_options(plan):
    older = copy.deepcopy(plan)
    for resource in older["resources"]:
        del resource["options"]
    return older


def run_diff(tmp_path, capsys, old, new):
    paths = []
    for name, plan in (("old.json", old), ("new.json", new)):
        path = tmp_path / name
        path.write_text(json.dumps(plan, indent=2))
        paths.append(str(path))
    status = main(["diff", *paths])
    out, err = capsys.readouterr()
    return status, out, err, paths


def test_a_plan_written_before_options_existed_is_read_and_diffed(plan_stack, tmp_path, capsys):
    plan = plan_stack(GUIDE).to_json()
    older = without_options(plan)
    assert parse_plan(json.dumps(older), "old.json") == older
    for old, new in ((older, plan), (plan, older), (plan, plan)):
        status, out, err, _ = run_diff(tmp_path, capsys, old, new)
        assert (status, out, err) == (0, "ssm-profile / test: no changes\n", "")


def test_the_diff_shows_a_change_of_options(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = copy.deepcopy(old)
    for resource in new["resources"]:
        if resource["type"] == ROLE:
            resource["options"]["protect"] = True
    status, out, _, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert "~    options.protect: false -> true" in out.splitlines()


def _protected_prod_role_renamed(plan_stack, rename_urn: bool):
    old = plan_stack({**GUIDE, "protect": True}).to_json()
    new = copy.deepcopy(old)
    for resource in new["resources"]:
        if resource["type"] == ROLE:
            if rename_urn:
                resource["urn"] += "-renamed"
            else:
                resource["inputs"]["name"] = "Renamed"
    return old, new


def test_replacing_a_protected_role_says_pulumi_up_will_refuse(plan_stack):
    old, new = _protected_prod_role_renamed(plan_stack, rename_urn=False)
    (alert,) = [a for a in diff_plans(old, new).alerts if "role" in a.message]
    assert alert.message.startswith(
        'REPLACES a protected role `ssm-profile-role` (name `"SSMInstanceProfile-test"` -> '
        '`"Renamed"`): `pulumi up` will refuse until you unprotect it '
        "(`ssm-profile:protect: false` for one deployment, or `pulumi state unprotect`)"
    )
    unprotected = plan_stack(GUIDE).to_json()
    renamed = copy.deepcopy(unprotected)
    for resource in renamed["resources"]:
        if resource["type"] == ROLE:
            resource["inputs"]["name"] = "Renamed"
    (plain,) = [a for a in diff_plans(unprotected, renamed).alerts if "role" in a.message]
    assert plain.message.startswith("REPLACES the role `ssm-profile-role`")


def test_a_protected_role_under_a_new_urn_is_refused_unless_aliased(plan_stack):
    old, new = _protected_prod_role_renamed(plan_stack, rename_urn=True)
    (alert,) = [a for a in diff_plans(old, new).alerts if "role" in a.message]
    assert alert.message.startswith("REPLACES a protected role `ssm-profile-role`: its URN changes")
    assert "`pulumi up` will refuse until you unprotect it" in alert.message
    assert "or alias it" in alert.message
    role = next(r for r in old["resources"] if r["type"] == ROLE)
    for resource in new["resources"]:
        if resource["type"] == ROLE:
            resource["options"]["aliases"] = [role["urn"]]
    aliased = diff_plans(old, new)
    assert not [a for a in aliased.alerts if "role" in a.message]
    assert not aliased.changed  # Pulumi updates an aliased resource in place: nothing changes


def test_an_alias_given_to_the_engine_is_recorded_as_the_urn_it_names():
    from types import SimpleNamespace

    from ssm_profile.offline.mocks import alias_urns

    spec = SimpleNamespace(
        name="old-name", type="", stack="", project="", parentUrn="", noParent=False
    )
    request = SimpleNamespace(  # the fields of RegisterResourceRequest that alias_urns reads
        type=ROLE,
        name="new-name",
        parent="urn:pulumi:unit::proj::ssm-profile:index:InstanceProfile::ssm-profile",
        aliasURNs=["urn:pulumi:unit::proj::x::given"],
        aliases=[SimpleNamespace(urn="", spec=spec), SimpleNamespace(urn="urn:y", spec=None)],
    )
    assert alias_urns(request) == [
        "urn:pulumi:unit::proj::x::given",
        "urn:pulumi:unit::proj::ssm-profile:index:InstanceProfile$aws:iam/role:Role::old-name",
        "urn:y",
    ]


MALFORMED_OPTIONS = {
    "not-an-object": (["protect"], '"options" is an array, not an object'),
    "null": (None, '"options" is null, not an object'),
    "key-missing": (
        {"protect": False, "retainOnDelete": False},
        '"options"."deleteBeforeReplace" is missing, not a boolean',
    ),
    "string": (
        {**options(), "protect": "true"},
        '"options"."protect" is a string, not a boolean',
    ),
    "number": (
        {**options(), "retainOnDelete": 1},
        '"options"."retainOnDelete" is a number, not a boolean',
    ),
    "value-null": (
        {**options(), "deleteBeforeReplace": None},
        '"options"."deleteBeforeReplace" is null, not a boolean',
    ),
    "unknown-key": (
        {**options(), "protected": True},
        '"options"."protected" is not a resource option this tool knows',
    ),
}


@pytest.mark.parametrize("side", ["old", "new"])
@pytest.mark.parametrize("kind", sorted(MALFORMED_OPTIONS))
def test_malformed_options_exit_2_with_one_error_line_naming_the_resource(
    plan_stack, tmp_path, capsys, kind, side
):
    good = plan_stack(GUIDE).to_json()
    bad = copy.deepcopy(good)
    assert bad["resources"][1]["type"] == ROLE
    bad["resources"][1]["options"] = MALFORMED_OPTIONS[kind][0]
    old, new = (bad, good) if side == "old" else (good, bad)
    status, out, err, paths = run_diff(tmp_path, capsys, old, new)
    path = paths[0] if side == "old" else paths[1]
    why = MALFORMED_OPTIONS[kind][1]
    assert (status, out) == (2, "")
    assert err == (
        f"error: {path}: not a plan (resources[1] (ssm-profile-role): {why}); "
        "expected the output of `plan --format json`\n"
    )
