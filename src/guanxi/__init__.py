"""Guanxi (关系): an open-source CRM with customer-value analytics."""

__version__ = "0.1.0"
