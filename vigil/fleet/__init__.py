"""The fleet: every site of the inventory in exactly one Pulumi stack, shared objects owned once."""
