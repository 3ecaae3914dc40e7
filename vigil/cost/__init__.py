"""`vigil cost`: the monthly AWS cost of what a stack's plan creates (see `estimate`)."""
