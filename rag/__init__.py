"""policyqa core: loading, parsing, answering (the stages before and after the index)."""
