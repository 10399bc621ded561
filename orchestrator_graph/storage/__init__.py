"""Where state is kept: the SQLite opener, checkpointer factories, the delta saver,
compression, prune and compaction.
"""
