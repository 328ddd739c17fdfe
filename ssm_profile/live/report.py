"""What differs between the live account and a stack, in words (pure): the lines ``drift``
prints and the report ``adopt`` writes. The details under them are the diff engine's
(:func:`ssm_profile.offline.diff.render.detail_lines`), live account -> stack."""

from __future__ import annotations

from dataclasses import dataclass

from ..aws import types
from ..offline.diff import PlanDiff
from ..offline.diff.render import detail_lines
from ..offline.markdown import md_code, md_document, md_fence
from ..offline.report import text_block
from .account import LiveAccount
from .adoptkeys import Adopted

_KIND = {
    "add": "missing in AWS",
    "remove": "in AWS, not in the stack",
    "update": "differs",
    "replace": "differs",
}


@dataclass(frozen=True)
class Difference:
    kind: str  # missing | extra | differs
    type: str
    name: str  # the logical name
    physical: str  # the name in AWS (or the policy ARN of an attachment)
    keys: tuple[str, ...]  # the inputs that differ
    replaced_by: tuple[str, ...]

    @property
    def what(self) -> str:
        return self.type.rsplit(":", 1)[-1]

    def line(self) -> str:
        """One line: what, which, and what ``pulumi up`` does about it."""
        head = f"{self.what} {self.physical}"
        if self.kind == "missing":
            return f"{head}: missing in AWS (pulumi up creates it)"
        if self.kind == "extra":
            return f"{head}: in AWS, not in the stack (pulumi up leaves it: added by hand?)"
        keys = ", ".join(self.keys) + (" differs" if len(self.keys) == 1 else " differ")
        if self.replaced_by:
            return f"{head}: {keys} (pulumi up replaces it: {', '.join(self.replaced_by)})"
        return f"{head}: {keys} (pulumi up updates it in place)"


def _physical(r) -> str:
    inputs = r.new or r.old or {}
    if r.type in (types.ATTACHMENT,):
        return f"{inputs.get('role')} <- {inputs.get('policyArn')}"
    return r.physical_name


def differences(diff: PlanDiff) -> list[Difference]:
    kinds = {"add": "missing", "remove": "extra", "update": "differs", "replace": "differs"}
    return [
        Difference(
            kinds[r.action],
            r.type,
            r.name,
            _physical(r),
            tuple(d.key for d in r.inputs),
            r.replaced_by,
        )
        for r in diff.resources
    ]


def _changes(diff: PlanDiff) -> tuple[list[str], list[str]]:
    found = differences(diff)
    return [d.line() for d in found], detail_lines(diff) if found else []


def adopt_report(
    stack: str,
    live: LiveAccount,
    adopted: Adopted,
    diff: PlanDiff,
    region: str,
    layout: list[str],
) -> tuple[str, str]:
    """The report as markdown (the file) and as text (the terminal); ``layout``: the
    policies whose document only changes layout."""
    assert live.role is not None
    changes, details = _changes(diff)
    changes += layout
    head = f"adopt: role {live.role.name} of account {live.account_id} as stack {stack} ({region})"
    deviations = list(adopted.deviations)
    unmapped = [
        f"{u.statement}: {'; '.join(u.grants)}: {u.reason}. Suggestion: {u.suggestion}."
        for u in adopted.unmapped
    ]
    if not changes:
        changes = ["nothing: after `pulumi import`, `pulumi up` makes no change"]
    elif not diff.resources:
        changes.append("nothing else: AWS keeps granting exactly what it grants today")
    steps = [
        f"1. copy Pulumi.{stack}.yaml into stacks/ (pulumi stack init {stack} first, if needed)",
        f"2. pulumi import --file {stack}.import.json --generate-code=false --stack {stack}"
        " (add --protect=false unless the stack sets protect: true)",
        f"3. pulumi preview --stack {stack}: it shows the changes above, and no replacement",
    ]
    sections = [
        ("Deviations from the guide", deviations or ["none"]),
        ("Statements no key reproduces", unmapped or ["none"]),
        ("What the first pulumi up would still change", changes),
        ("Next steps", steps),
    ]
    text = [head, ""]
    parts = [f"# {md_code(head)}"]
    for title, lines in sections:
        text += [f"{title}:", *(f"  {line}" for line in lines), ""]
        parts += [f"## {title}", md_fence(lines)]
    if details:
        text += ["Details (live account -> stack):", *details]
        parts += ["## Details (live account -> stack)", md_fence(details, "diff")]
    return md_document(parts), text_block(text)
