"""IAM emulator harness: replay a recorded plan against moto's IAM, the way the AWS provider
would call IAM, so that an IAM implementation nobody here wrote accepts every resource.

Each registered resource becomes the IAM API calls the provider makes (``CreateRole``,
``CreatePolicy``, ``AttachRolePolicy``, ``CreateInstanceProfile`` + ``AddRoleToInstanceProfile``),
in registration order, through boto3 against moto with AWS's managed policies loaded
(``MOTO_IAM_LOAD_MANAGED_POLICIES``). Every call's parameters are first checked against the
service's API model in botocore (length limits, patterns, ranges), which botocore's own
client-side validation skips. Afterwards the harness reads everything back and tears it down in
reverse order, as ``pulumi destroy`` would.

What moto does not emulate is checked here from IAM's documented limits or skipped, explicitly:
- ``CreateRole`` does not validate the trust policy in moto, so the harness also sends it
  through ``UpdateAssumeRolePolicy``, which does;
- moto enforces neither the 6,144-character managed policy size, the 2,048-character trust
  policy size, nor the per-role quota of attached managed policies: checked here;
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
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# moto reads this when it builds an IAM backend; set it before moto is imported.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

import boto3
import botocore.exceptions
from helpers import ACTIVATION, ATTACHMENT, COMPONENT, POLICY, PROFILE, ROLE, SERVICE_SETTING
from moto import mock_aws
from moto.utilities.utils import get_partition as moto_partition

from ssm_profile.aws.partitions import partition_of
from ssm_profile.offline.plan import Plan

# IAM's limits, restated here on purpose rather than imported from ssm_profile.aws.limits:
# the emulator is the outside check of what the program believes.
POLICY_SIZE_LIMIT = 6144
TRUST_POLICY_SIZE_LIMIT = 2048
DEFAULT_ATTACHED_POLICIES_QUOTA = 10


class EmulatorError(AssertionError):
    """IAM (or its API model) refused a resource; names the resource and the reason."""


def _size(document: str) -> int:
    return sum(1 for c in document if not c.isspace())


def model_problems(client: Any, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Constraints of the service's API model that ``params`` break (botocore checks only
    required members, types and minimum lengths itself)."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    problems: list[str] = []

    def check(shape: Any, value: Any, where: str) -> None:
        meta = shape.metadata
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                if name in value:
                    check(member, value[name], f"{where}.{name}" if where else name)
        elif shape.type_name == "list":
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} items, at most {meta['max']} allowed")
            for i, item in enumerate(value):
                check(shape.member, item, f"{where}[{i}]")
        elif shape.type_name == "string":
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} characters, at most {meta['max']}")
            if "min" in meta and len(value) < meta["min"]:
                problems.append(f"{where}: {len(value)} characters, at least {meta['min']}")
            if "pattern" in meta:
                try:
                    pattern = re.compile(meta["pattern"])
                except re.error:
                    return  # a Java-only construct (\p{L}); botocore's model, not ours
                if not pattern.fullmatch(value):
                    problems.append(f"{where}: {value!r} does not match {meta['pattern']}")
        elif shape.type_name in ("integer", "long"):
            if "min" in meta and value < meta["min"]:
                problems.append(f"{where}: {value} is below {meta['min']}")
            if "max" in meta and value > meta["max"]:
                problems.append(f"{where}: {value} is above {meta['max']}")

    check(shape, params, "")
    return problems


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, [], "")}


@dataclass
class Deployment:
    """What one replayed plan left in the emulated account, read back from IAM."""

    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    attached: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _with_arns_in(plan: Plan, partition: str, emulated: str) -> Plan:
    """A copy of ``plan`` whose ARNs are in the partition moto uses for its Region."""
    text = json.dumps(plan.resources).replace(f"arn:{partition}:", f"arn:{emulated}:")
    return Plan(plan.project, plan.stack, json.loads(text), plan.outputs, plan.warnings)


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

    def _call(self, client: Any, operation: str, what: str, **params: Any) -> Any:
        problems = model_problems(client, operation, params)
        if problems:
            raise EmulatorError(f"{what}: {operation} parameters break the API model: {problems}")
        method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
        try:
            return method(**params)
        except (botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError) as e:
            raise EmulatorError(f"{what}: {operation} refused: {e}") from None

    @contextmanager
    def deployed(
        self,
        plan: Plan,
        region: str,
        *,
        existing_roles: tuple[str, ...] = (),
        quota: int = DEFAULT_ATTACHED_POLICIES_QUOTA,
    ) -> Iterator[Deployment]:
        """Replay ``plan`` (resources in registration order), yield what IAM then holds, and
        delete it all in reverse order on exit. ``existing_roles`` are created first, as the
        account's own roles (``existing-role`` mode)."""
        partition = partition_of(region)
        assert partition is not None, region
        emulated = moto_partition(region)
        if emulated != partition.name:
            plan = _with_arns_in(plan, partition.name, emulated)
        iam = self.client("iam", region)
        ssm = self.client("ssm", region)
        undo: list[tuple[str, dict[str, Any]]] = []
        try:
            for name in existing_roles:
                trust = {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": partition.service_principal("ec2")},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
                self._call(
                    iam,
                    "CreateRole",
                    f"existing role {name}",
                    RoleName=name,
                    AssumeRolePolicyDocument=json.dumps(trust),
                )
                undo.append(("DeleteRole", {"RoleName": name}))
            skipped = self._replay(plan, iam, ssm, undo)
            deployment = self._read_back(plan, iam, quota)
            deployment.skipped = skipped
            if emulated != partition.name:
                _read_back_in(deployment, emulated, partition.name)
                deployment.skipped.append(
                    f"partition {partition.name}: moto files {region} under {emulated}; ARNs "
                    f"replayed as arn:{emulated}:, so the partition of ARNs is not checked"
                )
            yield deployment
        except BaseException:
            self._teardown(iam, undo, strict=False)
            raise
        self._teardown(iam, undo, strict=True)

    def _teardown(self, iam: Any, undo: list[tuple[str, dict[str, Any]]], strict: bool) -> None:
        """Delete in reverse order, as ``pulumi destroy`` does; after a failure, best effort."""
        for operation, params in reversed(undo):
            try:
                self._call(iam, operation, f"teardown {operation}", **params)
            except EmulatorError:
                if strict:
                    raise

    def _replay(self, plan: Plan, iam: Any, ssm: Any, undo: list) -> list[str]:
        skipped = []
        for resource in plan.resources:
            typ, inputs = resource["type"], resource["inputs"]
            what = f"{typ} {resource['name']}"
            if typ == COMPONENT:
                continue
            if typ == ROLE:
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
                self._call(iam, "CreateRole", what, **params)
                undo.append(("DeleteRole", {"RoleName": inputs["name"]}))
                # moto validates a trust policy only on update: send it through that path too
                self._call(
                    iam,
                    "UpdateAssumeRolePolicy",
                    what,
                    RoleName=inputs["name"],
                    PolicyDocument=trust,
                )
            elif typ == POLICY:
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
                arn = self._call(iam, "CreatePolicy", what, **params)["Policy"]["Arn"]
                undo.append(("DeletePolicy", {"PolicyArn": arn}))
            elif typ == ATTACHMENT:
                params = {"RoleName": inputs["role"], "PolicyArn": inputs["policyArn"]}
                self._call(iam, "AttachRolePolicy", what, **params)
                undo.append(("DetachRolePolicy", params))
            elif typ == PROFILE:
                params = _drop_none(
                    {
                        "InstanceProfileName": inputs["name"],
                        "Path": inputs.get("path"),
                        "Tags": _tags(inputs),
                    }
                )
                self._call(iam, "CreateInstanceProfile", what, **params)
                undo.append(("DeleteInstanceProfile", {"InstanceProfileName": inputs["name"]}))
                pair = {"InstanceProfileName": inputs["name"], "RoleName": inputs["role"]}
                self._call(iam, "AddRoleToInstanceProfile", what, **pair)
                undo.append(("RemoveRoleFromInstanceProfile", pair))
            elif typ == ACTIVATION:
                params = _drop_none(
                    {
                        "IamRole": inputs["iamRole"],
                        "RegistrationLimit": inputs.get("registrationLimit"),
                        "Description": inputs.get("description"),
                        "Tags": _tags(inputs),
                    }
                )
                self._validate_only(ssm, "CreateActivation", what, params)
                self._check_role_reference(iam, what, inputs["iamRole"])
                skipped.append(f"{typ}: moto's SSM has no CreateActivation")
            elif typ == SERVICE_SETTING:
                params = {"SettingId": inputs["settingId"], "SettingValue": inputs["settingValue"]}
                self._validate_only(ssm, "UpdateServiceSetting", what, params)
                self._check_role_reference(iam, what, inputs["settingValue"])
                skipped.append(f"{typ}: moto's SSM has no UpdateServiceSetting")
            else:
                raise EmulatorError(f"{what}: the emulator does not know this resource type")
        return skipped

    def _check_role_reference(self, iam: Any, what: str, reference: str) -> None:
        """SSM names a role as ``PATH/NAME`` without the leading slash (``service-role/X``):
        the role must exist with exactly that path."""
        role_path, _, role_name = ("/" + reference).rpartition("/")
        role = self._call(iam, "GetRole", what, RoleName=role_name)["Role"]
        if role["Path"] != role_path + "/":
            raise EmulatorError(f"{what}: names path {role_path}/, role has {role['Path']}")

    def _validate_only(self, client: Any, operation: str, what: str, params: dict) -> None:
        problems = model_problems(client, operation, params)
        if problems:
            raise EmulatorError(f"{what}: {operation} parameters break the API model: {problems}")

    def _read_back(self, plan: Plan, iam: Any, quota: int) -> Deployment:
        deployment = Deployment()
        role_names = {r["inputs"]["role"] for r in plan.resources if r["type"] == ATTACHMENT}
        role_names |= {r["inputs"]["name"] for r in plan.resources if r["type"] == ROLE}
        for name in sorted(role_names):
            deployment.roles[name] = iam.get_role(RoleName=name)["Role"]
            attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            deployment.attached[name] = sorted(p["PolicyArn"] for p in attached)
            if len(attached) > quota:
                raise EmulatorError(
                    f"role {name}: {len(attached)} managed policies attached, quota {quota}"
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
