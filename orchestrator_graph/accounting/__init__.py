"""Money: prices, estimates and the baseline, the one guarded model call, budget holds,
feedback, the ledger.
"""
