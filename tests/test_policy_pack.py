"""The CrossGuard policy pack, run in-process against the resources the program registers
(recording mocks), with the stack config the CLI would hand the pack: a passing and a failing
case for each policy."""

from __future__ import annotations

import copy
import json
import runpy
import sys
from contextlib import contextmanager

import pulumi
import pulumi_policy
import pytest
import yaml
from cases import ALL, config_of, plan_of
from helpers import ATTACHMENT, POLICY, PROFILE, REPO, ROLE, resources
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policy import ssm_guardrails

NOT_APPLICABLE = "not applicable"


def _options(resource):
    return PolicyResourceOptions(
        protect=resource["options"]["protect"],
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )


def _props(resource):
    return unknown_checking_proxy(copy.deepcopy(resource["inputs"]))


@contextmanager
def stack_config(config):
    """The stack's config, where ``pulumi.Config`` reads it (as the CLI sets it for packs)."""
    pulumi.runtime.set_all_config(config)
    try:
        yield
    finally:
        pulumi.runtime.set_all_config({})


def violations(name, plan, config):
    """Messages the named policy reports for ``plan``, or ``NOT_APPLICABLE``."""
    (policy,) = [p for p in ssm_guardrails.policies() if p.name == name]
    found = []

    def report(message, urn=None):
        found.append(message)

    with stack_config(config):
        try:
            if isinstance(policy, ResourceValidationPolicy):
                for r in plan.resources:
                    args = ResourceValidationArgs(
                        r["type"], _props(r), r["urn"], r["name"], _options(r), None
                    )
                    policy.validate(args, report)
            else:
                stack = [
                    PolicyResource(
                        r["type"], _props(r), r["urn"], r["name"], _options(r), None, None, [], {}
                    )
                    for r in plan.resources
                ]
                policy.validate(StackValidationArgs(stack), report)
        except _NotApplicableError:
            return NOT_APPLICABLE
    return found


POLICY_NAMES = [p.name for p in ssm_guardrails.policies()]


@pytest.mark.parametrize("case", ALL)
@pytest.mark.parametrize("name", POLICY_NAMES)
def test_every_stack_passes_every_policy(case, name):
    result = violations(name, plan_of(case), config_of(case))
    assert result in ([], NOT_APPLICABLE)
    if name == "ssm-protected-in-protect-stacks":
        protect = config_of(case).get("ssm-profile:protect") == "true"
        assert result == ([] if protect else NOT_APPLICABLE)
    elif name == "ssm-core-policy-attached":
        assert result == []


def edit_document(plan, edit):
    """Apply ``edit(document)`` to the first custom policy of ``plan``."""
    policy = resources(plan, POLICY)[0]
    document = json.loads(policy["inputs"]["policy"])
    edit(document)
    policy["inputs"]["policy"] = json.dumps(document, indent=2)
    return plan


def test_a_wildcard_region_is_a_violation():
    def wildcard(document):
        statement = document["Statement"][0]
        statement["Resource"] = ["arn:aws:s3:::aws-ssm-*/*", "arn:aws:s3:::*-birdwatcher-prod/*"]

    plan = edit_document(plan_of("stack:prod"), wildcard)
    found = violations("ssm-no-wildcard-region", plan, config_of("stack:prod"))
    assert len(found) == 2
    assert "arn:aws:s3:::aws-ssm-*/*" in found[0] and "aws-ssm-REGION" in found[0]
    assert "REGION-birdwatcher-prod" in found[1]
    # a wildcard in the object key is not a Region wildcard
    keys = edit_document(plan_of("stack:dev"), lambda d: None)
    assert violations("ssm-no-wildcard-region", keys, config_of("stack:dev")) == []


def test_a_stack_without_the_core_policy_is_a_violation():
    plan = plan_of("stack:prod")
    plan.resources = [
        r
        for r in plan.resources
        if not (r["type"] == ATTACHMENT and r["inputs"]["policyArn"].endswith("InstanceCore"))
    ]
    (found,) = violations("ssm-core-policy-attached", plan, config_of("stack:prod"))
    assert found.startswith("AmazonSSMManagedInstanceCore is not attached")


