"""The guide's own example, with ``awsBuckets: guide``, grants exactly what the guide's JSON
grants (docs/configuration.md)."""

from helpers import POLICY, ROLE, grants, one, statements

GUIDE_REGION = "us-east-2"
GUIDE_BUCKETS = [
    "aws-ssm-{r}",
    "aws-windows-downloads-{r}",
    "amazon-ssm-{r}",
    "amazon-ssm-packages-{r}",
    "{r}-birdwatcher-prod",
    "patch-baseline-snapshot-{r}",
]


def test_guide_example_grants_exactly_the_guides_actions_on_the_guides_resources(plan_stack):
    plan = plan_stack(
        {
            "vpcEndpoints": True,
            "awsBuckets": "guide",
            "buckets": [{"name": "my-bucket-name", "crossAccount": True}],
        },
        region=GUIDE_REGION,
    )
    expected = {
        ("s3:GetObject", f"arn:aws:s3:::{b.format(r=GUIDE_REGION)}/*") for b in GUIDE_BUCKETS
    } | {
        (action, "arn:aws:s3:::my-bucket-name/*")
        for action in ("s3:GetObject", "s3:PutObject", "s3:PutObjectAcl")
    }
    assert grants(plan) == expected
    assert all(s["Effect"] == "Allow" and "Condition" not in s for s in statements(plan))
    assert one(plan, POLICY)["inputs"]["name"] == "SSMInstanceProfileS3Policy-test"
    assert one(plan, ROLE)["inputs"]["name"] == "SSMInstanceProfile-test"
    assert plan.warnings == []
