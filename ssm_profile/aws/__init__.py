"""AWS facts and naming rules: partitions and Regions, IAM and S3 name rules, type tokens.

Pure data and functions, no Pulumi. The names below are public: plugins may use them.
"""

from .names import check_bucket_name, check_name, check_path, check_tags
from .partitions import PARTITIONS, Partition, partition_of

__all__ = [
    "PARTITIONS",
    "Partition",
    "check_bucket_name",
    "check_name",
    "check_path",
    "check_tags",
    "partition_of",
]
