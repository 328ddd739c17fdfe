"""Every figure of the offline plan's performance, in one table (``make bench``).

    .venv/bin/python benchmarks/bench.py [--quick] [--runs N]

Measured in fresh processes, never in tests (timings depend on the machine):

- **One plan**: ``plan --stack prod --format json`` against the minimal program that
  registers the same resources (``benchmarks/floor_program.py``), and against
  ``python -c "import pulumi, pulumi_aws.iam"``: paired runs (A, B, A, B, ...), the median of
  the per-pair ratios; and instruction counts under ``valgrind --tool=callgrind``, which
  the machine's load does not move.
- **Many stacks**: ``plan --all`` over generated account stacks, at ``--jobs 1`` and
  ``--jobs 2``: the time, the marginal cost per stack and the largest process's memory.
- **Stack size**: buckets (1,000 to 8,000) and plugin statements (1,000 to 5,000) at four
  sizes each, to the quota error, which comes before any packing.
- **Cheap commands**: ``diff`` of two plans of about 115 KB, ``--help``, an error path.
- **The peer**: ``cdk synth`` of the same profile (``benchmarks/cdk``), at 1 and at 30
  Regions, when its packages are installed (``benchmarks/README.md``).

The project's modules run from cached bytecode, as they do for a user after the first run
(the script compiles them and unsets ``PYTHONDONTWRITEBYTECODE`` for its children).
``--quick`` uses fewer stacks and runs and skips callgrind: a check that the script works.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import re
import shutil
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
PYTHON = sys.executable
PLAN = [PYTHON, "-m", "ssm_profile", "plan"]
CDK = REPO / "benchmarks" / "cdk"

PLUGIN = textwrap.dedent(
    '''
    """COUNT narrow statements, for the stack-size benchmark."""
    import os
    from ssm_profile import hookimpl

    @hookimpl
    def ssm_profile_statements(context):
        count = int(os.environ["BENCH_STATEMENTS"])
        return [
            {"Sid": f"Bench{i:05d}", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": context.s3_arn(f"bench-plugin-bucket-{i:05d}", "data/*")}
            for i in range(count)
        ]
    '''
)


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user and system) and the largest resident memory in MiB of
    the command and every process it waited for (``wait4``'s account of that child alone)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4; keep Popen from waiting again
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run(command: list[str], env: dict[str, str] | None = None) -> float:
    return measure(command, env)[0]


def paired(a: list[str], b: list[str], runs: int, env: dict[str, str] | None = None) -> dict:
    """Median wall time of each, and the median of the per-pair ratios A/B, after a warm-up."""
    run(a, env), run(b, env)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(run(a, env))
        times_b.append(run(b, env))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return {
        "a": statistics.median(times_a),
        "b": statistics.median(times_b),
        "ratio": statistics.median(ratios),
    }


def instructions(command: list[str]) -> int | None:
    """Instructions the whole process executes, counted by callgrind."""
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def write_stacks(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    regions = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
    for i in range(count):
        config = {
            "aws:region": regions[i % len(regions)],
            "ssm-profile:vpcEndpoints": True,
            "ssm-profile:buckets": [f"acct-{i:04d}-ssm-output"],
            "ssm-profile:tags": {"account": f"{i:04d}"},
            "ssm-profile:plugins": ["plugins.cloudwatch_logs"],
            "ssm-profile:pluginConfig": {
                "plugins.cloudwatch_logs": {"logGroups": [f"/ssm/acct-{i:04d}"]}
            },
        }
        (folder / f"Pulumi.acct-{i:04d}.yaml").write_text(yaml.safe_dump({"config": config}))


def many_stacks(tmp: Path, small: int, large: int) -> list[tuple[str, str]]:
    rows = []
    write_stacks(tmp / "small", small)
    write_stacks(tmp / "large", large)
    base = [*PLAN, "--all", "--format", "json"]
    timings, peaks = {}, {}
    for jobs in (1, 2):
        for name, count in (("small", small), ("large", large)):
            out = tmp / f"out-{name}-{jobs}"
            command = [*base, "--jobs", str(jobs), "--stacks-dir", str(tmp / name)]
            timings[jobs, count], _, peaks[jobs, count] = measure([*command, "--out", str(out)])
        marginal = (timings[jobs, large] - timings[jobs, small]) / (large - small) * 1000
        rows.append((f"plan --all, {large} stacks, --jobs {jobs}", f"{timings[jobs, large]:.2f} s"))
        rows.append(
            (f"  marginal per stack ({small} -> {large}), --jobs {jobs}", f"{marginal:.1f} ms")
        )
        rows.append(
            (
                f"  largest process, --jobs {jobs} ({small} / {large} stacks)",
                f"{peaks[jobs, small]:.0f} / {peaks[jobs, large]:.0f} MiB",
            )
        )
    same = all(
        (tmp / "out-large-1" / p.name).read_bytes() == p.read_bytes()
        for p in (tmp / "out-large-2").iterdir()
    )
    rows.append(("  --jobs 2 output identical to --jobs 1", "yes" if same else "NO"))
    return rows


SIZED = """
import statistics, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from ssm_profile.config import load_settings
from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import SsmProfileError
from ssm_profile.pipeline import resolve

