"""The stream replay of issue 21: the router learning a tenant's traffic from shadow verdicts."""
