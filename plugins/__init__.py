"""Organisation plugins kept in this repository (enable them as ``plugins.<name>``)."""