def once():
    start = time.process_time()
    stack = load_stack("sized", Path({folder!r}), Path({repo!r}))
    try:
        resolve(load_settings(stack.config, stack.project, stack.stack), "123456789012")
        outcome = "planned"
    except SsmProfileError as error:
        outcome = "quota" if "maxManagedPolicies" in str(error) else "ERROR " + str(error)
    return (time.process_time() - start) * 1000, outcome

first = once()
times = [once()[0] for _ in range({runs})]
print(statistics.median([first[0], *times]), first[1])
"""

PACK = """
import statistics, sys, time
sys.path.insert(0, {repo!r})
from ssm_profile.iam.packing import pack
from ssm_profile.iam.statement import Statement

size, kind = {size}, {kind!r}
if kind == "buckets":  # one statement naming every bucket and its objects, as the blueprint's
    arns = [f"arn:aws:s3:::bench-bucket-{{i:05d}}" for i in range(size)]
    statements = [Statement("Buckets", ("s3:PutObject",), (*arns, *(a + "/*" for a in arns)))]
else:
    statements = [
        Statement(f"Bench{{i:05d}}", ("s3:GetObject",), (f"arn:aws:s3:::b-{{i:05d}}/data/*",))
        for i in range(size)
    ]
times = []
for _ in range({runs}):
    start = time.process_time()
    policies = pack(statements)
    times.append((time.process_time() - start) * 1000)
