"""The default pipeline (plain data; used by a data migration and the tests)."""

#: (name, probability %, kind) in board order.
DEFAULT_STAGES: list[tuple[str, int, str]] = [
    ("Prospecting (初步接洽)", 10, "open"),
    ("Needs analysis (需求分析)", 25, "open"),
    ("Proposal (方案报价)", 50, "open"),
    ("Negotiation (谈判审核)", 75, "open"),
    ("Won (赢单)", 100, "won"),
    ("Lost (输单)", 0, "lost"),
    ("Invalid (无效)", 0, "invalid"),
]
DEFAULT_PIPELINE_NAME = "Standard pipeline (标准商机阶段)"
