"""Every example stack and every mode is accepted by an IAM implementation (moto) and
destroyed the way `pulumi destroy` would, and the harness itself refuses what IAM refuses."""

from __future__ import annotations

import contextlib
import json

import pytest
from cases import ALL, config_of, plan_of
from destroy import DestroyRefusedError, Remains
from emulator import EmulatorError, IamEmulator
from helpers import ATTACHMENT, POLICY, PROFILE, ROLE, one, resources

from ssm_profile.config import load_settings


@pytest.fixture(scope="module")
def emulator():
    """One moto for the module: AWS's managed policies load once (about a second)."""
    emulator = IamEmulator()
    yield emulator
    emulator.close()


def settings_of(case):
    plan = plan_of(case)
    return load_settings(config_of(case), plan.project, plan.stack)


def deploy(emulator, plan, settings):
    existing = (settings.existing_role_name,) if settings.mode == "existing-role" else ()
    return emulator.deployed(
        plan, settings.region, existing_roles=existing, quota=settings.max_managed_policies
    )


def left_by_destroy(settings, deployment, planned, own):
    """What `pulumi destroy` leaves: with `protect`, everything (it refuses); in existing-role
    mode, the existing role with the attachments of the policies the stack does not own."""
    if settings.protect:
        return Remains(deployment.attached, sorted(deployment.policies), deployment.profiles)
    if settings.mode == "existing-role":
        return Remains({settings.role_name: sorted(set(planned) - set(own))})
    return Remains()


@pytest.mark.parametrize("case", ALL)
def test_iam_accepts_every_resource_of_the_stack(emulator, case):
    plan, settings = plan_of(case), settings_of(case)
    partition, account = settings.partition.name, emulator.account_id
    refused = pytest.raises(DestroyRefusedError) if settings.protect else contextlib.nullcontext()

    with refused, deploy(emulator, plan, settings) as deployment:
        # every attachment landed, on the one role, and every ARN is in the stack's partition
        planned = sorted(r["inputs"]["policyArn"] for r in resources(plan, ATTACHMENT))
        assert deployment.attached == {settings.role_name: planned}
        assert all(arn.startswith(f"arn:{partition}:iam::") for arn in planned)

        # IAM stored each custom policy as sent, at the ARN the attachment used
        sent = {
            f"arn:{partition}:iam::{account}:policy{r['inputs']['path']}{r['inputs']['name']}": (
                json.loads(r["inputs"]["policy"])
            )
            for r in resources(plan, POLICY)
        }
        assert deployment.policies == sent
        assert set(sent) <= set(planned)

        role = deployment.roles[settings.role_name]
        if settings.mode != "existing-role":
            inputs = one(plan, ROLE)["inputs"]
            assert (
                role["Arn"]
                == f"arn:{partition}:iam::{account}:role{settings.path}{role['RoleName']}"
            )
            assert role["AssumeRolePolicyDocument"] == json.loads(inputs["assumeRolePolicy"])
            boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
            assert boundary == settings.permissions_boundary
            assert {t["Key"]: t["Value"] for t in role.get("Tags", [])} == dict(settings.tags)

        # the instance profile holds exactly the role
        if settings.create_instance_profile:
            assert deployment.profiles == {settings.instance_profile_name: [settings.role_name]}
        else:
            assert deployment.profiles == {} and not resources(plan, PROFILE)

        # one activation or DHMC setting per Region, each checked against SSM's API model
        per_region = len(settings.regions)
        skipped = {
            "hybrid": ["aws:ssm/activation:Activation: moto's SSM has no CreateActivation"]
            * per_region
            if settings.activation
            else [],
            "default-host-management": [
                "aws:ssm/serviceSetting:ServiceSetting: moto's SSM has no UpdateServiceSetting"
            ]
            * per_region,
        }
        if partition in ("aws-iso-e", "aws-iso-f"):  # partitions moto does not know
            skipped.setdefault(settings.mode, []).append(
                f"partition {partition}: moto files {settings.region} under aws; ARNs replayed "
                "as arn:aws:, so the partition of ARNs is not checked"
            )
        assert deployment.skipped == skipped.get(settings.mode, [])

    # destroyed as `pulumi destroy` would: refused with protect, else only retained ones left
    assert deployment.remains == left_by_destroy(settings, deployment, planned, sent)
    # and the harness emptied the account for the next replay
    iam = emulator.client("iam", settings.region)
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_a_managed_policy_that_does_not_exist_is_refused(emulator, plan_stack):
    """The harness's own check: the plan refuses unknown policies first (iam/managed.py), so
    the plan is edited after planning."""
    plan = plan_stack({"managedPolicies": ["AmazonSSMPatchAssociation"]}, region="eu-west-1")
    for resource in plan.resources:
        if resource["inputs"].get("policyArn", "").endswith("/AmazonSSMPatchAssociation"):
            resource["inputs"]["policyArn"] = (
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCoreV2"
            )
    settings = load_settings({"aws:region": "eu-west-1"}, plan.project, plan.stack)
    with pytest.raises(EmulatorError, match="AmazonSSMManagedInstanceCoreV2") as error:
        with deploy(emulator, plan, settings):
            pass
    assert "AttachRolePolicy refused" in str(error.value)
    # the failed replay cleaned up what it had created
    assert emulator.client("iam", "eu-west-1").list_roles()["Roles"] == []


