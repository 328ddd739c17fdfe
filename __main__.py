"""ssm-profile: the IAM instance profile AWS Systems Manager needs, per stack."""

from ssm_profile.deploy.program import run

run()
