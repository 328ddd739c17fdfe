"""Pulumi type tokens of the resources a stack registers (the one place they are spelled).

``policy/ssm_guardrails.py`` keeps its own copies, since Pulumi loads the policy pack without
this package; ``tests/test_policy_pack.py`` pins them to these.
"""

from __future__ import annotations

COMPONENT = "ssm-profile:index:InstanceProfile"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
# Never registered: how drift names a role's inline policy, which no stack manages.
INLINE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ACTIVATION = "aws:ssm/activation:Activation"
SERVICE_SETTING = "aws:ssm/serviceSetting:ServiceSetting"
# An explicit AWS provider, as a program that embeds the component may create.
AWS_PROVIDER = "pulumi:providers:aws"

# The one invoke the program makes.
GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