def mutated(case, type_token, **changes):
    plan = plan_of(case)
    (target,) = [r for r in plan.resources if r["type"] == type_token][:1]
    target["inputs"].update(changes)
    return plan, settings_of(case)


@pytest.mark.parametrize(
    ("type_token", "changes", "expected"),
    [
        (ROLE, {"name": "R" * 65}, "RoleName: 65 characters, at most 64"),
        (PROFILE, {"name": "P" * 129}, "InstanceProfileName: 129 characters, at most 128"),
        (ROLE, {"path": "ssm/"}, "Path: 'ssm/' does not match"),
        (
            ROLE,
            {
                "assumeRolePolicy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ec2.amazonaws.com"},
                                "Action": "s3:GetObject",
                            }
                        ],
                    }
                )
            },
            "Trust Policy statement actions can only be",
        ),
        (
            POLICY,
            {
                "policy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}],
                    }
                )
            },
            "MalformedPolicyDocument",
        ),
        (
            POLICY,
            {
                "policy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": [f"arn:aws:s3:::bucket-{i:05d}/*" for i in range(300)],
                            }
                        ],
                    }
                )
            },
            "IAM allows 6144",
        ),
        (PROFILE, {"role": "NoSuchRole"}, "NoSuchEntity"),
    ],
)
def test_the_harness_refuses_what_iam_refuses(emulator, type_token, changes, expected):
    plan, settings = mutated("stack:prod", type_token, **changes)
    with pytest.raises(EmulatorError, match=expected):
        with deploy(emulator, plan, settings):
            pass


def test_an_arn_of_another_partition_is_refused(emulator):
    plan, settings = plan_of("china"), settings_of("china")
    attachment = resources(plan, ATTACHMENT)[0]
    attachment["inputs"]["policyArn"] = attachment["inputs"]["policyArn"].replace("aws-cn", "aws")
    with pytest.raises(EmulatorError, match="does not exist or is not attachable"):
        with deploy(emulator, plan, settings):
            pass


def test_the_attached_policy_quota_is_enforced(emulator):
    plan, settings = (
        plan_of("packed-into-several-policies"),
        settings_of("packed-into-several-policies"),
    )
    with pytest.raises(EmulatorError, match="managed policies attached, quota 3"):
        with emulator.deployed(plan, settings.region, quota=3):
            pass


# --- destroy ----------------------------------------------------------------------------------

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
CLOUDWATCH = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
LEGACY = "LegacyApplicationRole"
LEGACY_POLICY = "arn:aws:iam::123456789012:policy/SSMInstanceProfileS3Policy-test"
EXISTING_ROLE = {
    "mode": "existing-role",
    "existingRoleName": LEGACY,
    "createInstanceProfile": True,
    "buckets": ["legacy-ssm-output"],
    "managedPolicies": ["CloudWatchAgentServerPolicy"],
}


