// VS Code client for the Flash Schema language server (`flash-schema lsp`).
//
// The extension only starts the server over stdio and forwards the
// `flashSchema.*` settings to it; deciding which TOML files are Flash configs
// (globs, content detection, `#:schema` directives) is the server's job. The
// "Show Resolved Config" command asks the server (`flash-schema.show`, through
// workspace/executeCommand) and opens its answer in a read-only editor.
//
// When the server is installed without its extras (pygls, lsprotocol), it still
// answers: a `window/showMessage` error and an `initialize` error, both carrying
// the install command. The user sees that one popup; the client's generic ones
// ("Server initialization failed.", "couldn't create connection") are kept out.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

const SECTION = "flashSchema";
const CLIENT_ID = "flashSchema";
const CLIENT_NAME = "Flash Schema";
const DEFAULT_COMMAND = ["flash-schema", "lsp"];
const DEFAULT_GLOBS = ["**/configs/*.toml", "**/*.flash.toml"];
const INSTALL_HINT = "pip install 'flash-schema[lsp]'";
/** The server's command that returns `flash-schema show` for a document. */
const SHOW_COMMAND = "flash-schema.show";
/** Read-only documents holding what the show command returned. */
const SHOW_SCHEME = "flash-schema-show";

export interface FlashSchemaSettings {
  globs: string[];
  detectByContent: boolean;
  inlayHints: boolean;
  /** A release, a series or `latest`; empty: detect it per file. */
  flashVersion: string;
  server: { command: string[] };
}

/** Whether `value` (an error, a message) is the server saying its extras are missing. */
function isMissingExtras(value: unknown): boolean {
  const text = value instanceof Error ? value.message : typeof value === "string" ? value : "";
  return text.includes(INSTALL_HINT);
}

/** The client, minus its generic popups about a server that already said what to install. */
class FlashLanguageClient extends LanguageClient {
  public error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    super.error(message, data, isMissingExtras(data) ? false : showNotification);
  }
}

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
/** Serialises start/stop/restart so that overlapping triggers cannot race. */
let pending: Promise<void> = Promise.resolve();

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Reads the `flashSchema` settings, falling back to the documented defaults. */
export function readSettings(): FlashSchemaSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const globs = cfg.get<unknown>("globs");
  const detectByContent = cfg.get<unknown>("detectByContent");
  const inlayHints = cfg.get<unknown>("inlayHints");
  const flashVersion = cfg.get<unknown>("flashVersion");
  const command = cfg.get<unknown>("server.command");
  return {
    globs: isStringArray(globs) ? globs : [...DEFAULT_GLOBS],
    detectByContent: typeof detectByContent === "boolean" ? detectByContent : true,
    inlayHints: typeof inlayHints === "boolean" ? inlayHints : true,
    flashVersion: typeof flashVersion === "string" ? flashVersion.trim() : "",
    server: {
      command:
        isStringArray(command) && command.length > 0 && command[0].trim() !== ""
          ? command
          : [...DEFAULT_COMMAND],
    },
  };
}

/**
 * Resolves `executable` the way a shell would: paths containing a separator are
 * checked directly (relative ones against the first workspace folder), bare
 * names are searched on PATH (with PATHEXT on Windows). Returns undefined when
 * nothing executable is found.
 */
function resolveExecutable(executable: string): string | undefined {
  const isWindows = process.platform === "win32";
  const exts = isWindows
    ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean)]
    : [""];
  const isExecutable = (candidate: string): boolean => {
    try {
      const stat = fs.statSync(candidate);
      if (!stat.isFile()) {
        return false;
      }
      if (!isWindows) {
        fs.accessSync(candidate, fs.constants.X_OK);
      }
      return true;
    } catch {
      return false;
    }
  };
  const tryWithExts = (base: string): string | undefined => {
    for (const ext of exts) {
      if (isExecutable(base + ext)) {
        return base + ext;
      }
    }
    return undefined;
  };

  let expanded = executable;
  if (expanded.startsWith("~/") || expanded === "~") {
    expanded = path.join(process.env.HOME ?? process.env.USERPROFILE ?? "", expanded.slice(1));
  }
  if (expanded.includes("/") || (isWindows && expanded.includes("\\"))) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const absolute =
      path.isAbsolute(expanded) || folder === undefined ? expanded : path.join(folder, expanded);
    return tryWithExts(absolute);
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const found = tryWithExts(path.join(dir, expanded));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

