"""Per-resource limits of the AWS APIs that generators must respect (values from the models)."""

from __future__ import annotations

from functools import cache

from vigil.aws.shapes import operation_model


@cache
def route53_max_tags() -> int:
    """Tags one ChangeTagsForResource call may add (terraform-provider-aws sends all of a health
    check's tags in one call): botocore route53 model, shape TagList ``max``."""
    shape = operation_model("route53", "ChangeTagsForResource").input_shape.members["AddTags"]
    return int(shape.metadata["max"])
