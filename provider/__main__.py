"""What Pulumi runs for the ssm-profile component provider (PulumiPlugin.yaml)."""

from ssm_profile.deploy.provider import main

if __name__ == "__main__":
    main()
