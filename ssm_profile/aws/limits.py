"""IAM's limits and quotas that a stack must respect (IAM User Guide, "IAM and AWS STS
quotas"; sources in docs/aws-facts.md)."""

from __future__ import annotations

POLICY_SIZE_LIMIT = 6144  # characters of a managed policy document, whitespace not counted
TRUST_POLICY_SIZE_LIMIT = 2048  # characters of a role trust policy (default quota)
MAX_TAGS = 50  # tags per IAM role, policy or instance profile
DEFAULT_MANAGED_POLICIES_QUOTA = 10  # managed policies attached to one role, by default
# ... and at most, after a quota increase. Reports from 2026 say 25, but no AWS page confirms
# it: 20 is the bound every account can rely on (docs/aws-facts.md).
MAX_MANAGED_POLICIES_QUOTA = 20
ROLE_NAME_LIMIT = 64
INSTANCE_PROFILE_NAME_LIMIT = 128
POLICY_NAME_LIMIT = 128
PATH_LIMIT = 512
POLICY_ARN_LIMIT = 2048  # AttachRolePolicy's PolicyArn, CreateRole's PermissionsBoundary
ROLE_DESCRIPTION_LIMIT = 1000
POLICY_DESCRIPTION_LIMIT = 1000  # CreatePolicy's Description (no character pattern)
# What SSM accepts as IamRole of an activation or as the DHMC service setting's value: the
# role's path (without its leading slash) and name.
SSM_ROLE_REFERENCE_LIMIT = 64
# Characters of a VPC endpoint policy, whitespace included (VPC User Guide, endpoint policies).
ENDPOINT_POLICY_SIZE_LIMIT = 20480
