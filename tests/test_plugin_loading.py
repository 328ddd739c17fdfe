"""Plugins are found by name (entry point, then module), their hook implementations checked,
and listed by the `plugins` command (docs/plugins.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import (
    POLICY,
    REPO,
    ROLE,
    STATEMENT,
    error_of,
    one,
    statements,
    statements_plugin,
)

from ssm_profile.cli import main as cli


def test_installed_but_unlisted_plugins_have_no_effect(plan_stack, plugin_dir, fake_dist):
    statements_plugin(plugin_dir, "acme_unlisted", json.dumps([STATEMENT]))
    fake_dist("acme-unlisted", "1.0", {"acme": "acme_unlisted"})
    plan = plan_stack({})
    assert statements(plan) == []
    assert plan.outputs["plugins"] == []


def test_entry_point_name_loads_the_distributions_plugin(plan_stack, plugin_dir, fake_dist):
    statements_plugin(plugin_dir, "acme_ep_module", json.dumps([STATEMENT]))
    fake_dist("acme-ssm-plugins", "2.3.1", {"acme": "acme_ep_module"})
    plan = plan_stack({"plugins": ["acme"]})
    assert [s["Sid"] for s in statements(plan)] == ["AcmeParameters"]
    assert plan.outputs["plugins"] == [
        {
            "hooks": ["ssm_profile_statements"],
            "name": "acme",
            "source": "acme-ssm-plugins 2.3.1 (acme_ep_module)",
            "version": "2.3.1",
            "statements": ["AcmeParameters"],
            "managedPolicies": [],
        }
    ]


def test_plugin_module_outside_the_repo_on_pythonpath_reaches_plan_json(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "outside_plugin.py").write_text(
        "from ssm_profile import hookimpl\n\n@hookimpl\n"
        f"def ssm_profile_statements(context):\n    return [{STATEMENT!r}]\n"
    )
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.ext.yaml").write_text(
        "config:\n  aws:region: us-east-2\n  ssm-profile:plugins: [outside_plugin]\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ssm_profile",
            "plan",
            "--stack",
            "ext",
            "--stacks-dir",
            str(stacks),
            "--format",
            "json",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    policy = next(r for r in json.loads(result.stdout)["resources"] if r["type"] == POLICY)
    assert json.loads(policy["inputs"]["policy"])["Statement"] == [STATEMENT]


def test_unknown_hook_name_is_named_with_a_suggestion(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_typo",
        """
        @hookimpl
        def ssm_profile_statement(context):
            return []
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_typo" (ssm_profile_statement): unknown hook; '
        "did you mean ssm_profile_statements?"
    )


ORDER = "plugins are called one by one in the order of ssm-profile:plugins; remove it"


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        pytest.param(
            "@hookimpl(tryfirst=True)",
            f"@hookimpl(tryfirst=True) is not supported: {ORDER}",
            id="tryfirst",
        ),
        pytest.param(
            "@hookimpl(trylast=True)",
            f"@hookimpl(trylast=True) is not supported: {ORDER}",
            id="trylast",
        ),
        pytest.param(
            "@hookimpl(optionalhook=True)",
            "@hookimpl(optionalhook=True) is not supported: every hook must be one of "
            "ssm-profile's hooks (an unknown name is an error); remove it",
            id="optionalhook",
        ),
        pytest.param(
            "@hookimpl(wrapper=True)",
            "@hookimpl(wrapper=True) is not supported: the host calls each implementation "
            "itself, so there is nothing to wrap; remove it",
            id="wrapper",
        ),
        pytest.param(
            "@hookimpl(hookwrapper=True)",
            "@hookimpl(hookwrapper=True) is not supported: the host calls each implementation "
            "itself, so there is nothing to wrap; remove it",
            id="hookwrapper",
        ),
    ],
)
def test_hookimpl_options_are_refused_naming_plugin_and_hook(
    resolve_stack, plugin_dir, decorator, expected
):
    name = plugin_dir(
        "acme_opts",
        f"""
        {decorator}
        def ssm_profile_tags(context):
            return {{"team": "a"}}
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        f'plugin "acme_opts" (ssm_profile_tags): {expected}'
    )


def test_hookimpl_specname_pointing_elsewhere_is_refused(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_specname",
        """
        @hookimpl(specname="ssm_profile_tags")
        def team_tags(context):
            return {"team": "a"}
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_specname" (ssm_profile_tags): @hookimpl(specname=...) is not supported: '
        "name the function ssm_profile_tags instead of team_tags"
    )


def test_hookimpl_specname_equal_to_the_function_name_is_harmless(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_same_specname",
        """
        @hookimpl(specname="ssm_profile_tags")
        def ssm_profile_tags(context):
            return {"team": "a"}
        """,
    )
    assert one(plan_stack({"plugins": [name]}), ROLE)["inputs"]["tags"] == {"team": "a"}


def test_hook_argument_mismatch_is_named(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_args",
        """
        @hookimpl
        def ssm_profile_tags(context, settings):
            return {}
        """,
    )
    message = error_of(resolve_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_args" (ssm_profile_tags): takes argument(s) settings')


def test_undecorated_hook_is_reported(resolve_stack, plugin_dir):
    name = plugin_dir("acme_plain", "def ssm_profile_tags(context):\n    return {}\n")
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_plain" (ssm_profile_tags): is not decorated with @ssm_profile.hookimpl'
    )


def test_missing_plugin_is_reported(resolve_stack):
    message = error_of(resolve_stack, {"plugins": ["acme_nowhere"]})
    assert message.startswith('plugin "acme_nowhere": no entry point of group')


def test_plugin_import_error_is_reported(resolve_stack, plugin_dir):
    name = plugin_dir("acme_broken", "import acme_dependency_that_is_missing\n")
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_broken": cannot be imported: No module named '
        "'acme_dependency_that_is_missing'"
    )


def test_a_plugin_exiting_at_import_time_is_named(resolve_stack, plugin_dir):
    name = plugin_dir("acme_exit_import", "raise SystemExit('not here')\n")
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_exit_import": cannot be imported: SystemExit: not here'
    )


def test_plugins_command_lists_enabled_plugins_as_json(capsys):
    assert cli(["plugins", "--stack", "prod", "--stacks-dir", str(REPO / "stacks")]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "name": "plugins.session_manager",
            "source": "module plugins.session_manager",
            "version": "1.0.0",
            "hooks": ["ssm_profile_statements"],
        },
        {
            "name": "plugins.cloudwatch_logs",
            "source": "module plugins.cloudwatch_logs",
            "version": "1.0.0",
            "hooks": ["ssm_profile_statements", "ssm_profile_check"],
        },
    ]


def test_plugins_command_reports_a_broken_plugin(tmp_path, capsys):
    (tmp_path / "Pulumi.x.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  ssm-profile:plugins: [acme_nowhere]\n"
    )
    assert cli(["plugins", "--stack", "x", "--stacks-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: plugin "acme_nowhere": no entry point') and err.count("\n") == 1