def existing_role_plan(plan_stack):
    plan = plan_stack(EXISTING_ROLE, region="eu-west-1")
    planned = [r["inputs"]["policyArn"] for r in resources(plan, ATTACHMENT)]
    assert sorted(planned) == sorted([LEGACY_POLICY, CORE, CLOUDWATCH])
    return plan


def test_destroying_an_existing_role_stack_leaves_exactly_the_retained_attachments(
    emulator, plan_stack
):
    plan = existing_role_plan(plan_stack)
    with emulator.deployed(plan, "eu-west-1", existing_roles=(LEGACY,)) as deployment:
        assert deployment.attached == {LEGACY: sorted([LEGACY_POLICY, CORE, CLOUDWATCH])}
        assert deployment.profiles == {LEGACY: [LEGACY]}  # named like the role by default
    # the role is someone else's: it keeps the AWS managed policies, loses the stack's own
    # policy (detached, then deleted) and the stack's instance profile
    assert deployment.remains == Remains({LEGACY: sorted([CORE, CLOUDWATCH])})


def test_retaining_the_own_policys_attachment_hits_delete_conflict(emulator, plan_stack):
    """The old behaviour, every attachment retained in existing-role mode: the stack's own
    policy is still attached when its turn comes, and IAM refuses to delete it."""
    plan = existing_role_plan(plan_stack)
    for attachment in resources(plan, ATTACHMENT):
        attachment["options"]["retainOnDelete"] = True
    with pytest.raises(EmulatorError) as error:
        with emulator.deployed(plan, "eu-west-1", existing_roles=(LEGACY,)) as deployment:
            pass
    assert str(error.value) == (
        "destroy aws:iam/policy:Policy ssm-profile-policy: DeletePolicy refused: "
        "DeleteConflict: Cannot delete a policy attached to entities "
        f"(role {LEGACY}; checked by the harness, moto does not)"
    )
    assert deployment.remains == Remains(
        {LEGACY: sorted([LEGACY_POLICY, CORE, CLOUDWATCH])}, [LEGACY_POLICY]
    )


def test_a_protected_stack_refuses_destroy_naming_every_protected_resource(emulator):
    plan, settings = plan_of("stack:prod"), settings_of("stack:prod")
    with pytest.raises(DestroyRefusedError) as error:
        with deploy(emulator, plan, settings) as deployment:
            pass
    assert str(error.value) == (
        "destroy refused: protected resources cannot be deleted: "
        "aws:iam/role:Role ssm-profile-role, "
        "aws:iam/instanceProfile:InstanceProfile ssm-profile-instance-profile "
        "(unprotect them first: `pulumi state unprotect`)"
    )
    # refused before anything was deleted
    role = settings.role_name
    assert deployment.remains == Remains(
        deployment.attached, sorted(deployment.policies), {settings.instance_profile_name: [role]}
    )
    assert deployment.attached[role] and deployment.policies


def test_an_unprotected_stack_is_destroyed_completely(emulator):
    """`pulumi state unprotect --all`, then `pulumi destroy`."""
    plan, settings = plan_of("stack:prod"), settings_of("stack:prod")
    for resource in plan.resources:
        resource["options"]["protect"] = False
    with deploy(emulator, plan, settings) as deployment:
        pass
    assert deployment.remains == Remains()


def test_a_retained_resource_is_left_in_the_account(emulator):
    plan, settings = plan_of("stack:dev"), settings_of("stack:dev")
    one(plan, ROLE)["options"]["retainOnDelete"] = True
    with deploy(emulator, plan, settings) as deployment:
        pass
    assert deployment.remains == Remains({settings.role_name: []})


def test_a_role_cannot_be_deleted_while_a_retained_attachment_holds_it(emulator):
    """moto refuses DeleteRole while a policy is attached, as IAM does."""
    plan, settings = plan_of("stack:dev"), settings_of("stack:dev")
    managed = [r for r in resources(plan, ATTACHMENT) if r["inputs"]["policyArn"] == CORE]
    managed[0]["options"]["retainOnDelete"] = True
    with pytest.raises(EmulatorError, match="destroy aws:iam/role:Role ssm-profile-role: ") as e:
        with deploy(emulator, plan, settings):
            pass
    assert "DeleteRole refused: An error occurred (DeleteConflict)" in str(e.value)
