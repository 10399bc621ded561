"""The transcript: its channel and index, the context views, window fitting, token counts."""
