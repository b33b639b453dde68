"""Which Flash release a check speaks for: the option, the project's pin, the installed Flash, or
the newest known release; and how a release maps to a dialect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flash_schema import releases
from flash_schema.cli import main
from flash_schema.releases import Release, VersionError, detect, resolve

_INSTALLED = releases.installed_version  # before the fixture stubs it

CONFIG_1_0 = """\
model = "Qwen/Qwen3.5-4B"
algorithm = "grpo"
seed = 42

[environment]
id = "acme/gsm8k-env"

[train]
max_context_tokens = 4096
max_completion_tokens = 1024
max_steps = 200
save_at_steps = [50, 100, 200]
"""


@pytest.fixture(autouse=True)
def _no_installed_flash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection must not depend on what this test venv happens to have installed."""
    monkeypatch.setattr(releases, "installed_version", lambda: None)
    releases._pin_above.cache_clear()


# -- resolving a --flash-version value -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "version", "dialect"),
    [
        ("1.3.28", "1.3.28", "1.3"),
        ("1.3", "1.3.28", "1.3"),
        ("latest", "1.3.28", "1.3"),
        ("1.0", "1.0.69", "1.0"),
        ("1.0.1", "1.0.1", "1.0"),
        ("0.2.43", "0.2.43", "0.2.43"),
        ("0.2", "0.2.58", "1.0"),
        ("1.2.111.post1", "1.2.111.post1", "1.3"),
        ("v1.1.70", "1.1.70", "1.3"),
    ],
)
def test_resolve(spec: str, version: str, dialect: str) -> None:
    release = resolve(spec)
    assert (release.version, release.dialect, release.source) == (version, dialect, "option")


def test_a_release_checked_by_another_dialect_says_how_it_differs() -> None:
    note = resolve("1.0.13").note
    assert note is not None
    assert note.startswith("Flash 1.0.13 is checked as Flash 1.0.1: ")
    assert "credit_assignment" in note
    assert resolve("1.0.1").note is None  # the dialect's own release


def test_newer_and_older_and_unpublished_releases() -> None:
    newer = resolve("1.4.2")
    assert (newer.dialect, newer.version) == ("1.3", "1.4.2")
    assert newer.note is not None
    assert "newer than every release flash-schema knows" in newer.note
    older = resolve("0.2.38")
    assert older.dialect == "0.2.43"
    assert older.note is not None
    assert "older" in older.note
    unpublished = resolve("1.0.5")
    assert unpublished.dialect == "1.0"
    assert unpublished.note is not None
    assert "never published" in unpublished.note


@pytest.mark.parametrize("bad", ["banana", "1.x", "1..2", "-1"])
def test_a_bad_version_is_an_error(bad: str) -> None:
    with pytest.raises(VersionError, match="not a Flash version"):
        resolve(bad)


def test_cli_bad_version_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["check", "--flash-version", "banana", "x.toml"])
    assert result.exit_code == 2
    assert "not a Flash version" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "spec",
    [
        ">=1.0,<1.1",
        "~=1.0.1",
        "==1.0.*",
        "!=1.0.*",
        ">1.2.111",
        "<=0.2.58",
        ">=0.2.43,!=0.2.45",
        "~=1.2",
        "==1.0",
        "===1.0.1",
        "<1.3,>=1.2.89",
        ">=1.2.111.post1",
        "!=1.2.111.post1, >1.2",
        ">=1.0.0rc1",  # a pre-release in a specifier: handed to `packaging`
    ],
)
def test_ranges_select_what_packaging_selects(spec: str) -> None:
    """The fast specifier matcher agrees with `packaging` on every known release."""
    from packaging.specifiers import SpecifierSet

    expected = [v for v in releases.known_versions() if SpecifierSet(spec).contains(v, prereleases=True)]
    assert releases._inside(spec) == expected


