"""ssm-profile: the IAM instance profile for AWS Systems Manager, as a Pulumi program."""

__version__ = "0.1.0"