def test_default_host_management_requires_its_own_policy():
    case = "default-host-management"
    plan = plan_of(case)
    for attachment in resources(plan, ATTACHMENT):
        attachment["inputs"]["policyArn"] = attachment["inputs"]["policyArn"].replace(
            "AmazonSSMManagedEC2InstanceDefaultPolicy", "AmazonSSMManagedInstanceCore"
        )
    (found,) = violations("ssm-core-policy-attached", plan, config_of(case))
    assert found.startswith("AmazonSSMManagedEC2InstanceDefaultPolicy is not attached")


def test_core_policy_default_host_requires_the_default_host_policy():
    case = "ec2-core-default-host"
    config = config_of(case)
    assert config["ssm-profile:corePolicy"] == "default-host"
    assert violations("ssm-core-policy-attached", plan_of(case), config) == []
    # the same resources, for a stack that asked for AmazonSSMManagedInstanceCore
    core = {**config, "ssm-profile:corePolicy": "instance-core"}
    (found,) = violations("ssm-core-policy-attached", plan_of(case), core)
    assert found == (
        "AmazonSSMManagedInstanceCore is not attached; ssm-profile:corePolicy is instance-core"
    )


def test_core_policy_default_host_with_the_core_attached_is_a_violation():
    plan, config = plan_of("stack:prod"), config_of("stack:prod")
    (found,) = violations(
        "ssm-core-policy-attached", plan, {**config, "ssm-profile:corePolicy": "default-host"}
    )
    assert found == (
        "AmazonSSMManagedEC2InstanceDefaultPolicy is not attached; "
        "ssm-profile:corePolicy is default-host"
    )


def test_unknown_custom_policy_arns_during_preview_do_not_break_the_check():
    plan = plan_of("stack:prod")
    for attachment in resources(plan, ATTACHMENT):
        if ":aws:policy/" not in attachment["inputs"]["policyArn"]:
            attachment["inputs"]["policyArn"] = UNKNOWN_STRING_VALUE
    assert violations("ssm-core-policy-attached", plan, config_of("stack:prod")) == []


def test_put_object_acl_on_a_bucket_not_declared_cross_account_is_a_violation():
    plan, config = plan_of("stack:prod"), config_of("stack:prod")
    assert violations("ssm-put-object-acl-cross-account-only", plan, config) == []
    buckets = json.loads(config["ssm-profile:buckets"])
    for bucket in buckets:
        if isinstance(bucket, dict):
            bucket["crossAccount"] = False
    undeclared = {**config, "ssm-profile:buckets": json.dumps(buckets)}
    (found,) = violations("ssm-put-object-acl-cross-account-only", plan, undeclared)
    assert "s3:PutObjectAcl on arn:aws:s3:::prod-central-ssm-output/*" in found
    assert "not declared crossAccount: true" in found


def test_put_object_acl_through_a_wildcard_action_is_a_violation():
    def plugin(document):
        document["Statement"].append(
            {
                "Sid": "PluginUploads",
                "Effect": "Allow",
                "Action": "s3:Put*",
                "Resource": "arn:aws:s3:::other-bucket/*",
            }
        )

    plan = edit_document(plan_of("stack:dev"), plugin)
    (found,) = violations("ssm-put-object-acl-cross-account-only", plan, config_of("stack:dev"))
    assert found.startswith("statement PluginUploads: s3:PutObjectAcl on arn:aws:s3:::other-bucket")


def test_a_star_action_is_a_violation():
    def star(document):
        document["Statement"][0]["Action"] = ["s3:GetObject", "*"]

    plan = edit_document(plan_of("stack:staging"), star)
    (found,) = violations("ssm-no-star-action", plan, config_of("stack:staging"))
    assert found.endswith('grants action "*": name each service:Action')


def test_a_policy_over_6144_characters_is_a_violation():
    def grow(document):
        document["Statement"][0]["Resource"] = [
            f"arn:aws:s3:::bucket-number-{i:04d}/*" for i in range(200)
        ]

    plan = edit_document(plan_of("stack:dev"), grow)
    (found,) = violations("ssm-policy-size", plan, config_of("stack:dev"))
    assert found.startswith("policy SSMInstanceProfileS3Policy-dev is ")
    assert found.endswith("IAM allows 6144 per managed policy")


