"""Core's command registry: modules register their ``guanxi import`` targets, the project CLI
builds them from it, and neither imports the other (the import circle is gone)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from guanxi.cli import build_parser, main
from guanxi.core import commands

SRC = Path(__file__).resolve().parents[2] / "src" / "guanxi"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_circle_between_the_project_cli_and_the_modules() -> None:
    project = imported_modules(SRC / "cli.py")
    assert not {m for m in project if m.startswith(("guanxi.customers", "guanxi.sales"))}
    for app in ("customers", "sales"):
        assert not {m for m in imported_modules(SRC / app / "cli.py") if m.startswith("guanxi.cli")}
    assert not (SRC / "import_cli.py").exists()


def test_the_modules_register_their_import_targets(db: Any) -> None:
    """Registered from ready(); the parser offers exactly what is registered."""
    assert {c.name for c in commands.import_commands()} >= {"customers", "orders"}
    parser = build_parser()
    args = parser.parse_args(["import", "orders", "file.csv", "--dry-run"])
    assert args.dry_run and args.file == Path("file.csv")


@dataclass
class FakeResult:
    errors: list[Any] = field(default_factory=list)
    error_file: bytes | None = None
    error_format: str = "csv"
    batch_id: int | None = None
    written: bool = True

    def counts(self) -> dict[str, int]:
        return {"total": 2, "created": 2}


CALLS: list[dict[str, Any]] = []


def import_widgets(data: bytes, **options: Any) -> FakeResult:
    CALLS.append({"data": data, **options})
    return FakeResult()


@pytest.fixture
def widgets_target() -> Any:
    command = commands.ImportCommand(
        "widgets",
        help="import widgets",
        mapping_example="名=name",
        service="tests.core.test_commands:import_widgets",
        summary_keys=("total", "created"),
    )
    commands.register_import(command)
    yield command
    commands._IMPORTS.pop("widgets")


def test_a_registered_target_runs_without_touching_the_project_cli(
    org: Any, widgets_target: Any, tmp_path: Path, capsys: Any
) -> None:
    source = tmp_path / "widgets.csv"
    source.write_bytes(b"name\na\nb\n")
    assert main(["import", "widgets", str(source), "--as", "rep1", "--dry-run"]) == 0
    (call,) = CALLS
    assert call["data"] == b"name\na\nb\n" and call["actor"] == org.users["rep1"]
    assert call["dry_run"] is True and call["filename"] == "widgets.csv"
    assert "created" in capsys.readouterr().out
    assert main(["import", "widgets", str(source), "--as", "nobody"]) == 2
