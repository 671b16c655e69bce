"""Platform pages: sign-in, the home dashboard, the profile, administration, error pages."""
