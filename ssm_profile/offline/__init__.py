"""Stage 6: the offline review. ``plan`` runs the real program under the recording ``mocks``
of ``runtime``; ``planfile`` owns the plan JSON; ``report`` renders a plan and ``diff``
compares two."""
