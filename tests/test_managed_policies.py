"""AWS managed policies are judged by what they grant, not only by name: the shipped verdicts
are the gate's on moto's copy of AWS's policies, and the plan refuses unknown or broad ones,
naming the key or the plugin."""

from __future__ import annotations

import json

import pytest
from helpers import HARMLESS_MANAGED, error_of

from ssm_profile.iam import managed, managed_data


def test_the_shipped_verdicts_are_what_the_installed_moto_and_the_gate_give():
    """Fails after a moto or gate change until `make data` regenerates the file."""
    assert managed_data.DATA_FILE.read_text(encoding="utf-8") == managed_data.render(
        managed_data.generate()
    )


@pytest.mark.parametrize("name", HARMLESS_MANAGED)
def test_the_policies_the_tests_use_as_harmless_are(name):
    assert managed.managed_policy_content_problem(f"arn:aws:iam::aws:policy/{name}") is None


@pytest.mark.parametrize(
    "name",
    [
        "AmazonSSMManagedInstanceCore",
        "AmazonSSMManagedEC2InstanceDefaultPolicy",
        "AmazonSSMDirectoryServiceAccess",
        "CloudWatchAgentServerPolicy",
    ],
)
def test_the_policies_the_guide_attaches_pass(name):
    assert managed.managed_policy_content_problem(f"arn:aws:iam::aws:policy/{name}") is None


@pytest.mark.parametrize(
    ("name", "worst"),
    [
        ("service-role/AmazonElasticMapReduceRole", "PRIVILEGE_ESCALATION CreateEC2WithExistingIP"),
        ("job-function/SystemAdministrator", "PRIVILEGE_ESCALATION"),
        ("SecretsManagerReadWrite", "PERMISSIONS_MANAGEMENT"),
        ("service-role/AmazonSSMAutomationRole", "PRIVILEGE_ESCALATION ssm:*"),
        ("service-role/AmazonEC2RoleforSSM", "BUCKET_WILDCARD"),
        ("AmazonS3ReadOnlyAccess", "BUCKET_WILDCARD"),
    ],
)
def test_broad_managed_policies_are_refused_by_content(resolve_stack, name, worst):
    """The red team attached these with exit 0: each passes the name rule."""
    message = error_of(resolve_stack, {"managedPolicies": [name]})
    assert message.startswith(
        f"ssm-profile:managedPolicies[0]: arn:aws:iam::aws:policy/{name} grants what the "
        f"least-privilege gate refuses ({worst}"
    )


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("AmazonSSMPatchAssociaton", "; did you mean AmazonSSMPatchAssociation?"),
        ("AmazonEC2RoleforSSM", "; did you mean service-role/AmazonEC2RoleforSSM?"),
    ],
)
def test_a_policy_aws_does_not_have_is_refused_with_a_suggestion(resolve_stack, given, hint):
    message = error_of(resolve_stack, {"managedPolicies": [given]})
    assert message == (
        f"ssm-profile:managedPolicies[0]: arn:aws:iam::aws:policy/{given} is not an AWS "
        f"managed policy ({managed.source()}), so IAM would refuse it{hint}"
    )


def test_a_plugins_broad_managed_policy_names_the_plugin(resolve_stack, plugin_dir):
    plugin_dir(
        "acme_emr",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["service-role/AmazonElasticMapReduceRole"]
        """,
    )
    message = error_of(resolve_stack, {"plugins": ["acme_emr"]})
    assert message.startswith('plugin "acme_emr" (ssm_profile_managed_policies): ')
    assert "PRIVILEGE_ESCALATION" in message


def test_customer_managed_policies_are_not_judged(resolve_stack):
    arn = "arn:aws:iam::111122223333:policy/TeamPolicy"
    assert arn in resolve_stack({"managedPolicies": [arn]}).managed_policy_arns


def test_the_data_file_names_its_source():
    data = json.loads(managed_data.DATA_FILE.read_text(encoding="utf-8"))
    assert data["source"].startswith("moto ") and "updated up to 20" in data["source"]
