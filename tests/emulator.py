"""IAM emulator harness: replay a recorded plan against moto's IAM, the way the AWS provider
would call IAM, so that an IAM implementation nobody here wrote accepts every resource; then
destroy it the way ``pulumi destroy`` would.

Each registered resource becomes the IAM API calls the provider makes (``CreateRole``,
``CreatePolicy``, ``AttachRolePolicy``, ``CreateInstanceProfile`` + ``AddRoleToInstanceProfile``),
in registration order, through boto3 against moto with AWS's managed policies loaded
(``MOTO_IAM_LOAD_MANAGED_POLICIES``). Every call's parameters are first checked against the
service's API model in botocore (tests/api_model.py: length limits, patterns, ranges), which
botocore's own client-side validation skips. Afterwards the harness reads everything back.

On a clean exit the harness destroys the plan the way ``pulumi destroy`` does, honouring each
resource's recorded ``options`` (tests/destroy.py: ``protect`` refuses, ``retainOnDelete``
stays in the account), and keeps what is left in :attr:`Deployment.remains`. Then, and after
any failure, it empties the account for the next replay.

What moto does not emulate is checked here from IAM's documented behaviour or skipped,
explicitly:
- ``CreateRole`` does not validate the trust policy in moto, so the harness also sends it
  through ``UpdateAssumeRolePolicy``, which does;
- moto enforces neither the 6,144-character managed policy size, the 2,048-character trust
  policy size, nor the per-role quota of attached managed policies: checked here;
- moto's ``DeletePolicy`` deletes a customer managed policy that is still attached, where IAM
  refuses with ``DeleteConflict``: the destroy checks it (tests/destroy.py);
- moto's SSM has no ``CreateActivation`` nor ``UpdateServiceSetting``: those resources are
  validated against botocore's SSM model and must name a role that exists, then skipped;
- moto copies the commercial managed-policy set into every partition, so an ARN in aws-cn or
  aws-us-gov proves the partition prefix, not that AWS publishes that policy there;
- moto knows the partitions aws, aws-cn, aws-us-gov, aws-eusc, aws-iso and aws-iso-b. It files
  the Regions of aws-iso-e and aws-iso-f under aws, so a plan there is replayed with its ARNs
  rewritten to ``arn:aws:`` and read back in its own partition: IAM's check that every ARN
  belongs to the stack's partition is not emulated for those two (``Deployment.skipped``
  says so).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# moto reads this when it builds an IAM backend; set it before moto is imported.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

import boto3
from api_model import EmulatorError, checked_call, model_problems
from destroy import Created, Deletes, Remains, attached_arns, destroy, empty, remains
from helpers import ACTIVATION, ATTACHMENT, COMPONENT, POLICY, PROFILE, ROLE, SERVICE_SETTING
from moto import mock_aws
from moto.utilities.utils import get_partition as moto_partition

from ssm_profile.aws.partitions import Partition, partition_of
from ssm_profile.offline.plan import Plan

# IAM's limits, restated here on purpose rather than imported from ssm_profile.aws.limits:
# the emulator is the outside check of what the program believes.
POLICY_SIZE_LIMIT = 6144
TRUST_POLICY_SIZE_LIMIT = 2048
DEFAULT_ATTACHED_POLICIES_QUOTA = 10

__all__ = ["Deployment", "EmulatorError", "IamEmulator"]


def _size(document: str) -> int:
    return sum(1 for c in document if c not in " \t\n\r\f\v")


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, [], "")}


def _what(resource: Mapping[str, Any]) -> str:
    return f"{resource['type']} {resource['name']}"


@dataclass
class Deployment:
    """What one replayed plan left in the emulated account, read back from IAM; after the
    ``with`` block, :attr:`remains` is what its destroy left (``None`` if it never ran)."""

    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    attached: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    remains: Remains | None = None


def _with_arns_in(plan: Plan, partition: str, emulated: str) -> Plan:
    """A copy of ``plan`` whose ARNs are in the partition moto uses for its Region."""
    text = json.dumps(plan.resources).replace(f"arn:{partition}:", f"arn:{emulated}:")
    return Plan(plan.project, plan.stack, json.loads(text), plan.outputs, plan.warnings)


def _remains_in(left: Remains, emulated: str, partition: str) -> Remains:
    """What a destroy left, with its ARNs back in the stack's own partition."""

    def back(text: str) -> str:
        return text.replace(f"arn:{emulated}:", f"arn:{partition}:")

    return Remains(
        roles={k: [back(a) for a in v] for k, v in left.roles.items()},
        policies=[back(a) for a in left.policies],
        profiles=left.profiles,
    )


def _read_back_in(deployment: Deployment, emulated: str, partition: str) -> None:
    """What moto holds, with its ARNs back in the stack's own partition."""

    def back(text: str) -> str:
        return text.replace(f"arn:{emulated}:", f"arn:{partition}:")

    deployment.attached = {k: [back(a) for a in v] for k, v in deployment.attached.items()}
    deployment.policies = {
        back(arn): json.loads(back(json.dumps(doc))) for arn, doc in deployment.policies.items()
    }
    for role in deployment.roles.values():
        role["Arn"] = back(role["Arn"])
        boundary = role.get("PermissionsBoundary")
        if boundary:
            boundary["PermissionsBoundaryArn"] = back(boundary["PermissionsBoundaryArn"])


