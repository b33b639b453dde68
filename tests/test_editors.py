"""Editor integrations under lsp/editors/: the VS Code extension and the Neovim client.

The fast tests read the files; the e2e test builds and packages the VS Code
extension from a clean copy (``npm ci && npm run build && npm run package``)
and inspects the resulting .vsix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

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

    assert set(props) == {"flashSchema.globs", "flashSchema.detectByContent", "flashSchema.server.command"}
    assert props["flashSchema.globs"]["type"] == "array"
    assert props["flashSchema.globs"]["default"] == DEFAULT_GLOBS
    assert props["flashSchema.detectByContent"]["type"] == "boolean"
    assert props["flashSchema.detectByContent"]["default"] is True
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
    assert "flashSchema" in lua
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


@pytest.mark.e2e
def test_vscode_extension_builds_and_packages() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot build the VS Code extension")
    assert SCHEMA.is_file(), f"{SCHEMA} is missing: the extension ships it"

    ignore = shutil.ignore_patterns("node_modules", "out", "schemas", "*.vsix")
    with tempfile.TemporaryDirectory(prefix="flash-vscode-") as tmp:
        # Same layout as the repo, so the build finds ../../../schema/flash.schema.json.
        root = Path(tmp)
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