@pytest.mark.parametrize("type_token", [ROLE, PROFILE])
def test_an_unprotected_role_or_profile_in_a_protect_stack_is_a_violation(type_token):
    plan = plan_of("stack:prod")
    resources(plan, type_token)[0]["options"]["protect"] = False
    (found,) = violations("ssm-protected-in-protect-stacks", plan, config_of("stack:prod"))
    assert f"({type_token}) is not protected" in found


def test_main_builds_the_pack_from_the_importable_policies(monkeypatch):
    built = {}
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kw: built.update(kw))
    monkeypatch.syspath_prepend(str(REPO / "policy"))
    runpy.run_path(str(REPO / "policy" / "__main__.py"), run_name="__main__")
    assert built["name"] == "ssm-profile-guardrails"
    assert [p.name for p in built["policies"]] == POLICY_NAMES
    assert all(p.enforcement_level.value == "mandatory" for p in built["policies"])
    sys.modules.pop("ssm_guardrails", None)
    project = yaml.safe_load((REPO / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"


def test_the_pack_agrees_with_the_program_on_iam_facts():
    from ssm_profile.aws import limits, managed
    from ssm_profile.aws.buckets import BUCKETS
    from ssm_profile.aws.partitions import ALL_REGIONS

    assert ssm_guardrails.POLICY_SIZE_LIMIT == limits.POLICY_SIZE_LIMIT
    assert ssm_guardrails.CORE_POLICY == managed.CORE_POLICY
    assert ssm_guardrails.DHMC_POLICY == managed.DHMC_POLICY
    assert ssm_guardrails.CORE_POLICIES == managed.CORE_POLICIES
    # every name of every AWS-owned bucket in every Region has its template in the pack
    for region in ALL_REGIONS:
        templates = [t.replace("REGION", region) for t in ssm_guardrails.SSM_BUCKET_TEMPLATES]
        for fact in BUCKETS.values():
            names = {
                fact.name_in(region),
                *(n.format(region=region) for n in fact.instead.values()),
            }
            if fact.suffixed:
                names.add(fact.placeholder_in(region))
            for name in names - {None}:
                assert any(name.startswith(t) for t in templates), name


def test_the_packs_type_tokens_are_the_programs():
    """The pack runs without this package, so it spells the tokens itself: held to them."""
    from ssm_profile.aws import types

    for name in ("POLICY", "ROLE", "PROFILE", "ATTACHMENT", "SERVICE_SETTING", "COMPONENT"):
        assert getattr(ssm_guardrails, name) == getattr(types, name), name
    from ssm_profile.blueprint import SERVICE_SETTING_PATH

    assert ssm_guardrails.DHMC_SETTING == SERVICE_SETTING_PATH


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Action": "logs:Describe*", "Resource": "*"},
    ],
)
def test_the_packs_star_and_not_action_rule_agrees_with_the_programs(statement):
    """validate_no_star_action refuses exactly what ssm_profile.iam.rules refuses for the
    "*" action and for NotAction with Allow (the pack's copy of those two rules)."""
    from ssm_profile.iam import rules

    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    program = any(a in ("*", "*:*") for a in actions) or (
        "NotAction" in statement and rules.allow_with_not_problem(statement) is not None
    )
    assert all(rules.action_problem(a) for a in actions if a in ("*", "*:*"))
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "S", **statement}]})
    reported: list[str] = []
    args = ResourceValidationArgs(
        POLICY, _props({"inputs": {"policy": document}}), "urn", "name", None, None
    )
    ssm_guardrails.validate_no_star_action(args, lambda message, urn=None: reported.append(message))
    assert bool(reported) == program


def test_a_wildcard_region_in_an_s3_arn_does_not_hide_a_wildcard_bucket():
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "S",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:*::aws-ssm-*/*",
                }
            ],
        }
    )
    reported: list[str] = []
    args = ResourceValidationArgs(
        POLICY, _props({"inputs": {"policy": document}}), "urn", "name", None, None
    )
    ssm_guardrails.validate_no_wildcard_region(args, lambda m, urn=None: reported.append(m))
    assert len(reported) == 1 and "arn:aws:s3:*::aws-ssm-*/*" in reported[0]
