"""guanxi.analytics: customer-value analytics (no Django imports below this package)."""
