"""policyqa evaluation: metrics of the gold-set contract, runner, reports."""
