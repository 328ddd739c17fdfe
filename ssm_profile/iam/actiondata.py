"""Generate ``parliament_actions.json`` from the installed parliament (development only).

    .venv/bin/python -m ssm_profile.iam.actiondata      # or: make data

parliament (duo-labs) carries AWS's IAM action database and its community auditors. The
plan needs a fraction of it, and must not pay for importing it: every action's access level
and resource types, the ARN template of each resource type, the privilege-escalation methods
and the credential-exposure actions. This module writes that fraction to the data file that
:mod:`ssm_profile.iam.actions` reads. ``tests/test_actions.py`` fails when the file no longer
equals what the installed parliament gives.
"""

from __future__ import annotations

import json
import sys
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

from . import linedata

DATA_FILE = Path(__file__).with_name("parliament_actions.json")

# What parliament's community auditors miss and the gate refuses too, kept apart from
# parliament's lists in the data file ("supplement") so that each fact's source stays plain.
# Each action must exist in parliament's database (tests/test_actions.py).
SUPPLEMENT: dict[str, Any] = {
    # AWS Service Authorization Reference: each returns a secret or a credential.
    "credentials_exposure": [
        "codeartifact:getauthorizationtoken",  # a token for a package repository
        "datazone:getenvironmentcredentials",  # an access key, secret and session token
        "ec2:getpassworddata",  # a Windows instance's administrator password
        "ecr-public:getauthorizationtoken",  # a registry token
        "elasticmapreduce:getclustersessioncredentials",  # credentials for a cluster's runtime role
        "lightsail:downloaddefaultkeypair",  # the Region's default SSH private key
        "redshift-serverless:getcredentials",  # database credentials
        "sts:assumeroot",  # short-term credentials of a member account's root user
        "sts:getservicebearertoken",  # a bearer token for a service
    ],
    # From one instance to the others: commands, sessions and SSH keys on other instances.
    "privilege_escalation": {
        "RunCommandOnOtherInstances": ["ssm:sendcommand"],
        # A State Manager association runs its document (AWS-RunShellScript) on its targets.
        "AssociationOnOtherInstances": ["ssm:createassociation"],
        "AssociationBatchOnOtherInstances": ["ssm:createassociationbatch"],
        "UpdatedAssociationOnOtherInstances": ["ssm:updateassociation"],
        "SerialConsoleKeyOnOtherInstances": ["ec2-instance-connect:sendserialconsolesshpublickey"],
        "SessionOnOtherInstances": ["ssm:startsession"],
        "SshKeyOnOtherInstances": ["ec2-instance-connect:sendsshpublickey"],
    },
}


def import_parliament() -> Any:
    """``import parliament``, without the deprecation warning its pkg_resources import raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament

    return parliament


def _split_template(arn_template: str) -> tuple[str, str]:
    """``arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}`` -> ``("kms", "key/${KeyId}")``:
    the ARN's service and the template of its resource part."""
    parts = arn_template.split(":", 5)
    service = parts[2] if len(parts) > 2 else ""
    return service, parts[5] if len(parts) > 5 else ""


def _service(service: dict[str, Any]) -> dict[str, Any]:
    resources = {
        r["resource"].lower(): list(_split_template(r["arn"])) for r in service["resources"]
    }
    actions = []
    for privilege in service["privileges"]:
        types = sorted(
            {t["resource_type"].rstrip("*").lower() for t in privilege["resource_types"]} - {""}
        )
        actions.append([privilege["privilege"], privilege["access_level"], types])
    return {"resources": resources, "actions": actions}


class _Findings:
    """Stands in for a parliament policy: records what an auditor reports."""

    def __init__(self) -> None:
        self.methods: dict[str, list[str]] = {}

    def add_finding(self, issue: str, location: dict[str, Any]) -> None:
        self.methods[location["type"]] = sorted(location["actions"])


def generate() -> dict[str, Any]:
    """The data file's content, from the installed parliament."""
    parliament = import_parliament()
    from parliament.community_auditors import credentials_exposure, privilege_escalation

    services: dict[str, Any] = {}
    for service in parliament.iam_definition:
        entry = _service(service)
        known = services.setdefault(service["prefix"], {"resources": {}, "actions": []})
        known["resources"].update(entry["resources"])
        rows = {json.dumps(row) for row in known["actions"]}
        known["actions"] += [row for row in entry["actions"] if json.dumps(row) not in rows]
    every = [f"{p}:{row[0]}".lower() for p, s in services.items() for row in s["actions"]]
    escalation = _Findings()
    privilege_escalation.permissions_on_other_users(escalation, every)
    return {
        "source": f"parliament {metadata.version('parliament')}",
        "privilege_escalation": dict(sorted(escalation.methods.items())),
        "credentials_exposure": sorted(credentials_exposure.CREDENTIALS_EXPOSURE_ACTIONS),
        "supplement": SUPPLEMENT,
        "services": dict(sorted(services.items())),
    }


def render(data: dict[str, Any]) -> str:
    """The file's text: one service per line, so a parliament upgrade diffs readably."""
    head = {k: v for k, v in data.items() if k != "services"}
    return linedata.render(head, "services", data["services"])


def main() -> int:
    DATA_FILE.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
