"""Editor integrations under lsp/editors/: the VS Code extension and the Neovim client.

The fast tests read the files; the e2e tests build the VS Code extension from a
clean copy (``npm ci && npm run build``), package it (``npm run package``) and
inspect the .vsix, and run the built bundle (with the real vscode-languageclient
inside it) against a stand-in for the ``vscode`` API (tests/vscode/): the server
must start and publish diagnostics, and without its extras the user must be shown
the install command. (VS Code itself cannot be downloaded here: no network but the
package registries.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flash_schema_lsp.features.selection import Settings, parse_settings
from flash_schema_lsp.features.show import COMMAND as SHOW_COMMAND

REPO = Path(__file__).resolve().parents[1]
EDITORS = REPO / "lsp" / "editors"
VSCODE = EDITORS / "vscode"
NVIM = EDITORS / "nvim"
SCHEMA = REPO / "schema" / "flash.schema.json"

DEFAULT_GLOBS = ["**/configs/*.toml", "**/*.flash.toml"]
DEFAULT_COMMAND = ["flash-schema", "lsp"]
INSTALL_HINT = "pip install 'flash-schema[lsp]'"


def _package_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    return data


def _check_toml_validation(manifest: dict[str, Any]) -> None:
    entries = manifest["contributes"]["tomlValidation"]
    by_match = {entry["fileMatch"]: entry["url"] for entry in entries}
    assert by_match == {
        "*.flash.toml": "./schemas/flash.schema.json",
        "configs/*.toml": "./schemas/flash.schema.json",
    }


# --------------------------------------------------------------------------- fast


def test_vscode_manifest_settings_match_server_defaults() -> None:
    manifest = _package_json()
    props = manifest["contributes"]["configuration"]["properties"]

    assert set(props) == {
        "flashSchema.globs",
        "flashSchema.detectByContent",
        "flashSchema.inlayHints",
        "flashSchema.flashVersion",
        "flashSchema.server.command",
    }
    assert props["flashSchema.globs"]["type"] == "array"
    assert props["flashSchema.globs"]["default"] == DEFAULT_GLOBS
    assert props["flashSchema.detectByContent"]["type"] == "boolean"
    assert props["flashSchema.detectByContent"]["default"] is True
    assert props["flashSchema.inlayHints"]["type"] == "boolean"
    assert props["flashSchema.inlayHints"]["default"] is Settings().inlay_hints
    assert props["flashSchema.flashVersion"]["type"] == "string"
    assert props["flashSchema.flashVersion"]["default"] == ""  # "detect", as the server reads it
    assert parse_settings({"flashVersion": ""}).flash_version is None
    assert props["flashSchema.server.command"]["type"] == "array"
    assert props["flashSchema.server.command"]["default"] == DEFAULT_COMMAND
    for name, prop in props.items():
        assert prop.get("description") or prop.get("markdownDescription"), f"{name} has no description"


def test_vscode_manifest_shape() -> None:
    manifest = _package_json()
    assert manifest["name"] == "flash-schema"
    assert manifest["publisher"] == "flash-schema"
    assert manifest["main"] == "./out/extension.js"
    assert manifest["engines"]["vscode"] == "^1.85.0"
    assert manifest["activationEvents"] == ["onLanguage:toml"]
    assert "repository" in manifest
    assert manifest["license"] == "MIT"
    assert (VSCODE / "LICENSE").is_file()
    _check_toml_validation(manifest)
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert "flashSchema.restartServer" in commands
    assert "flashSchema.showResolvedConfig" in commands
    # Even Better TOML / tombi provide the `toml` language: optional, not required.
    assert "extensionDependencies" not in manifest
    assert "languages" not in manifest["contributes"]
    for script in ("build", "package"):
        assert script in manifest["scripts"]


def test_vscode_dependencies_are_pinned_and_locked() -> None:
    manifest = _package_json()
    deps = {**manifest["dependencies"], **manifest["devDependencies"]}
    for name in ("typescript", "@types/vscode", "@types/node", "esbuild", "@vscode/vsce", "vscode-languageclient"):
        assert name in deps, name
        assert re.fullmatch(r"\d+\.\d+\.\d+", deps[name]), f"{name} is not pinned exactly: {deps[name]}"
    assert deps["vscode-languageclient"].startswith("9.")
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    root = lock["packages"][""]
    assert root["dependencies"] == manifest["dependencies"]
    assert root["devDependencies"] == manifest["devDependencies"]
    for name, version in deps.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_vscode_extension_source() -> None:
    source = (VSCODE / "src" / "extension.ts").read_text(encoding="utf-8")
    assert "vscode-languageclient/node" in source
    assert "flashSchema.restartServer" in source
    # "Show Resolved Config": the server's command, opened through a read-only content provider.
    assert f'const SHOW_COMMAND = "{SHOW_COMMAND}"' in source
    assert "registerTextDocumentContentProvider(SHOW_SCHEME" in source
    assert '"flashSchema.showResolvedConfig"' in source
    assert "configurationSection: SECTION" in source
    assert 'const SECTION = "flashSchema"' in source
    assert INSTALL_HINT in source
    assert '{ scheme: "file", language: "toml" }' in source
    assert '{ scheme: "untitled", language: "toml" }' in source


def test_nvim_client_mentions_server_command() -> None:
    lua = (NVIM / "flash_schema.lua").read_text(encoding="utf-8")
    assert '"flash-schema"' in lua
    assert '"lsp"' in lua
    assert '{ "flash-schema", "lsp" }' in lua
    for glob in DEFAULT_GLOBS:
        assert f'"{glob}"' in lua
    assert "detectByContent = true" in lua
    assert "inlayHints = true" in lua
    assert 'flashVersion = ""' in lua
    assert "flashSchema" in lua
    # :FlashSchemaShow asks the server's command (tests/test_nvim.py runs it in a real Neovim).
    assert "FlashSchemaShow" in lua
    assert f'SHOW_COMMAND = "{SHOW_COMMAND}"' in lua
    # 0.11+, 0.8+ and the 0.7 fallback are all there.
    for api in ("vim.lsp.config", "vim.lsp.enable", "vim.lsp.start", "vim.lsp.start_client", "buf_attach_client"):
        assert api in lua, api
    assert INSTALL_HINT in lua
    assert (NVIM / "init.lua").is_file()
    assert (NVIM / "lua" / "flash_schema.lua").is_file()


# --------------------------------------------------------------------------- e2e


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> None:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
    )
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed with exit code {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
        )


@pytest.fixture(scope="module")
def vscode_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The extension built from a clean copy: (its folder, the copy's root, npm's environment)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot build the VS Code extension")
    assert SCHEMA.is_file(), f"{SCHEMA} is missing: the extension ships it"
    ignore = shutil.ignore_patterns("node_modules", "out", "schemas", "*.vsix")
    # Same layout as the repo, so the build finds ../../../schema/flash.schema.json.
    root = tmp_path_factory.mktemp("flash-vscode")
    ext = root / "lsp" / "editors" / "vscode"
    shutil.copytree(VSCODE, ext, ignore=ignore)
    (root / "schema").mkdir()
    shutil.copy2(SCHEMA, root / "schema" / "flash.schema.json")
    env = {
        **os.environ,
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
    }
    env.pop("FLASH_SCHEMA_JSON", None)
    _run([npm, "ci"], ext, env, timeout=600)
    _run([npm, "run", "build"], ext, env, timeout=300)
    return ext, root, env


@pytest.mark.e2e
def test_vscode_extension_builds_and_packages(vscode_build: tuple[Path, Path, dict[str, str]]) -> None:
    ext, root, env = vscode_build
    npm = shutil.which("npm")
    assert npm is not None
    _run([npm, "run", "package"], ext, env, timeout=300)

    vsixes = sorted(ext.glob("*.vsix"))
    assert len(vsixes) == 1, vsixes
    with zipfile.ZipFile(vsixes[0]) as vsix:
        names = set(vsix.namelist())
        assert "extension/out/extension.js" in names
        assert "extension/schemas/flash.schema.json" in names
        assert "extension/package.json" in names
        # Bundled by esbuild: no node_modules, no sources.
        assert not any(n.startswith("extension/node_modules/") for n in names), sorted(names)
        assert not any(n.startswith("extension/src/") for n in names), sorted(names)

        manifest = json.loads(vsix.read("extension/package.json"))
        _check_toml_validation(manifest)
        shipped_schema = json.loads(vsix.read("extension/schemas/flash.schema.json"))
        # Compared with the copy the build used (the repo's may be edited meanwhile).
        assert shipped_schema == json.loads((root / "schema" / "flash.schema.json").read_text(encoding="utf-8"))

        bundle = vsix.read("extension/out/extension.js").decode("utf-8")
        # vscode-languageclient is inside the bundle; only `vscode` stays external.
        assert "LanguageClient" in bundle
        assert 'require("vscode")' in bundle
        assert INSTALL_HINT in bundle


# -- the built extension, run against a stand-in for VS Code -----------------------------------------------

HARNESS = REPO / "tests" / "vscode" / "run-extension.js"
EXAMPLE = REPO / "examples" / "broken" / "grpo-mistakes.toml"
HARNESS_TIMEOUT_MS = 20_000


def _run_extension(
    bundle: Path,
    project: Path,
    wait: str,
    pythonpath: tuple[str, ...] = (),
    *,
    text: str | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Activate the extension in ``project`` with our server as its command, open a broken config
    (or ``text``), wait for ``wait`` ("diagnostics", "published" or "popup"), run ``command`` if
    given, and return what the editor was given."""
    (project / "configs").mkdir(parents=True)
    config = project / "configs" / "broken.toml"
    if text is None:
        shutil.copyfile(EXAMPLE, config)
    else:
        config.write_text(text, "utf-8")
    params = {
        "bundle": str(bundle),
        "folder": str(project),
        # The extension resolves the executable and appends --stdio (TransportKind.stdio), as in VS Code.
        "settings": {"flashSchema": {"server": {"command": [sys.executable, "-m", "flash_schema", "lsp"]}}},
        "document": {"path": str(config), "text": config.read_text("utf-8")},
        "wait": wait,
        "command": command,
        "timeout_ms": HARNESS_TIMEOUT_MS,
    }
    (project / "params.json").write_text(json.dumps(params), "utf-8")
    paths = [*pythonpath, str(REPO), str(REPO / "lsp"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, str(HARNESS), str(project / "params.json")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=HARNESS_TIMEOUT_MS / 1000 + 30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.mark.e2e
def test_vscode_extension_starts_the_server(vscode_build: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    """Issue 10: vscode-languageclient appends `--stdio`; the server must start, initialize and publish."""
    ext, _, _ = vscode_build
    got = _run_extension(ext / "out" / "extension.js", tmp_path / "project", "diagnostics")
    explain = json.dumps(got, indent=1)[:6000]
    assert got["outcome"] == "diagnostics", explain
    assert got["popups"] == [], explain
    codes = {d["code"] for d in got["diagnostics"]}
    assert {"invalid-value", "unknown-key", "invalid-environment-id"} <= codes, explain  # today's Flash (1.3)
    assert all(d["source"] == "flash-schema" for d in got["diagnostics"]), explain
    assert "Started " in got["output"], explain


@pytest.mark.e2e
def test_vscode_extension_shows_the_install_command(
    vscode_build: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """Without pygls the user sees one error popup that carries the install command, no generic ones."""
    ext, _, _ = vscode_build
    shim = tmp_path / "shim"
    (shim / "pygls").mkdir(parents=True)
    (shim / "pygls" / "__init__.py").write_text("raise ImportError(\"No module named 'pygls' (hidden by the test)\")\n")
    got = _run_extension(ext / "out" / "extension.js", tmp_path / "project", "popup", pythonpath=(str(shim),))
    explain = json.dumps(got, indent=1)[:6000]
    assert got["outcome"] == "popup", explain
    (popup,) = got["popups"]
    assert popup["kind"] == "error", explain
    assert INSTALL_HINT in popup["message"], explain
    assert got["diagnostics"] == [], explain


@pytest.mark.e2e
def test_vscode_show_resolved_config_opens_the_server_s_answer_read_only(
    vscode_build: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """ "Show Resolved Config": the server's `flash-schema.show`, in a content provider's (read-only)
    document beside the file, as TOML; a config Flash rejects shows its problems as plain text."""
    ext, _, _ = vscode_build
    bundle = ext / "out" / "extension.js"
    valid = (
        'model = "Qwen/Qwen3.5-9B"\nproject = "3f2b8c1e-9d4a-4e6b-a1c2-7d8e9f0a1b2c"\nalgorithm = "grpo"\n\n'
        '[environment]\nid = "acme/math/gsm8k"\n\n[train]\nlora_rank = 16\n'
    )
    got = _run_extension(bundle, tmp_path / "valid", "published", text=valid, command="flashSchema.showResolvedConfig")
    explain = json.dumps(got, indent=1)[:6000]
    assert got["popups"] == [], explain
    (shown,) = got["shown"]
    assert shown["uri"].startswith("flash-schema-show:/broken.resolved.toml?"), explain
    assert shown["languageId"] == "toml"
    assert shown["text"].startswith("# broken.toml as Flash 1.3.28 runs it"), explain
    assert "lora_alpha = 32" in shown["text"]
    assert shown["viewColumn"] == -2  # ViewColumn.Beside
    got = _run_extension(bundle, tmp_path / "broken", "diagnostics", command="flashSchema.showResolvedConfig")
    (shown,) = got["shown"]
    assert shown["uri"].startswith("flash-schema-show:/broken.problems.txt?")
    assert shown["languageId"] == "plaintext"
    assert "error[invalid-value]" in shown["text"]