async function showMissingExecutable(executable: string): Promise<void> {
  const openSettings = "Open Settings";
  const copyInstall = "Copy Install Command";
  const choice = await vscode.window.showErrorMessage(
    `${executable} not found: ${INSTALL_HINT} ` +
      `(or point the "flashSchema.server.command" setting at the language server).`,
    openSettings,
    copyInstall,
  );
  if (choice === openSettings) {
    await vscode.commands.executeCommand(
      "workbench.action.openSettings",
      "flashSchema.server.command",
    );
  } else if (choice === copyInstall) {
    await vscode.env.clipboard.writeText(INSTALL_HINT);
  }
}

function isMissingExecutableError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as NodeJS.ErrnoException).code)}` : String(err);
  return /ENOENT|not found|cannot find/i.test(text);
}

async function startClient(): Promise<void> {
  const settings = readSettings();
  const [executable, ...args] = settings.server.command;

  const resolved = resolveExecutable(executable);
  if (resolved === undefined) {
    outputChannel?.appendLine(
      `Cannot start the language server: "${executable}" was not found on PATH ` +
        `(${process.env.PATH ?? ""}). Install it with: ${INSTALL_HINT}`,
    );
    void showMissingExecutable(executable);
    return;
  }

  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const serverOptions: ServerOptions = {
    command: resolved,
    args,
    transport: TransportKind.stdio,
    options: cwd !== undefined ? { cwd } : undefined,
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "toml" },
      { scheme: "untitled", language: "toml" },
    ],
    synchronize: {
      configurationSection: SECTION,
    },
    initializationOptions: settings,
    outputChannel,
    // No retry and no popup of our own: the server's message says what to do.
    initializationFailedHandler: () => false,
  };

  let newClient: LanguageClient | undefined;
  try {
    newClient = new FlashLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client = newClient;
    await newClient.start();
    outputChannel?.appendLine(`Started ${[resolved, ...args].join(" ")}`);
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    outputChannel?.appendLine(`Failed to start the language server: ${message}`);
    if (isMissingExtras(err)) {
      // Already shown: the server sent it as window/showMessage.
    } else if (isMissingExecutableError(err)) {
      void showMissingExecutable(executable);
    } else {
      void vscode.window.showErrorMessage(
        `Flash Schema language server failed to start: ${message}`,
      );
    }
    try {
      await newClient?.dispose();
    } catch {
      // already dead
    }
  }
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    await current.stop(5000);
  } catch (err) {
    outputChannel?.appendLine(
      `Error while stopping the language server: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function enqueue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

export function restartServer(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

/** What `flash-schema.show` answers for a document the server serves. */
interface ShowAnswer {
  valid: boolean;
  text: string;
  /** The language of `text`: "toml" (the resolved config) or "plaintext" (its problems). */
  language: string;
}

function isShowAnswer(value: unknown): value is ShowAnswer {
  const answer = value as ShowAnswer | null;
  return (
    typeof answer === "object" &&
    answer !== null &&
    typeof answer.valid === "boolean" &&
    typeof answer.text === "string" &&
    typeof answer.language === "string"
  );
}

/** The texts of the open "resolved config" documents, by their URI. */
class ShowDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "Show Resolved Config": the config Flash will run for the active TOML file, read-only, beside it. */
async function showResolvedConfig(documents: ShowDocuments): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "toml") {
    void vscode.window.showInformationMessage("Open a Flash config (a TOML file) first.");
    return;
  }
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage("The Flash Schema language server is not running.");
    return;
  }
  const source = editor.document.uri;
  const answer: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
    command: SHOW_COMMAND,
    arguments: [client.code2ProtocolConverter.asUri(source)],
  });
  if (!isShowAnswer(answer)) {
    void vscode.window.showInformationMessage(
      "This file is not a Flash config (see the flashSchema.globs setting).",
    );
    return;
  }
  const name = path.posix.basename(source.path) || "config.toml";
  const suffix = answer.valid ? ".resolved.toml" : ".problems.txt";
  const uri = vscode.Uri.from({
    scheme: SHOW_SCHEME,
    path: `/${name.replace(/\.toml$/i, "")}${suffix}`,
    query: source.toString(),
  });
  documents.set(uri, answer.text);
  const shown = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(shown, answer.language);
  await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(outputChannel);
  const shown = new ShowDocuments();

  context.subscriptions.push(
    shown,
    vscode.workspace.registerTextDocumentContentProvider(SHOW_SCHEME, shown),
    vscode.commands.registerCommand("flashSchema.restartServer", () => restartServer()),
    vscode.commands.registerCommand("flashSchema.showResolvedConfig", () => showResolvedConfig(shown)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Other flashSchema.* settings reach the running server through
      // workspace/didChangeConfiguration (synchronize.configurationSection);
      // a different command needs a new process.
      if (event.affectsConfiguration(`${SECTION}.server.command`)) {
        void restartServer();
      }
    }),
  );

  return enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
