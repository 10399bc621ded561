"""The guarded answer cache: reuse an earlier answer for a request that asks the same thing.

``guards``  the near-miss guards (numbers, units, negations, entities, direction)
``store``   the entries in SQLite (per scope, with a TTL and a per-entry threshold)
``bound``   the similarity threshold that keeps the false-hit rate under a bound
``turn``    the graph's side: which turns are looked up and stored, and the hit
"""
