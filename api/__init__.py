"""policyqa HTTP API and chat widget."""
