"""Platform services: the domain operations every view, API route, CLI command and test calls."""
