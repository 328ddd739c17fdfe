"""Compare two offline plans the way a reviewer reads them (pure, no Pulumi).

``plans`` matches resources and ``statements`` compares IAM documents as IAM; ``alerts``
flags what strands running instances; ``render`` prints the ``model`` for a terminal or a
pull request.
"""

from .model import PlanDiff
from .plans import diff_plans
from .render import RENDERERS, summary, to_markdown, to_text

__all__ = ["RENDERERS", "PlanDiff", "diff_plans", "summary", "to_markdown", "to_text"]
