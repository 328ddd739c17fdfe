"""The component provider for every Pulumi language: Pulumi's analyzer run in-process on
the component, its schema asserted; the provider constructing the component from inputs as
another language sends them; the YAML example checked against the schema.

What cannot run here: the Pulumi CLI (`pulumi package add`, SDK generation, a YAML program
under `pulumi up`) and the plugin process the engine starts from provider/PulumiPlugin.yaml.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pulumi
import pytest
import yaml
from helpers import REPO
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.schema import generate_schema
from pulumi.provider.server import ComponentInitError

from ssm_profile import __version__
from ssm_profile.aws.types import COMPONENT, ROLE
from ssm_profile.config import KEYS
from ssm_profile.config.args import InstanceProfileArgs
from ssm_profile.deploy.provider import COMPONENTS, PACKAGE
from ssm_profile.offline.mocks import RecordingMocks
from ssm_profile.offline.runtime import mocked_runtime

TYPES = "#/types/ssm-profile:index:"

# Every input of the component: its schema type, written out (array<T>, map<T>, a $ref).
INPUTS = {
    "region": "string",
    "mode": "string",
    "existingRoleName": "string",
    "roleName": "string",
    "instanceProfileName": "string",
    "description": "string",
    "customPolicyName": "string",
    "customPolicyDescription": "string",
    "path": "string",
    "permissionsBoundary": "string",
    "tags": "map<string>",
    "regions": "array<string>",
    "vpcEndpoints": "boolean",
    "awsBuckets": "pulumi.json#/Any",
    "buckets": f"array<{TYPES}BucketArgs>",
    "corePolicy": "string",
    "parameterPaths": "array<string>",
    "directoryService": "boolean",
    "cloudWatchAgent": "boolean",
    "managedPolicies": "array<string>",
    "createInstanceProfile": "boolean",
    "maxManagedPolicies": "integer",
    "protect": "boolean",
    "plugins": "array<string>",
    "pluginConfig": "map<map<pulumi.json#/Any>>",
    "activation": f"{TYPES}ActivationArgs",
    "acceptFindings": f"array<{TYPES}AcceptedFindingArgs>",
}
OUTPUTS = {
    "roleName": "string",
    "roleArn": "string",
    "instanceProfileName": "string",
    "instanceProfileArn": "string",
    "managedPolicyArns": "array<string>",
    "customPolicyArns": "array<string>",
    "activationId": "string",
    "activationCode": "string",
    "serviceSettingId": "string",
    "s3EndpointPolicy": "string",
    "activationIds": "map<string>",
    "activationCodes": "map<string>",
    "serviceSettingIds": "map<string>",
}
NESTED = {
    "BucketArgs": (
        {"name": "string", "prefix": "string", "crossAccount": "boolean", "encrypted": "boolean"},
        ["name"],
    ),
    "ActivationArgs": (
        {"registrationLimit": "integer", "expirationDate": "string", "description": "string"},
        ["registrationLimit"],
    ),
    "AcceptedFindingArgs": (
        {"sid": "string", "finding": "string", "reason": "string", "subject": "string"},
        ["finding", "reason", "sid"],
    ),
}


def _kind(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"]
    if prop["type"] == "array":
        return f"array<{_kind(prop['items'])}>"
    if prop["type"] == "object" and "additionalProperties" in prop:
        return f"map<{_kind(prop['additionalProperties'])}>"
    return prop["type"]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = Analyzer(PACKAGE).analyze(COMPONENTS)
    return generate_schema(
        PACKAGE,
        __version__,
        None,
        result["component_definitions"],
        result["type_definitions"],
        sorted(result["dependencies"], key=str),
    ).to_json()


def test_the_schema_names_the_component_by_its_type_token(schema):
    assert (schema["name"], schema["version"]) == ("ssm-profile", __version__)
    assert list(schema["resources"]) == [COMPONENT]
    resource = schema["resources"][COMPONENT]
    assert resource["isComponent"] is True
    assert resource["description"].startswith("The IAM instance profile AWS Systems Manager")
    assert schema.get("dependencies", []) == []


def test_every_input_has_its_type_a_description_and_is_optional(schema):
    resource = schema["resources"][COMPONENT]
    inputs = resource["inputProperties"]
    assert {name: _kind(prop) for name, prop in inputs.items()} == INPUTS
    assert resource["requiredInputs"] == []
    # plain: the arguments are checked when the component is built, so they must be known
    assert all(prop.get("plain") is True for prop in inputs.values())
    analyzer = Analyzer(PACKAGE)
    for name, prop in inputs.items():
        field = re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)
        doc = analyzer.get_docstring(InstanceProfileArgs, field)
        assert doc and prop["description"] == doc, name


def test_the_inputs_are_the_stack_keys_and_the_region(schema):
    inputs = set(schema["resources"][COMPONENT]["inputProperties"])
    assert inputs == {key.name for key in KEYS} | {"region"}


def test_every_output_has_its_type_and_a_description(schema):
    resource = schema["resources"][COMPONENT]
    outputs = resource["properties"]
    assert {name: _kind(prop) for name, prop in outputs.items()} == OUTPUTS
    assert all(prop["description"] for prop in outputs.values())
    # the outputs every mode sets; the others are absent where a mode builds no such thing
    assert resource["required"] == ["customPolicyArns", "managedPolicyArns", "roleName"]


def test_the_nested_types_have_their_fields_and_required_ones(schema):
    assert set(schema["types"]) == {f"ssm-profile:index:{name}" for name in NESTED}
    for name, (fields, required) in NESTED.items():
        declared = schema["types"][f"ssm-profile:index:{name}"]
        assert declared["description"]
        assert {f: _kind(p) for f, p in declared["properties"].items()} == fields, name
        assert all(p["description"] for p in declared["properties"].values()), name
        assert sorted(declared.get("required", [])) == required, name


def _construct(inputs: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The provider builds the component from schema-named inputs, as the engine hands them
    for a program in another language; (its resolved state, what it registered)."""
    mocks = RecordingMocks(region="eu-west-1", stack="unit")
    state: dict[str, Any] = {}
    with mocked_runtime(mocks, "p", "unit", {"aws:region": "eu-west-1"}) as monitor:
        provider = ComponentProvider(COMPONENTS, PACKAGE, version=__version__)

        @pulumi.runtime.test
        def construct() -> pulumi.Output[Any]:
            result = provider.construct("web", COMPONENT, inputs, None)
            names = sorted(result.state)
            return pulumi.Output.all(*[result.state[n] for n in names]).apply(
                lambda values: state.update(zip(names, values, strict=True))
            )

        construct()
    return state, monitor.registrations


