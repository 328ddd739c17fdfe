"""boto3 is loaded by adopt and drift only: ssm_profile/live is the one package that imports
it, and `plan` does not load it (nor botocore), so its start-up time does not change
(measured in benchmarks/bench.py)."""

from __future__ import annotations

import ast
import subprocess
import sys

from helpers import REPO

AWS_SDK = ("boto3", "botocore")
# Maintainers' generator of partitions.json from botocore's data: run by hand, by no command.
GENERATORS = {"refresh_partitions.py"}


def test_only_the_live_package_imports_boto3():
    for source in (REPO / "ssm_profile").rglob("*.py"):
        if source.parent.name == "live" or source.name in GENERATORS:
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            assert not any(n.split(".")[0] in AWS_SDK for n in names), source


def test_plan_does_not_load_boto3():
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ssm_profile", "plan", "--stack", "dev"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()}
    assert "pulumi" in imported  # the import log is read right
    assert imported.isdisjoint(AWS_SDK)
    assert run.stdout.startswith("ssm-profile / dev")