# -- pin files ---------------------------------------------------------------------------------------


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A repository with `files` at its root and the config in configs/."""
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    config = tmp_path / "configs" / "grpo.toml"
    config.parent.mkdir()
    config.write_text(CONFIG_1_0, "utf-8")
    return config


OPTIONAL = '[project]\nname = "x"\n[project.optional-dependencies]\n' + 'train = ["freesolo_flash[cli]>=1.0,<1.1"]\n'
PINS = {
    "pyproject-dependencies": (
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["freesolo-flash==1.0.1"]\n'},
        "1.0.1",
    ),
    "pyproject-optional": (
        {
            "pyproject.toml": OPTIONAL,
        },
        "1.0.69",
    ),
    "pyproject-group": ({"pyproject.toml": '[dependency-groups]\ndev = ["Freesolo-Flash ~= 0.2.43"]\n'}, "0.2.58"),
    "pyproject-poetry": ({"pyproject.toml": '[tool.poetry.dependencies]\nfreesolo-flash = "~1.0.1"\n'}, "1.0.69"),
    "requirements": ({"requirements.txt": "numpy>=2\nfreesolo-flash==1.0.1 \\\n  --hash=sha256:abc\n"}, "1.0.1"),
    "requirements-dev": ({"requirements-dev.txt": "# tools\nfreesolo-flash>=1.3,<1.3.25  # pinned\n"}, "1.3.23"),
    "uv-lock": ({"uv.lock": 'version = 1\n[[package]]\nname = "freesolo-flash"\nversion = "1.0.1"\n'}, "1.0.1"),
    "poetry-lock": ({"poetry.lock": '[[package]]\nname = "freesolo-flash"\nversion = "0.2.43"\n'}, "0.2.43"),
    "lock-beats-range": (
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["freesolo-flash>=1.0"]\n',
            "uv.lock": '[[package]]\nname = "freesolo-flash"\nversion = "1.0.1"\n',
        },
        "1.0.1",
    ),
    "unpinned-requirement": ({"requirements.txt": "freesolo-flash\n"}, "1.3.28"),
}


@pytest.mark.parametrize("kind", list(PINS))
def test_pin_files(tmp_path: Path, kind: str) -> None:
    files, version = PINS[kind]
    config = _project(tmp_path, files)
    release = detect(config)
    assert release.version == version
    assert Path(release.source).parent == tmp_path


def test_nearest_pin_wins_and_the_repository_root_bounds_the_search(tmp_path: Path) -> None:
    config = _project(tmp_path, {"requirements.txt": "freesolo-flash==0.2.43\n"})
    (config.parent / "pyproject.toml").write_text('[project]\nname="x"\ndependencies=["freesolo-flash==1.0.1"]\n')
    assert detect(config).version == "1.0.1"  # configs/pyproject.toml is nearer than the root's file
    outside = tmp_path / "repo"
    outside.mkdir()
    (outside / ".git").mkdir()
    inner = outside / "c.toml"
    inner.write_text(CONFIG_1_0)
    assert detect(inner).source == "default"  # a pin above the repository root is not this project's


def test_a_file_that_does_not_mention_flash_is_not_parsed(tmp_path: Path) -> None:
    config = _project(tmp_path, {"pyproject.toml": "this is [not TOML"})
    assert detect(config).source == "default"


def test_a_pin_newer_than_every_known_release(tmp_path: Path) -> None:
    config = _project(tmp_path, {"requirements.txt": "freesolo-flash==1.4.0\n"})
    release = detect(config)
    assert (release.version, release.dialect) == ("1.4.0", "1.3")
    assert release.note is not None
    assert "newer than every release" in release.note


def test_installed_flash_comes_after_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(releases, "installed_version", lambda: "1.0.1")
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / ".git").mkdir()
    config = lone / "c.toml"
    config.write_text(CONFIG_1_0)
    assert detect(config) == Release("1.0.1", "1.0", "installed")
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    assert detect(_project(pinned, {"requirements.txt": "freesolo-flash==0.2.43\n"})).version == "0.2.43"


def test_installed_version_reads_the_dist_info_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "freesolo_flash-1.0.1.dist-info").mkdir()
    monkeypatch.setattr("sys.path", [str(tmp_path)])
    assert _INSTALLED.__wrapped__() == "1.0.1"  # type: ignore[attr-defined]


# -- end to end: what a user sees --------------------------------------------------------------------


def test_a_1_0_config_checks_clean_with_its_pin_and_fails_as_today_s_flash(tmp_path: Path) -> None:
    config = _project(tmp_path, {"pyproject.toml": '[project]\nname="x"\ndependencies=["freesolo-flash==1.0.1"]\n'})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(config)])
    assert result.exit_code == 0, result.output
    (file,) = json.loads(result.stdout)["files"]
    assert file["flash_version"] == {
        "version": "1.0.1",
        "source": str(tmp_path / "pyproject.toml"),
        "dialect": "1.0",
    }
    assert file["diagnostics"] == []
    latest = CliRunner().invoke(main, ["check", "--flash-version", "latest", str(config)])
    assert latest.exit_code == 1
    assert "Flash 1.3.28 (from --flash-version)" in latest.output
    assert "config must set `project`" in latest.output


def test_the_text_summary_names_the_release_and_its_source(tmp_path: Path) -> None:
    config = _project(tmp_path, {"requirements.txt": "freesolo-flash==1.0.13\n"})
    result = CliRunner().invoke(main, ["check", "--color", "never", str(config)])
    assert result.exit_code == 0, result.output
    assert "note: Flash 1.0.13 is checked as Flash 1.0.1:" in result.output
    assert "1 file valid for Flash 1.0.13 (pinned in " in result.output
