"""Warnings (docs/configuration.md, "Warnings"): the pure stages collect them on the blueprint,
the program logs each through Pulumi's engine (``pulumi.log.warn``), and the offline plan
records them from the mocked engine, prints one ``warning:`` line each on stderr, keeps exit
status 0, and carries them in the plan file and its renderings."""

from __future__ import annotations

import json

import pulumi
import pytest
from helpers import REPO, write_stack
from markdown_it import MarkdownIt

from ssm_profile.cli import main
from ssm_profile.offline import planfile, report
from ssm_profile.offline.planfile import PlanFormatError

PATCHING = (
    "ssm-profile:awsBuckets: ap-southeast-5, feature patching: AWS publishes no bucket suffix "
    "for ap-southeast-5, so aws-patch-manager-ap-southeast-5-SUFFIX is not granted and this "
    "feature cannot download from it through VPC endpoints"
)
MACOS = (
    "ssm-profile:awsBuckets: ap-southeast-5, feature patching-macos: AWS publishes no bucket "
    "suffix for ap-southeast-5, so aws-patchmanager-macos-ap-southeast-5-SUFFIX is not granted "
    "and this feature cannot download from it through VPC endpoints"
)
STANDARD = (
    "ssm-profile:awsBuckets: standard is the old name of the preset guide, the guide's six "
    "buckets; set guide to keep them, or current for AWS's current list (docs/configuration.md)"
)
UNPUBLISHED = {"vpcEndpoints": True}


def test_the_blueprint_collects_what_cannot_be_granted(resolve_stack):
    blueprint = resolve_stack(UNPUBLISHED, region="ap-southeast-5")
    assert blueprint.warnings == (PATCHING, MACOS)


def test_the_program_logs_each_warning_through_pulumis_engine(plan_stack, monkeypatch):
    logged: list[str] = []
    real = pulumi.log.warn

    def warn(message: str, *args, **kwargs) -> None:
        logged.append(message)
        real(message, *args, **kwargs)

    monkeypatch.setattr(pulumi.log, "warn", warn)
    plan = plan_stack(UNPUBLISHED, region="ap-southeast-5")
    assert logged == [PATCHING, MACOS]
    # what the plan holds is what the mocked engine received, in order
    assert plan.warnings == logged


def test_a_clean_stack_has_no_warning(plan_stack):
    assert plan_stack({"vpcEndpoints": True}, region="eu-west-1").warnings == []


def test_the_old_preset_name_is_one_warning_and_means_guide(plan_stack):
    old = plan_stack({"vpcEndpoints": True, "awsBuckets": "standard"})
    guide = plan_stack({"vpcEndpoints": True, "awsBuckets": "guide"})
    assert old.warnings == [STANDARD]
    assert old.resources == guide.resources and guide.warnings == []


def test_the_old_name_warns_without_vpc_endpoints_too(plan_stack):
    assert plan_stack({"awsBuckets": "standard"}).warnings == [STANDARD]


def test_no_bucket_warning_without_vpc_endpoints(plan_stack):
    assert plan_stack({}, region="ap-southeast-5").warnings == []


def test_each_region_and_feature_is_one_line(plan_stack):
    plan = plan_stack(
        {"vpcEndpoints": True, "regions": ["eu-west-1", "me-west-1", "sa-west-1"]},
        region="eu-west-1",
    )
    assert [w.split(":")[2].strip() for w in plan.warnings] == [
        "me-west-1, feature patching",
        "me-west-1, feature patching-macos",
        "sa-west-1, feature patching",
        "sa-west-1, feature patching-macos",
    ]


def test_outside_aws_the_warning_calls_the_names_unconfirmed(plan_stack):
    plan = plan_stack({"vpcEndpoints": True, "awsBuckets": ["documents"]}, region="cn-north-1")
    assert plan.warnings == [
        "ssm-profile:awsBuckets: cn-north-1, feature documents: no AWS source lists the bucket "
        "names of partition aws-cn; granted by the documented pattern, unconfirmed: "
        "aws-ssm-cn-north-1, aws-windows-downloads-cn-north-1"
    ]


# --- the command line and the plan file ---------------------------------------------------


@pytest.fixture
def stacks(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    write_stack(tmp_path, "new", {"aws:region": "ap-southeast-5", **UNPUBLISHED})
    write_stack(tmp_path, "old", {"aws:region": "eu-west-1", "awsBuckets": "standard"})
    return tmp_path


def test_the_plan_prints_one_warning_line_each_on_stderr_and_exits_0(stacks, capsys):
    status = main(["plan", "--stack", "new", "--stacks-dir", str(stacks), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0
    assert err.splitlines() == [f"warning: {PATCHING}", f"warning: {MACOS}"]
    assert json.loads(out)["warnings"] == [PATCHING, MACOS]


def test_with_all_each_warning_names_its_stack(stacks, capsys):
    status = main(["plan", "--all", "--stacks-dir", str(stacks), "--out", str(stacks / "out")])
    _, err = capsys.readouterr()
    assert status == 0
    assert err.splitlines() == [
        f"warning: stack new: {PATCHING}",
        f"warning: stack new: {MACOS}",
        f"warning: stack old: {STANDARD}",
    ]


def test_the_text_plan_shows_the_warnings_first(stacks, capsys):
    main(["plan", "--stack", "new", "--stacks-dir", str(stacks)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[2:5] == ["Warnings:", f"    warning: {PATCHING}", f"    warning: {MACOS}"]


def test_the_markdown_plan_shows_the_warnings_first(stacks, capsys):
    main(["plan", "--stack", "new", "--stacks-dir", str(stacks), "--format", "markdown"])
    tokens = MarkdownIt("commonmark").enable("table").parse(capsys.readouterr().out)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1] == "Warnings"
    items = [t.content for t in tokens if t.type == "inline" and t.content.startswith("warning:")]
    assert items == [f"warning: `{PATCHING}`", f"warning: `{MACOS}`"]  # as code, never markdown


def test_a_plan_without_warnings_renders_no_section(plan_stack):
    plan = plan_stack().to_json()
    assert "Warnings" not in report.to_text(plan) + report.to_markdown(plan)


def test_plan_files_without_warnings_are_still_plans(plan_stack):
    plan = plan_stack().to_json()
    del plan["warnings"]
    assert planfile.check_plan(plan, "old.json") == plan


@pytest.mark.parametrize(
    ("warnings", "why"),
    [
        ("one", '"warnings" is a string, not an array'),
        ([1], "warnings[0] is a number, not a string"),
        (["ok", None], "warnings[1] is null, not a string"),
    ],
)
def test_malformed_warnings_are_refused(plan_stack, warnings, why):
    plan = {**plan_stack().to_json(), "warnings": warnings}
    with pytest.raises(PlanFormatError) as caught:
        planfile.check_plan(plan, "bad.json")
    assert str(caught.value) == (
        f"bad.json: not a plan ({why}); expected the output of `plan --format json`"
    )
