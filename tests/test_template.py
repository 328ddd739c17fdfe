"""``pulumi new`` from this repository: the ``template:`` section of ``Pulumi.yaml`` asks for
the Region, the mode and VPC endpoints, and every answer makes a stack the program checks."""

from __future__ import annotations

import pytest
import yaml
from helpers import REPO

from ssm_profile.aws.partitions import ALL_REGIONS
from ssm_profile.config import KEYS, MODES, load_settings
from ssm_profile.errors import ConfigError

PROJECT = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
TEMPLATE = PROJECT["template"]
DEFAULTS = {key.name: key.default for key in KEYS}


def test_the_template_asks_for_the_region_the_mode_and_vpc_endpoints():
    assert TEMPLATE["displayName"] and TEMPLATE["description"]
    assert list(TEMPLATE["config"]) == [
        "aws:region",
        "ssm-profile:mode",
        "ssm-profile:vpcEndpoints",
    ]
    for key, question in TEMPLATE["config"].items():
        assert set(question) == {"description", "default"}, key
        assert isinstance(question["default"], str), key  # the CLI writes answers as strings


def test_its_defaults_are_the_programs():
    config = TEMPLATE["config"]
    assert config["aws:region"]["default"] in ALL_REGIONS
    assert config["ssm-profile:mode"]["default"] == DEFAULTS["mode"]
    assert config["ssm-profile:vpcEndpoints"]["default"] == str(DEFAULTS["vpcEndpoints"]).lower()
    assert config["ssm-profile:mode"]["description"].endswith(" | ".join(MODES))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("vpc_endpoints", ["true", "false"])
def test_every_answer_makes_a_stack_the_program_accepts(mode, vpc_endpoints):
    answers = {
        "aws:region": TEMPLATE["config"]["aws:region"]["default"],
        "ssm-profile:mode": mode,
        "ssm-profile:vpcEndpoints": vpc_endpoints,
    }
    if mode == "existing-role":  # the quickstart names the one more key this mode needs
        with pytest.raises(ConfigError, match="existingRoleName: is required"):
            load_settings(answers, PROJECT["name"], "new")
        assert "ssm-profile:existingRoleName" in TEMPLATE["quickstart"]
        answers["ssm-profile:existingRoleName"] = "WebServerRole"
    settings = load_settings(answers, PROJECT["name"], "new")
    assert (settings.mode, settings.vpc_endpoints) == (mode, vpc_endpoints == "true")
