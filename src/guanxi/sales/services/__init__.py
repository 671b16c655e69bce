"""Domain operations of the sales module, one module per concept.

Views, the API, the CLI, the import, the daily jobs and the tests all call these; every write
goes through ``guanxi.core.services.records`` so it is audited, versioned and scope-checked.
"""
