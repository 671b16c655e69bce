"""Domain operations on customers, contacts and activities, one module per concept.

Views, the API, the CLI, the import and the tests all call these; every write goes through
``guanxi.core.services.records`` so it is audited and scope-checked in one transaction.
"""
