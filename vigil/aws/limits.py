"""Per-resource limits of the AWS APIs that generators must respect (values from the models)."""

from __future__ import annotations

from functools import cache

from vigil.aws.shapes import input_shape


@cache
def route53_max_tags() -> int:
    """Tags one ChangeTagsForResource call may add (terraform-provider-aws sends all of a health
    check's tags in one call): botocore route53 model, shape TagList ``max``."""
    shape = input_shape("route53", "ChangeTagsForResource").members["AddTags"]
    return int(shape.metadata["max"])
