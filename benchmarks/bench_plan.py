"""Benchmark ``python -m ssm_profile plan --format json`` against the import floor.

    .venv/bin/python benchmarks/bench_plan.py [--runs 7]

Times, in fresh processes, the floor ``python -c "import pulumi, pulumi_aws.iam"`` (what any
Pulumi AWS program pays before doing anything), the plan of every example stack, and the plan
of a large synthetic stack: every commercial Region with VPC endpoints, 100 own buckets and 50
plugin statements from a throwaway plugin module put on PYTHONPATH. Each command runs once to
warm caches (bytecode, parliament's action index), then ``--runs`` times; the median is
compared with the floor. Targets: example stacks within 1.3x, the large stack within 2x.

A script, not a test: timings depend on the machine, so nothing here can fail a build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ssm_profile.aws.partitions import PARTITIONS  # noqa: E402
from ssm_profile.config.stackfile import list_stacks  # noqa: E402

PLUGIN = textwrap.dedent(
    '''
    """50 synthetic statements for the benchmark's large stack."""
    from ssm_profile import hookimpl

    ACTIONS = (
        ["s3:GetObject"],
        ["s3:GetObject", "s3:PutObject"],
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        ["kms:Decrypt"],
    )

    @hookimpl
    def ssm_profile_statements(context):
        partition = context.partition
        statements = []
        for i in range(50):
            actions = ACTIONS[i % len(ACTIONS)]
            if actions[0].startswith("s3:"):
                resources = [
                    f"arn:{partition}:s3:::bench-plugin-{i:02d}-{j}/data/*" for j in range(3)
                ]
            elif actions[0].startswith("logs:"):
                resources = [
                    f"arn:{partition}:logs:{context.region}:{context.account_id}"
                    f":log-group:/bench/{i:02d}:*"
                ]
            else:
                resources = [
                    f"arn:{partition}:kms:{context.region}:{context.account_id}:key/bench-{i:02d}"
                ]
            statements.append(
                {"Sid": f"Bench{i:02d}", "Effect": "Allow",
                 "Action": actions, "Resource": resources}
            )
        return statements
    '''
)

LINT_50 = textwrap.dedent(
    """
    import time
    start = time.perf_counter()
    from ssm_profile.iam.gate import statement_problems
    for i in range(50):
        assert not statement_problems({"Effect": "Allow", "Action": ["s3:GetObject",
            "s3:PutObject", "kms:Decrypt", "logs:PutLogEvents"],
            "Resource": f"arn:aws:s3:::bench-{i}/*"})
    print(f"{(time.perf_counter() - start) * 1000:.1f}")
    """
)


def large_stack(folder: Path) -> None:
    config = {
        "aws:region": "us-east-1",
        "ssm-profile:regions": list(PARTITIONS["aws"].regions),
        "ssm-profile:vpcEndpoints": True,
        "ssm-profile:buckets": [
            {"name": f"bench-bucket-{i:03d}", "prefix": "ssm/", "crossAccount": i % 10 == 0}
            for i in range(100)
        ],
        "ssm-profile:maxManagedPolicies": 20,
        "ssm-profile:plugins": ["bench_plugin"],
    }
    (folder / "Pulumi.large.yaml").write_text(yaml.safe_dump({"config": config}))


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)


def timed(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall time of ``runs`` fresh processes per command, after one warm-up run each.

    Runs are interleaved (one of each command per round) so that a change in the machine's
    load during the benchmark affects every command alike rather than skewing one ratio.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():
        warm = run(command, env)
        if warm.returncode != 0:
            raise SystemExit(f"{name} failed:\n{warm.stderr}")
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            run(command, env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command")
    args = parser.parse_args()
    python = sys.executable

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "bench_plugin.py").write_text(PLUGIN)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
        plan = [python, "-m", "ssm_profile", "plan", "--format", "json"]

        large_stack(folder)

        floor_name = "floor: import pulumi, pulumi_aws.iam"
        # pulumi_aws.iam is a lazy module: the floor never executes it, but any program that
        # touches one IAM resource class loads all 58 of its modules. Shown for reference.
        loaded = "reference: floor + first use of pulumi_aws.iam (loads the module)"
        commands = {
            floor_name: [python, "-c", "import pulumi, pulumi_aws.iam"],
            loaded: [python, "-c", "import pulumi, pulumi_aws.iam; pulumi_aws.iam.Role"],
        }
        targets: dict[str, float | None] = {floor_name: None, loaded: None}
        for stack in list_stacks(REPO / "stacks"):
            commands[f"plan --stack {stack}"] = [*plan, "--stack", stack]
            targets[f"plan --stack {stack}"] = 1.3
        large = "plan --stack large (34 Regions, 100 buckets, 50 plugin statements)"
        commands[large] = [*plan, "--stack", "large", "--stacks-dir", tmp]
        targets[large] = 2.0
        results = timed(commands, env, args.runs)
        floor = results[floor_name]

        lint = run([python, "-c", LINT_50], env)

    reference = results[loaded]
    print(f"{'command':<72} {'median':>8} {'ratio':>6} {'vs ref':>6}  target (vs floor)")
    for name, target in targets.items():
        ratio = results[name] / floor
        verdict = "" if target is None else f"{target:.1f}x {'ok' if ratio <= target else 'MISSED'}"
        print(
            f"{name:<72} {results[name]:>7.3f}s {ratio:>5.2f}x "
            f"{results[name] / reference:>5.2f}x  {verdict}"
        )
    if lint.returncode == 0:
        ms = lint.stdout.strip()
        print(f"statement_problems on 50 statements, in-process incl. import: {ms} ms")
    print(f"({args.runs} runs each after one warm-up; python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
