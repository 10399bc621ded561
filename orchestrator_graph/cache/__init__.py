"""The guarded answer cache: reuse an earlier answer for a request that asks the same thing.

``lexicon`` the word lists the guards read (units, opposed words, times, degrees, ...)
``guards``  the near-miss guards (numbers, units, negations, entities, direction, roles,
            details): vetoes
``roles``   which terms stand on which side of a relating word, and what a small edit changed
``check``   the learned match check that scores a guard-passing pair, and its threshold
``screen``  the similarity search: every entry above a floor, read through a basis
``store``   the entries in SQLite (per scope, with a TTL and a per-entry threshold)
``bound``   the conformal calibration: the threshold that keeps false hits under a bound
``turn``    the graph's side: which turns are looked up and stored, and the hit
"""
