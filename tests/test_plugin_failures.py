"""A plugin that raises, exits or prints line breaks is named in one error line, under the
CLI and under `pulumi up`, and nothing is registered."""

from __future__ import annotations

import json

import pulumi
import pytest
from helpers import (
    STATEMENT,
    error_of,
    statements_plugin,
)

from ssm_profile.cli import main as cli
from ssm_profile.deploy import program
from ssm_profile.testing import run_plugin


def test_a_plugin_that_raises_is_named(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_raises",
        """
        @hookimpl
        def ssm_profile_statements(context):
            raise ValueError("logGroups is required")
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_raises" (ssm_profile_statements): raised ValueError: logGroups is required'
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        pytest.param("{1: 'b'}", "tags: tag key 1 is int; tag keys are strings", id="int-key"),
        pytest.param(
            "{('a',): 'b'}", "tags: tag key ('a',) is tuple; tag keys are strings", id="tuple-key"
        ),
        pytest.param("{'a': {1}}", 'tags.a: tag values must be strings, got "{1}"', id="set-value"),
    ],
)
def test_malformed_plugin_tags_are_named_not_a_traceback(resolve_stack, plugin_dir, tags, expected):
    name = plugin_dir(
        "acme_tagkey",
        f"""
        @hookimpl
        def ssm_profile_tags(context):
            return {tags}
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        f'plugin "acme_tagkey" (ssm_profile_tags): {expected}'
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param("raise SystemExit(3)", "raised SystemExit: 3", id="system-exit"),
        pytest.param("import sys; sys.exit()", "raised SystemExit", id="sys-exit-no-message"),
        pytest.param(
            "raise GeneratorExit('closed')", "raised GeneratorExit: closed", id="generator-exit"
        ),
        pytest.param(
            "raise type('Stop', (BaseException,), {})('halt')",
            "raised Stop: halt",
            id="base-exception-subclass",
        ),
    ],
)
def test_a_plugin_raising_a_base_exception_is_named(resolve_stack, plugin_dir, statement, expected):
    name = plugin_dir(
        "acme_exits",
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            {statement}
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        f'plugin "acme_exits" (ssm_profile_statements): {expected}'
    )


def test_keyboard_interrupt_in_a_plugin_still_interrupts(plugin_dir):
    name = plugin_dir(
        "acme_ctrl_c",
        """
        @hookimpl
        def ssm_profile_tags(context):
            raise KeyboardInterrupt
        """,
    )
    with pytest.raises(KeyboardInterrupt):
        run_plugin(name)  # the host without the Pulumi runtime: Ctrl-C is not a plugin error


def test_a_multi_line_exception_message_stays_one_line(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_lines",
        r"""
        @hookimpl
        def ssm_profile_statements(context):
            raise ValueError("logGroups is required:\n  set it in\r\n pluginConfig  ")
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_lines" (ssm_profile_statements): raised ValueError: logGroups is required: '
        "set it in pluginConfig"
    )


def test_a_multi_line_check_problem_stays_one_line(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_veto_lines",
        r"""
        @hookimpl
        def ssm_profile_check(statements):
            return ["first line\nsecond line", "third\u2028fourth"]
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        "ssm-profile:plugins: ssm_profile_check stopped the deployment: "
        'plugin "acme_veto_lines": first line second line; plugin "acme_veto_lines": third fourth'
    )


def test_cli_prints_a_plugins_system_exit_as_one_error_line(tmp_path, plugin_dir, capsys):
    name = plugin_dir(
        "acme_cli_exit",
        r"""
        @hookimpl
        def ssm_profile_check(statements):
            raise SystemExit("stop\nnow")
        """,
    )
    (tmp_path / "Pulumi.x.yaml").write_text(
        f"config:\n  aws:region: us-east-1\n  ssm-profile:plugins: [{name}]\n"
    )
    assert cli(["plan", "--stack", "x", "--stacks-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        'error: plugin "acme_cli_exit" (ssm_profile_check): raised SystemExit: stop now\n'
    )


def test_plugin_error_under_pulumi_up_registers_nothing(mocked, plugin_dir):
    """program.run() is what __main__.py runs under `pulumi up`."""
    _, monitor = mocked
    name = statements_plugin(plugin_dir, "acme_up", json.dumps([{**STATEMENT, "Action": "*"}]))
    pulumi.runtime.set_all_config(
        {"aws:region": "eu-west-1", "ssm-profile:plugins": json.dumps([name])}
    )
    with pytest.raises(pulumi.RunError) as caught:
        program.run()
    assert str(caught.value).startswith('plugin "acme_up" (ssm_profile_statements) statement')
    assert monitor.registrations == []
