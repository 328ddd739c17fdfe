"""ssm-profile's CrossGuard policy pack: `pulumi preview --policy-pack policy`."""

from pulumi_policy import PolicyPack
from ssm_guardrails import policies

PolicyPack(name="ssm-profile-guardrails", policies=policies())
