"""The apps stand in layers (docs: ../shared/design/layout.md): each imports only the apps
below it, never one above or beside it; `dora_site` imports no app but in its URLs, and no
app imports `dora_site`. Read from the code's own imports (tests and migrations aside: they
may reach anywhere)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Bottom up: an app may import those with a lower number.
LAYERS = {"frameworks": 0, "teams": 1, "delivery": 2, "assessments": 3}
PROJECT = {*LAYERS, "dora_site"}


def imported_modules(path: Path, source: str) -> set[str]:
    """The modules a file imports, relative imports resolved against its package."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            else:
                found.add(node.module)
    return found


def problems_of(path: Path, source: str) -> list[str]:
    """The imports of one file that run against the layers."""
    parts = path.relative_to(ROOT).parts
    owner = parts[0]
    problems = []
    for module in sorted(imported_modules(path, source)):
        target = module.split(".")[0]
        if target not in PROJECT or target == owner:
            continue
        where = f"{'/'.join(parts)} imports {module}"
        if owner == "dora_site":
            if parts[1:] != ("urls.py",):
                problems.append(f"{where}: dora_site imports no app but in its URLs")
        elif target == "dora_site":
            problems.append(f"{where}: no app imports dora_site")
        elif LAYERS[target] >= LAYERS[owner]:
            problems.append(f"{where}: {target} does not stand below {owner}")
    return problems


def project_files():
    for app in sorted(PROJECT):
        for path in sorted((ROOT / app).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def test_every_import_follows_the_layers():
    files = list(project_files())
    assert len(files) > 50  # the apps were found
    problems = [p for path in files for p in problems_of(path, path.read_text())]
    assert problems == []


@pytest.mark.parametrize(
    ("file", "source", "expected"),
    [
        ("delivery/metrics.py", "from assessments.models import Assessment", "assessments"),
        ("teams/models.py", "import delivery.models", "delivery"),
        ("frameworks/tree.py", "from teams.models import Team", "teams"),
        ("assessments/views/teams.py", "from ...dora_site import urls", "dora_site"),
        ("dora_site/settings.py", "from frameworks import key_metrics", "frameworks"),
        ("delivery/api/views.py", "from ...assessments import evidence", "assessments"),
    ],
)
def test_an_import_against_the_layers_is_found(file, source, expected):
    problems = problems_of(ROOT / file, source)
    assert len(problems) == 1 and f"imports {expected}" in problems[0]


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("assessments/views/teams.py", "from delivery.selectors import last_receipts"),
        ("assessments/views/teams.py", "from ..evidence import team_summary"),
        ("delivery/models.py", "from teams.models import Team"),
        ("dora_site/urls.py", "from assessments import urls"),
    ],
)
def test_an_import_down_the_layers_is_fine(file, source):
    assert problems_of(ROOT / file, source) == []