def test_the_provider_builds_the_component_from_another_languages_inputs():
    state, registered = _construct(
        {
            "roleName": "WebSSM",
            "maxManagedPolicies": 12.0,  # every number crosses the wire as a double
            "buckets": [{"name": "web-logs", "crossAccount": True}],
            "tags": {"team_name": "web"},
        }
    )
    assert state["roleArn"] == "arn:aws:iam::123456789012:role/WebSSM"
    assert state["customPolicyArns"] == [
        "arn:aws:iam::123456789012:policy/SSMInstanceProfileS3Policy-unit"
    ]
    role = next(r for r in registered if r["type"] == ROLE)
    assert role["inputs"]["tags"] == {"team_name": "web"}
    policy = next(r for r in registered if r["name"] == "web-policy")
    assert "s3:PutObjectAcl" in policy["inputs"]["policy"]


def test_a_bad_input_from_another_language_is_the_one_line_error():
    with pytest.raises(ComponentInitError) as caught:
        _construct({"activation": {"registrationLimit": 3.0}})
    assert str(caught.value) == (
        "ssm-profile:activation: is only allowed in hybrid mode (this stack's mode is ec2)"
    )


def test_the_plugin_folder_runs_the_provider():
    plugin = REPO / "provider"
    assert yaml.safe_load((plugin / "PulumiPlugin.yaml").read_text()) == {"runtime": "python"}
    main = ast.parse((plugin / "__main__.py").read_text())
    imports = [n for n in ast.walk(main) if isinstance(n, ast.ImportFrom)]
    assert [(n.module, [a.name for a in n.names]) for n in imports] == [
        ("ssm_profile.deploy.provider", ["main"])
    ]
    assert (plugin / "requirements.txt").read_text().splitlines()[-1] == ".."


def _references(value: Any) -> list[tuple[str, str]]:
    """Every ``${resource.property}`` in a YAML program's values."""
    if isinstance(value, dict):
        return [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    if isinstance(value, str):
        return re.findall(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}", value)
    return []


def test_the_yaml_example_uses_the_schemas_inputs_and_outputs(schema):
    folder = REPO / "examples" / "yaml"
    program = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert program["runtime"] == "yaml"
    (provider,) = program["plugins"]["providers"]
    assert provider["name"] == PACKAGE
    assert (folder / provider["path"] / "PulumiPlugin.yaml").is_file()
    resource = schema["resources"][COMPONENT]
    ours = {n: r for n, r in program["resources"].items() if r["type"] == COMPONENT}
    assert ours
    for name, declared in ours.items():
        assert set(declared.get("properties", {})) <= set(resource["inputProperties"]), name
    used = [(r, p) for r, p in _references(program.get("outputs", {})) if r in ours]
    assert used and {p for _, p in used} <= set(resource["properties"])
