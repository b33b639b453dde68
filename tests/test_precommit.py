"""The pre-commit hook: `.pre-commit-hooks.yaml` as users reference it, run for real by pre-commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from flash_schema.checker import check_text

REPO = Path(__file__).resolve().parents[1]
HOOK_ID = "flash-schema-check"

GOOD = """model = "Qwen/Qwen3.5-9B"
project = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"

[environment]
id = "your-org/your-project/your-env"

[train]
max_examples = 100
"""
BROKEN = GOOD + "lora_rank = 512\n"


def _hooks() -> list[dict[str, Any]]:
    data = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert isinstance(data, list)
    return data


def test_hook_definition() -> None:
    """One hook, `flash-schema-check`: runs `flash-schema check` on TOML files, installed as a Python package;
    it skips TOML files that are not Flash configs itself, so a repository needs no `files:` pattern."""
    (hook,) = [h for h in _hooks() if h["id"] == HOOK_ID]
    assert hook["entry"] == "flash-schema check --only-flash-configs"
    assert "files" not in hook
    assert hook["language"] == "python"
    assert hook["types"] == ["toml"]
    assert hook.get("pass_filenames", True) is True
    assert hook["name"]
    assert hook["description"]


def test_hook_entry_is_a_console_script() -> None:
    """The entry's executable is the console script the package declares."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    (hook,) = [h for h in _hooks() if h["id"] == HOOK_ID]
    assert hook["entry"].split()[0] in pyproject["project"]["scripts"]


def _readme_hook_config() -> dict[str, Any]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("### pre-commit", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = yaml.safe_load(block)
    assert isinstance(config, dict)
    return config


def test_readme_shows_a_rev_users_can_pin() -> None:
    """Issue 10: the README said `rev: v0.1.0`, a tag that does not exist. It must name an existing tag, a
    commit SHA, or be filled in by the `pre-commit autoupdate --bleeding-edge --freeze` it names."""
    (repo,) = _readme_hook_config()["repos"]
    rev = repo["rev"]
    tags = _git(REPO, "tag", "--list").split()
    readme = (REPO / "README.md").read_text("utf-8")
    if rev in tags or re.fullmatch(r"[0-9a-f]{40}", rev):
        return
    assert rev == ""
    assert "pre-commit autoupdate --bleeding-edge --freeze" in readme
    version = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert f"v{version}" not in tags, "a release is tagged: show it as the rev"
    assert f"`rev: v{version}`" in readme  # says which tag will work once it exists


def test_readme_hook_needs_no_files_pattern() -> None:
    (repo,) = _readme_hook_config()["repos"]
    (hook,) = repo["hooks"]
    assert hook == {"id": HOOK_ID}


# -- end to end ----------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def _git(cwd: Path, *args: str) -> str:
    env = {
        **_clean_env(),
        "GIT_AUTHOR_NAME": "flash-schema tests",
        "GIT_AUTHOR_EMAIL": "tests@flash-schema.invalid",
        "GIT_COMMITTER_NAME": "flash-schema tests",
        "GIT_COMMITTER_EMAIL": "tests@flash-schema.invalid",
    }
    proc = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _pre_commit(cwd: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pre-commit in ``cwd``, with its cache under ``tmp_path`` and a clean environment."""
    env = {**_clean_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run(
        [_tool("pre-commit"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def _clean_env() -> dict[str, str]:
    """This environment minus what would point git or pre-commit at the outer repository."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}


def _hook_repo(dest: Path) -> Path:
    """A committed copy of this repository as it stands: tracked files plus new, not-ignored ones."""
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in sorted({n for n in listed.split("\0") if n}):
        src = REPO / name
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the work tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "flash-schema under test")
    return dest


@pytest.mark.e2e
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs our package from a git repo, passes a valid config, fails a broken one."""
    hook_repo = _hook_repo(tmp_path / "hook-repo")
    target = tmp_path / "project"
    (target / "configs").mkdir(parents=True)
    (target / "configs" / "good.toml").write_text(GOOD, "utf-8")
    (target / "configs" / "broken.toml").write_text(BROKEN, "utf-8")
    _git(target, "init", "-q")
    _git(target, "add", "-A")

    def try_repo(file: str) -> subprocess.CompletedProcess[str]:
        args = ("try-repo", str(hook_repo), HOOK_ID, "--color", "never", "--files", file)
        return _pre_commit(target, tmp_path, *args)

    good = try_repo("configs/good.toml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    broken = try_repo("configs/broken.toml")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    (error,) = [d for d in check_text(BROKEN) if d.is_error]
    assert error.code == "lora-rank-cap"
    assert error.message in broken.stdout
    assert "configs/broken.toml" in broken.stdout


PYPROJECT = """[project]
name = "trainer"
version = "0.1.0"

[tool.flash]
model = "not a Flash config"
"""


@pytest.mark.e2e
def test_pre_commit_checks_only_flash_configs(tmp_path: Path) -> None:
    """Issue 10: in a repository with a pyproject.toml, `--all-files` reported "config must set `model`" and
    "unknown table `[tool]`" on it. The hook, added as the README shows it (no `files:`), now checks the
    Flash configs wherever they are and nothing else; `autoupdate --bleeding-edge --freeze` pins it."""
    hook_repo = _hook_repo(tmp_path / "hook-repo")
    target = tmp_path / "project"
    (target / "experiments").mkdir(parents=True)
    (target / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    (target / "ruff.toml").write_text("line-length = 100\n", "utf-8")
    (target / "settings.toml").write_text("[server]\nport = 8000\n", "utf-8")
    (target / "train.toml").write_text(GOOD, "utf-8")
    (target / "experiments" / "broken.toml").write_text(BROKEN, "utf-8")
    config = _readme_hook_config()
    config["repos"][0]["repo"] = str(hook_repo)
    (target / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    _git(target, "init", "-q")
    _git(target, "add", "-A")

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return _pre_commit(target, tmp_path, *args)

    pinned = pre_commit("autoupdate", "--bleeding-edge", "--freeze")
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    head = _git(hook_repo, "rev-parse", "HEAD").strip()
    assert yaml.safe_load((target / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]["rev"] == head

    run = pre_commit("run", "--all-files", "--color", "never", "--verbose")
    assert run.returncode == 1, run.stdout + run.stderr
    output = run.stdout
    assert "experiments/broken.toml" in output
    (error,) = [d for d in check_text(BROKEN) if d.is_error]
    assert error.message in output
    for other in ("pyproject.toml", "ruff.toml", "settings.toml"):
        assert other not in output, output
    assert "train.toml" not in output  # valid: nothing to say about it
    # Both Flash configs were checked (pre-commit splits the files among parallel runs of the hook).
    lines = output.splitlines()
    newest = "Flash 1.3.28 (the newest release flash-schema knows)"
    assert f"1 error, 0 warnings; 1 of 1 file rejected by {newest}" in lines
    assert f"1 file valid for {newest}" in lines

    (target / "experiments" / "broken.toml").write_text(GOOD, "utf-8")
    _git(target, "add", "-A")
    again = pre_commit("run", "--all-files", "--color", "never")
    assert again.returncode == 0, again.stdout + again.stderr
