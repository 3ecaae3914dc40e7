"""vigil's CrossGuard policy pack ``vigil-coverage``: proves every site's 24/7 alert path.

Import :mod:`policies.pack` for the policy list (it never constructs ``PolicyPack``, which
starts a gRPC server and blocks); :mod:`policies.evaluate` runs the pack without the Pulumi
engine on plan-style records (tests), through ``vigil plan``'s evaluator
(:mod:`vigil.plan.policy_eval`).
"""
