"""Approval policy files (TOML or YAML): a good file gives the tiers; a bad one stops start-up with a clear error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot import policy
from domain.approval import DEFAULT_POLICY, Tier
from domain.errors import PolicyError
from domain.people import Role

TOML = policy.EXAMPLE
YAML = """\
tiers:
  - up_to: 5000
    steps: [manager]
  - steps: [manager, admin]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        policy.load(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def test_no_file_means_the_default_policy() -> None:
    assert policy.load(None) is DEFAULT_POLICY


def test_the_example_toml_is_the_default_policy(tmp_path: Path) -> None:
    assert policy.load(write(tmp_path, "policy.toml", TOML)) == DEFAULT_POLICY


@pytest.mark.parametrize("name", ["policy.yaml", "policy.yml", "POLICY.YAML"])
def test_yaml(tmp_path: Path, name: str) -> None:
    loaded = policy.load(write(tmp_path, name, YAML))
    assert loaded.tiers == (Tier(Decimal("5000"), (Role.MANAGER,)), Tier(None, (Role.MANAGER, Role.ADMIN)))
    assert loaded.steps_for(Decimal("5000.01")) == (Role.MANAGER, Role.ADMIN)


@pytest.mark.parametrize(("name", "text", "words"), [
    ("p.toml", '[[tier]]\nup_to = 10000\nsteps = ["boss"]\n[[tier]]\nsteps = ["admin"]\n', "unknown role"),
    ("p.yaml", "tiers:\n  - up_to: 10\n    steps: [manager]\n  - steps: [cfo]\n", "unknown role"),
    ("p.toml", '[[tier]]\nup_to = 100\nsteps = ["manager"]\n[[tier]]\nup_to = 50\nsteps = ["finance"]\n'
               '[[tier]]\nsteps = ["admin"]\n', "increasing"),
    ("p.toml", '[[tier]]\nup_to = 100\nsteps = ["manager"]\n[[tier]]\nup_to = 100\nsteps = ["finance"]\n'
               '[[tier]]\nsteps = ["admin"]\n', "increasing"),
    ("p.toml", '[[tier]]\nup_to = 100\nsteps = ["manager"]\n[[tier]]\nup_to = 1000\nsteps = ["finance"]\n',
     "last tier must have no upper bound"),
    ("p.yaml", "tiers:\n  - up_to: 100\n    steps: [manager]\n", "last tier must have no upper bound"),
    ("p.toml", '[[tier]]\nup_to = 100\nsteps = []\n[[tier]]\nsteps = ["admin"]\n', "'steps'"),
    ("p.toml", '[[tier]]\nup_to = "lots"\nsteps = ["manager"]\n[[tier]]\nsteps = ["admin"]\n', "'up_to'"),
    ("p.toml", '[[tier]]\nup_to = nan\nsteps = ["manager"]\n[[tier]]\nsteps = ["admin"]\n', "'up_to'"),
    ("p.toml", '[[tier]]\nup_to = inf\nsteps = ["manager"]\n[[tier]]\nsteps = ["admin"]\n', "'up_to'"),
    ("p.toml", '[[tier]]\nup_to = -5\nsteps = ["manager"]\n[[tier]]\nsteps = ["admin"]\n', "'up_to'"),
    ("p.yaml", "tiers:\n  - 5\n  - steps: [admin]\n", "tier 1 must be a table"),
    ("p.toml", 'tier = "x"\n', "expected a list of tiers"),
    ("p.yaml", "", "expected a list of tiers"),
    ("p.yaml", "- a\n- b\n", "expected a list of tiers"),
    ("p.toml", "[[tier]\n", "not valid TOML"),
    ("p.yaml", "tiers: [\n", "not valid YAML"),
])
def test_bad_files_are_clear_policy_errors(tmp_path: Path, name: str, text: str, words: str) -> None:
    assert words in refused(write(tmp_path, name, text))


def test_a_missing_file(tmp_path: Path) -> None:
    assert "cannot be read" in refused(tmp_path / "nope.toml")


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(b"\xff\xfe\x00\x01")
    assert "cannot be read" in refused(path)
