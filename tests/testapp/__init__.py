"""A tiny app used only by the platform tests: one owned record and one child record."""
