"""Two instance profiles in two accounts: one explicit AWS provider per account, each handed
to its own InstanceProfile.

Config (Pulumi.prod.yaml): ``two-accounts:accounts`` maps a short name to an account id, and
``two-accounts:deployRole`` names the role the deployment assumes in each. Each provider is
restricted to its account (``allowed_account_ids``), so a wrong credential fails instead of
deploying into another account. Plan it offline from the repository's root:

    python -m ssm_profile plan --stack prod --stacks-dir examples/two-accounts \\
        --program two_accounts:main
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ssm_profile import InstanceProfile, InstanceProfileArgs


def main() -> None:
    config = pulumi.Config()
    region = pulumi.Config("aws").require("region")
    deploy_role = config.require("deployRole")
    accounts: dict[str, str] = config.require_object("accounts")
    for name, account in accounts.items():
        provider = aws.Provider(
            f"{name}-account",
            region=region,
            allowed_account_ids=[account],
            assume_roles=[
                aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{account}:role/{deploy_role}")
            ],
        )
        profile = InstanceProfile(
            f"{name}-ssm",
            InstanceProfileArgs(
                role_name=f"SSMInstanceProfile-{name}",
                tags={"account": name},
                protect=True,
            ),
            opts=pulumi.ResourceOptions(provider=provider),
        )
        pulumi.export(f"{name}RoleArn", profile.role_arn)
        pulumi.export(f"{name}InstanceProfileName", profile.instance_profile_name)
