"""``drift``: the live account compared with a stack's plan (read-only against AWS).

The stack is planned offline with the live account's id, the account is read by the names
that plan gives (the role, each custom policy, the instance profile) and by what hangs on
the role, and the two are compared by the diff engine (:mod:`.liveplan`). Exit 0 when they
match, 1 on drift, 2 on error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..aws import types
from ..config import load_settings
from ..config.stackfile import load_stack
from ..offline.diff import PlanDiff
from ..offline.diff.render import detail_lines
from ..offline.markdown import md_code, md_document, md_fence, md_table
from ..offline.report import text_block
from .account import LiveAccount, read_account
from .client import Account
from .liveplan import compare, layout_changes, not_compared
from .report import Difference, differences


@dataclass(frozen=True)
class Drift:
    stack: str
    account_id: str
    role: str
    diff: PlanDiff
    found: tuple[Difference, ...]
    notes: tuple[str, ...]

    @property
    def drifted(self) -> bool:
        return bool(self.found)

    def head(self) -> str:
        state = f"{len(self.found)} difference(s)" if self.found else "no drift"
        return f"drift: stack {self.stack}, role {self.role}, account {self.account_id}: {state}"

    def to_text(self) -> str:
        lines = [self.head(), *(f"note: {n}" for n in self.notes)]
        if self.found:
            lines += ["", *(f"- {d.line()}" for d in self.found)]
            lines += ["", "Details (live account -> stack):", *detail_lines(self.diff)]
        return text_block(lines)

    def to_markdown(self) -> str:
        parts = [f"### {md_code(self.head())}", *(f"*note:* {md_code(n)}" for n in self.notes)]
        if self.found:
            rows = [
                [md_code(d.what), md_code(d.physical), md_code(d.line().split(": ", 1)[1])]
                for d in self.found
            ]
            parts.append(md_table(["resource", "name", "difference"], rows))
            parts.append(md_fence(detail_lines(self.diff), "diff"))
        return md_document(parts)

    def to_json(self) -> str:
        found = []
        for d, r in zip(self.found, self.diff.resources, strict=True):
            found.append(
                {
                    "kind": d.kind,
                    "type": d.type,
                    "name": d.name,
                    "physicalName": d.physical,
                    "keys": list(d.keys),
                    "replacedBy": list(d.replaced_by),
                    "live": r.old,
                    "stack": r.new,
                }
            )
        body = {
            "stack": self.stack,
            "account": self.account_id,
            "role": self.role,
            "drift": self.drifted,
            "differences": found,
            "notes": list(self.notes),
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def render(self, format: str) -> str:
        return {"text": self.to_text, "markdown": self.to_markdown, "json": self.to_json}[format]()


def _names(plan: dict[str, Any], type_: str) -> list[str]:
    return [r["inputs"]["name"] for r in plan["resources"] if r["type"] == type_]


def check(stack: str, plan: dict[str, Any], live: LiveAccount, role: str) -> Drift:
    """Compare a read account with the stack's plan (pure)."""
    diff = compare(live, plan)
    notes = [f"not compared: {n}" for n in not_compared(plan)]
    notes += [f"no drift: {line}" for line in layout_changes(live, plan)]
    return Drift(stack, live.account_id, role, diff, tuple(differences(diff)), tuple(notes))


def drift(stack: str, profile: str | None, stacks_dir: Path | None) -> Drift:
    """Plan the stack, read the account by the plan's names, compare."""
    config = load_stack(stack, stacks_dir)
    settings = load_settings(config.config, config.project, config.stack)
    api = Account(profile, settings.region)
    account_id = api.call("sts", "GetCallerIdentity")["Account"]
    from ..offline.plan import run_program  # imports Pulumi

    plan = run_program(config, account_id).to_json()
    arns = [
        settings.partition.arn(
            "iam", "", account_id, f"policy{r['inputs']['path']}{r['inputs']['name']}"
        )
        for r in plan["resources"]
        if r["type"] == types.POLICY
    ]
    live = read_account(api, settings.role_name, arns, _names(plan, types.PROFILE))
    return check(stack, plan, live, settings.role_name)