print(statistics.median(times), len(policies))
"""


def _child(code: str, env: dict[str, str], label: str) -> list[str]:
    done = subprocess.run([PYTHON, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{label}: {done.stderr.strip()}")
    return done.stdout.split(maxsplit=1)


def _steps(kind: str, what: str, sizes: list[int], times: list[float]) -> tuple[str, str]:
    steps = [
        (b - a) / (n - m) * 1000
        for (m, a), (n, b) in itertools.pairwise(zip(sizes, times, strict=True))
    ]
    spread = ", ".join(f"{p:.0f}" for p in steps)
    return (f"  {what}: per 1,000 more {kind}, size to size (flat when linear)", f"{spread} ms")


def sized(tmp: Path, counts: dict[str, list[int]], runs: int) -> list[tuple[str, str]]:
    """Two stages at each size, in one fresh process per size, in CPU time (medians):
    stack file to blueprint (reading, settings, plugins and gate, then packing or the quota
    error, which comes first when the lower bound already exceeds the quota), and packing
    alone with no quota (every piece into 6,144-character policies)."""
    rows = []
    (tmp / "bench_sized_plugin.py").write_text(PLUGIN)
    env = {**os.environ, "PYTHONPATH": str(tmp)}
    for kind, sizes in counts.items():
        whole, packing = [], []
        for size in sizes:
            folder = tmp / f"{kind}-{size}"
            folder.mkdir(parents=True, exist_ok=True)
            config: dict = {"aws:region": "us-east-1", "ssm-profile:maxManagedPolicies": 20}
            if kind == "buckets":
                config["ssm-profile:buckets"] = [
                    {"name": f"bench-bucket-{i:05d}", "prefix": "ssm/output/"} for i in range(size)
                ]
            else:
                config["ssm-profile:plugins"] = ["bench_sized_plugin"]
                env["BENCH_STATEMENTS"] = str(size)
            (folder / "Pulumi.sized.yaml").write_text(yaml.safe_dump({"config": config}))
            code = SIZED.format(repo=str(REPO), folder=str(folder), runs=runs)
            ms, outcome = _child(code, env, f"{kind} {size}")
            whole.append(float(ms))
            rows.append(
                (
                    f"{size} {kind}: stack file to blueprint ({outcome.strip()})",
                    f"{float(ms):.0f} ms",
                )
            )
            code = PACK.format(repo=str(REPO), size=size, kind=kind, runs=runs)
            ms, count = _child(code, env, f"pack {kind} {size}")
            packing.append(float(ms))
            rows.append(
                (f"{size} {kind}: packing alone ({count.strip()} policies)", f"{float(ms):.0f} ms")
            )
        rows.append(_steps(kind, "stack file to blueprint", sizes, whole))
        rows.append(_steps(kind, "packing alone", sizes, packing))
    return rows


def cheap(tmp: Path, runs: int) -> list[tuple[str, str]]:
    folder = tmp / "diff"
    folder.mkdir()
    regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"]
    for name, extra in (("old", 0), ("new", 1)):
        config = {
            "aws:region": "us-east-1",
            "ssm-profile:vpcEndpoints": True,
            "ssm-profile:regions": regions,
            "ssm-profile:maxManagedPolicies": 20,
            "ssm-profile:buckets": [
                {"name": f"diff-bucket-{i:04d}", "prefix": "ssm/output/run-command/"}
                for i in range(700 + extra * 5)
            ],
        }
        (folder / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))
        with open(folder / f"{name}.json", "w") as out:
            subprocess.run(
                [*PLAN, "--stack", name, "--stacks-dir", str(folder), "--format", "json"],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=True,
            )
    size = (folder / "new.json").stat().st_size // 1024
    diff = [PYTHON, "-m", "ssm_profile", "diff", str(folder / "old.json"), str(folder / "new.json")]
    help_ = [PYTHON, "-m", "ssm_profile", "--help"]
    error = [*PLAN, "--stack", "no-such-stack"]
    rows = []
    for label, command in (
        (f"diff of two {size} KB plans", diff),
        ("--help", help_),
        ("an error path", error),
        ("python -c pass (the interpreter alone)", [PYTHON, "-c", "pass"]),
    ):
        runs_ = [measure(command) for _ in range(runs)]
        wall = statistics.median(r[0] for r in runs_)
        cpu = statistics.median(r[1] for r in runs_)
        rows.append((f"{label}: wall (CPU)", f"{wall:.3f} s ({cpu:.3f} s)"))
    probe = (
        "import sys, io, contextlib\nfrom ssm_profile import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    cli.main(['diff', {str(folder / 'old.json')!r}, {str(folder / 'new.json')!r}])\n"
        "print(any(m.split('.')[0] == 'pulumi' for m in sys.modules))"
    )
    done = subprocess.run([PYTHON, "-c", probe], cwd=REPO, capture_output=True, text=True)
    rows.append(("  diff imports Pulumi", "yes" if done.stdout.strip() == "True" else "no"))
    return rows


def peer(tmp: Path, runs: int) -> list[tuple[str, str]]:
    cdk = CDK / "node_modules" / ".bin" / "cdk"
    if not cdk.exists():
        return [("cdk synth", "not installed: see benchmarks/README.md")]
    rows = []
    env = {**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"}
    for regions in (1, 30):
        folder = tmp / f"peer-{regions}"
        folder.mkdir()
        from ssm_profile.aws.partitions import PARTITIONS

        names = sorted(PARTITIONS["aws"].regions)[:regions]
        config = {
            "aws:region": "us-east-1",
            "ssm-profile:vpcEndpoints": True,
            "ssm-profile:regions": names,
            "ssm-profile:buckets": ["peer-output"],
        }
        (folder / "Pulumi.peer.yaml").write_text(yaml.safe_dump({"config": config}))
        plan = folder / "plan.json"
        with open(plan, "w") as out:
            subprocess.run(
                [*PLAN, "--stack", "peer", "--stacks-dir", str(folder), "--format", "json"],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.DEVNULL,
                check=True,
            )
        ours = [*PLAN, "--stack", "peer", "--stacks-dir", str(folder), "--format", "json"]
        theirs = [
            str(cdk),
            "synth",
            "--app",
            f"node {CDK / 'app.js'}",
            "-o",
            str(folder / "cdk.out"),
            "-q",
            "--no-notices",
        ]
        result = paired(theirs, ours, runs, {**env, "PLAN": str(plan)})
        rows.append(
            (
                f"cdk synth / plan, {regions} Region(s)",
                f"{result['a']:.2f} s / {result['b']:.2f} s = {result['ratio']:.1f}x",
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer stacks and runs, no callgrind")
    parser.add_argument("--runs", type=int, default=None, help="paired runs per comparison")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 11)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    # As a user runs it after the first time: with the bytecode of the project's modules
    # cached. (Under PYTHONDONTWRITEBYTECODE every run compiles them again: about 90 ms.)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compiled = [str(REPO / name) for name in ("ssm_profile", "plugins", "benchmarks")]
    subprocess.run([PYTHON, "-m", "compileall", "-q", "-x", "node_modules", *compiled], check=True)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        prod = tmp / "prod.json"
        with open(prod, "w") as out:
            subprocess.run(
                [*PLAN, "--stack", "prod", "--format", "json"], cwd=REPO, stdout=out, check=True
            )
        plan = [*PLAN, "--stack", "prod", "--format", "json"]
        floor = [PYTHON, str(REPO / "benchmarks" / "floor_program.py"), str(prod)]
        imports = [PYTHON, "-c", "import pulumi, pulumi_aws.iam"]
        one = paired(plan, floor, runs)
        rows.append(
            (
                "plan --stack prod / minimal program (paired wall)",
                f"{one['a']:.3f} s / {one['b']:.3f} s = {one['ratio']:.2f}x",
            )
        )
        two = paired(plan, imports, runs)
        rows.append(
            (
                "plan --stack prod / import pulumi, pulumi_aws.iam (paired wall)",
                f"{two['ratio']:.2f}x",
            )
        )
        if not args.quick:
            counts = {
                name: instructions(command)
                for name, command in (("plan", plan), ("floor", floor), ("imports", imports))
            }
            if all(counts.values()):
                rows.append(
                    (
                        "instructions: plan / minimal program",
                        f"{counts['plan'] / counts['floor']:.2f}x "
                        f"({counts['plan']:,} / {counts['floor']:,})",
                    )
                )
                rows.append(
                    (
                        "instructions: plan / import pulumi, pulumi_aws.iam",
                        f"{counts['plan'] / counts['imports']:.2f}x",
                    )
                )
        small, large = (20, 100) if args.quick else (100, 1000)
        rows += many_stacks(tmp, small, large)
        sizes = (
            {"buckets": [250, 500, 750, 1000], "plugin statements": [250, 500, 750, 1000]}
            if args.quick
            else {
                "buckets": [1000, 2000, 4000, 8000],
                "plugin statements": [1000, 2000, 3000, 5000],
            }
        )
        rows += sized(tmp, sizes, max(3, runs // 3))
        rows += cheap(tmp, runs)
        rows += peer(tmp, max(3, runs // 3))
    width = max(len(label) for label, _ in rows)
    print(
        f"ssm-profile benchmarks, {datetime.date.today()}, commit {commit}, "
        f"{os.cpu_count()} cores, python {sys.version.split()[0]}"
    )
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
