"""Stage 5: the Pulumi edge. ``component`` registers a blueprint as resources; ``program`` is
what ``pulumi up`` runs: stack config -> settings -> blueprint -> component."""
