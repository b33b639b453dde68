// Runs the built VS Code extension (out/extension.js, with the real vscode-languageclient bundled
// in it) against the `vscode` stand-in in ./vscode-stub.js, as VS Code would: activate it, open a
// TOML document, wait for what the editor would show, deactivate it.
//
//   node run-extension.js PARAMS.json
//
// PARAMS: { bundle, folder, settings, document: {path, text}, wait: "diagnostics" | "published" |
//           "popup", command?, timeout_ms }. With `command`, that command of the extension runs once
//           the wait is over, with the document as the active editor's. Prints one JSON object:
//           { outcome, popups, output, diagnostics, commands, shown }.
// No sleeps: it waits on the stand-in's events, with one overall timeout.

"use strict";

const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const params = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const vscode = require("./vscode-stub.js");

const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === "vscode" ? vscode : load.call(this, request, parent, isMain);
};

vscode.__configure({ settings: params.settings, folders: [params.folder] });
const extension = require(path.resolve(params.bundle));

function waitFor(kind, predicate) {
  return new Promise((resolve) => {
    const check = (...args) => {
      if (predicate(...args)) resolve(kind);
    };
    vscode.__listeners[kind].push(check);
    check();
  });
}

async function main() {
  const context = { subscriptions: [], extensionPath: path.dirname(path.dirname(params.bundle)) };
  const uri = vscode.Uri.file(params.document.path).toString();
  const wanted =
    params.wait === "popup"
      ? waitFor("popup", () => vscode.__recorded.popups.some((p) => p.kind === "error"))
      : params.wait === "published"
        ? waitFor("diagnostics", () => uri in vscode.__recorded.diagnostics)
        : waitFor("diagnostics", () => (vscode.__recorded.diagnostics[uri] || []).length > 0);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), params.timeout_ms);
  });

  await extension.activate(context);
  const document = vscode.__open(params.document.path, "toml", params.document.text);
  const outcome = await Promise.race([wanted, timeout]);
  clearTimeout(timer);
  if (params.command && outcome !== "timeout") {
    vscode.window.activeTextEditor = { document };
    await vscode.commands.executeCommand(params.command);
  }

  // Let a failed start finish its clean-up (the client stops, the extension logs) before leaving.
  await extension.deactivate();
  for (const d of context.subscriptions) d.dispose();
  process.stdout.write(
    JSON.stringify({
      outcome,
      popups: vscode.__recorded.popups,
      output: vscode.__recorded.output.join(""),
      diagnostics: vscode.__recorded.diagnostics[uri] || [],
      commands: vscode.__recorded.commands,
      shown: vscode.__recorded.shown,
    }) + "\n",
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`run-extension: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
