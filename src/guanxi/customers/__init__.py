"""Customers (客户): master data, contacts, activities, import/export, duplicates and merge."""