class IamEmulator:
    """moto's IAM in this process; :meth:`deployed` replays plans against it one at a time.

    Start it once (the managed policies take about a second to load per process) and let each
    replay clean up after itself.
    """

    def __init__(self, account_id: str = "123456789012") -> None:
        self.account_id = account_id
        self._mock = mock_aws()
        self._mock.start()

    def close(self) -> None:
        self._mock.stop(remove_data=False)  # resetting moto costs ~1.5 s; the data dies with us

    def client(self, service: str, region: str) -> Any:
        """A boto3 client of moto. GovCloud's IAM endpoint (``iam.us-gov.amazonaws.com``)
        names no Region, from which moto would infer the commercial partition; address it
        by Region so requests land in the aws-us-gov partition."""
        endpoint = None
        if service == "iam" and region.startswith("us-gov-"):
            endpoint = f"https://iam.{region}.amazonaws.com"
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    @contextmanager
    def deployed(
        self,
        plan: Plan,
        region: str,
        *,
        existing_roles: tuple[str, ...] = (),
        quota: int = DEFAULT_ATTACHED_POLICIES_QUOTA,
    ) -> Iterator[Deployment]:
        """Replay ``plan`` (resources in registration order) and yield what IAM then holds; on
        a clean exit, destroy it as ``pulumi destroy`` would (:attr:`Deployment.remains`), then
        empty the account. ``existing_roles`` are created first, as the account's own roles
        (``existing-role`` mode): the destroy leaves them."""
        partition = partition_of(region)
        assert partition is not None, region
        emulated = moto_partition(region)
        if emulated != partition.name:
            plan = _with_arns_in(plan, partition.name, emulated)
        iam = self.client("iam", region)
        ssm = self.client("ssm", region)
        try:
            for name in existing_roles:
                self._existing_role(iam, partition, name)
            created, skipped = self._replay(plan, iam, ssm, region)
            deployment = self._read_back(plan, iam, quota)
            deployment.skipped = skipped
            if emulated != partition.name:
                _read_back_in(deployment, emulated, partition.name)
                deployment.skipped.append(
                    f"partition {partition.name}: moto files {region} under {emulated}; ARNs "
                    f"replayed as arn:{emulated}:, so the partition of ARNs is not checked"
                )
            yield deployment
            try:
                protected = [_what(r) for r in plan.resources if r["options"]["protect"]]
                destroy(iam, protected, created)
            finally:
                deployment.remains = remains(iam)
                if emulated != partition.name:
                    deployment.remains = _remains_in(deployment.remains, emulated, partition.name)
        finally:
            empty(iam)

    def _existing_role(self, iam: Any, partition: Partition, name: str) -> None:
        statement = {
            "Effect": "Allow",
            "Principal": {"Service": partition.service_principal("ec2")},
            "Action": "sts:AssumeRole",
        }
        trust = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        checked_call(
            iam,
            "CreateRole",
            f"existing role {name}",
            RoleName=name,
            AssumeRolePolicyDocument=trust,
        )

    def _replay(
        self, plan: Plan, iam: Any, ssm: Any, region: str
    ) -> tuple[list[Created], list[str]]:
        """Create every resource in registration order: what was created, what was skipped."""
        creators: dict[str, Callable[[Any, str, Mapping[str, Any]], Deletes]] = {
            ROLE: self._role,
            POLICY: self._policy,
            ATTACHMENT: self._attachment,
            PROFILE: self._profile,
        }
        created: list[Created] = []
        skipped: list[str] = []
        for resource in plan.resources:
            typ, inputs, what = resource["type"], resource["inputs"], _what(resource)
            if typ == COMPONENT:
                continue
            if typ in (ACTIVATION, SERVICE_SETTING):
                self._check_region(what, inputs, region)
                skipped.append(self._validate_ssm(ssm, iam, what, typ, inputs))
            elif typ in creators:
                deletes = creators[typ](iam, what, inputs)
                created.append(Created(what, resource["options"], deletes))
            else:
                raise EmulatorError(f"{what}: the emulator does not know this resource type")
        return created, skipped

    def _role(self, iam: Any, what: str, inputs: Mapping[str, Any]) -> Deletes:
        trust = inputs["assumeRolePolicy"]
        if _size(trust) > TRUST_POLICY_SIZE_LIMIT:
            raise EmulatorError(f"{what}: trust policy exceeds {TRUST_POLICY_SIZE_LIMIT}")
        params = _drop_none(
            {
                "RoleName": inputs["name"],
                "Path": inputs.get("path"),
                "Description": inputs.get("description"),
                "AssumeRolePolicyDocument": trust,
                "PermissionsBoundary": inputs.get("permissionsBoundary"),
                "Tags": _tags(inputs),
            }
        )
        checked_call(iam, "CreateRole", what, **params)
        # moto validates a trust policy only on update: send it through that path too
        checked_call(
            iam, "UpdateAssumeRolePolicy", what, RoleName=inputs["name"], PolicyDocument=trust
        )
        return [("DeleteRole", {"RoleName": inputs["name"]})]

    def _policy(self, iam: Any, what: str, inputs: Mapping[str, Any]) -> Deletes:
        document = inputs["policy"]
        if _size(document) > POLICY_SIZE_LIMIT:
            raise EmulatorError(
                f"{what}: {_size(document)} characters, IAM allows {POLICY_SIZE_LIMIT}"
            )
        params = _drop_none(
            {
                "PolicyName": inputs["name"],
                "Path": inputs.get("path"),
                "PolicyDocument": document,
                "Description": inputs.get("description"),
                "Tags": _tags(inputs),
            }
        )
        arn = checked_call(iam, "CreatePolicy", what, **params)["Policy"]["Arn"]
        return [("DeletePolicy", {"PolicyArn": arn})]

    def _attachment(self, iam: Any, what: str, inputs: Mapping[str, Any]) -> Deletes:
        params = {"RoleName": inputs["role"], "PolicyArn": inputs["policyArn"]}
        checked_call(iam, "AttachRolePolicy", what, **params)
        return [("DetachRolePolicy", params)]

    def _profile(self, iam: Any, what: str, inputs: Mapping[str, Any]) -> Deletes:
        name = inputs["name"]
        params = _drop_none(
            {"InstanceProfileName": name, "Path": inputs.get("path"), "Tags": _tags(inputs)}
        )
        checked_call(iam, "CreateInstanceProfile", what, **params)
        pair = {"InstanceProfileName": name, "RoleName": inputs["role"]}
        checked_call(iam, "AddRoleToInstanceProfile", what, **pair)
        return [
            ("RemoveRoleFromInstanceProfile", pair),
            ("DeleteInstanceProfile", {"InstanceProfileName": name}),
        ]

    def _validate_ssm(
        self, ssm: Any, iam: Any, what: str, typ: str, inputs: Mapping[str, Any]
    ) -> str:
        """Check an SSM resource moto cannot create; returns why it was skipped."""
        if typ == ACTIVATION:
            operation, reference = "CreateActivation", inputs["iamRole"]
            params = _drop_none(
                {
                    "IamRole": reference,
                    "RegistrationLimit": inputs.get("registrationLimit"),
                    "Description": inputs.get("description"),
                    "Tags": _tags(inputs),
                }
            )
        else:
            operation, reference = "UpdateServiceSetting", inputs["settingValue"]
            params = {"SettingId": inputs["settingId"], "SettingValue": reference}
        problems = model_problems(ssm, operation, params)
        if problems:
            raise EmulatorError(f"{what}: {operation} parameters break the API model: {problems}")
        self._check_role_reference(iam, what, reference)
        return f"{typ}: moto's SSM has no {operation}"

    def _check_region(self, what: str, inputs: Mapping[str, Any], stack_region: str) -> None:
        """An SSM resource is created in its ``region`` input, else the provider's (the
        stack's) Region; a service setting's ARN must name that Region."""
        region = inputs.get("region", stack_region)
        if partition_of(region) is not partition_of(stack_region):
            raise EmulatorError(f"{what}: {region!r} is not a Region of the stack's partition")
        setting_id = inputs.get("settingId")
        if setting_id is not None and setting_id.split(":")[3] != region:
            raise EmulatorError(f"{what}: {setting_id} is not in {region}, where it is created")

    def _check_role_reference(self, iam: Any, what: str, reference: str) -> None:
        """SSM names a role as ``PATH/NAME`` without the leading slash (``service-role/X``):
        the role must exist with exactly that path."""
        role_path, _, role_name = ("/" + reference).rpartition("/")
        role = checked_call(iam, "GetRole", what, RoleName=role_name)["Role"]
        if role["Path"] != role_path + "/":
            raise EmulatorError(f"{what}: names path {role_path}/, role has {role['Path']}")

    def _read_back(self, plan: Plan, iam: Any, quota: int) -> Deployment:
        deployment = Deployment()
        role_names = {r["inputs"]["role"] for r in plan.resources if r["type"] == ATTACHMENT}
        role_names |= {r["inputs"]["name"] for r in plan.resources if r["type"] == ROLE}
        for name in sorted(role_names):
            deployment.roles[name] = iam.get_role(RoleName=name)["Role"]
            deployment.attached[name] = attached_arns(iam, name)
            if len(deployment.attached[name]) > quota:
                raise EmulatorError(
                    f"role {name}: {len(deployment.attached[name])} managed policies attached, "
                    f"quota {quota}"
                )
        for resource in plan.resources:
            if resource["type"] == POLICY:
                name = resource["inputs"]["name"]
                listed = iam.list_policies(Scope="Local")["Policies"]
                (policy,) = [p for p in listed if p["PolicyName"] == name]
                version = iam.get_policy_version(
                    PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
                )["PolicyVersion"]
                deployment.policies[policy["Arn"]] = version["Document"]
            elif resource["type"] == PROFILE:
                name = resource["inputs"]["name"]
                profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
                deployment.profiles[name] = [r["RoleName"] for r in profile["Roles"]]
        return deployment
