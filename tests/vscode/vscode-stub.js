// A stand-in for the `vscode` module: just enough of the VS Code API for our extension
// (lsp/editors/vscode/out/extension.js) and the vscode-languageclient bundled in it to start
// the language server, open documents and receive diagnostics, outside VS Code.
//
// What the extension does to the editor is recorded in `recorded` (popups, output channel
// lines, diagnostics); tests/vscode/run-extension.js drives it. Anything of the API not
// written out below exists as a no-op (functions return a Disposable, classes keep their
// arguments), so that the client's feature registration runs as it would in VS Code.

"use strict";

const path = require("node:path");
const { URL, pathToFileURL, fileURLToPath } = require("node:url");

const recorded = { popups: [], output: [], diagnostics: {}, commands: [], shown: [] };
const listeners = { diagnostics: [], popup: [] };
let settings = {};
let folders = [];

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this._fn) {
      this._fn();
      this._fn = undefined;
    }
  }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this._listeners]) l(value);
  }
  dispose() {
    this._listeners.clear();
  }
}

class CancellationError extends Error {}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

class Uri {
  constructor(scheme, authority, p, query, fragment) {
    this.scheme = scheme;
    this.authority = authority || "";
    this.path = p || "";
    this.query = query || "";
    this.fragment = fragment || "";
  }
  static parse(text) {
    const u = new URL(text);
    return new Uri(u.protocol.replace(/:$/, ""), u.host, decodeURIComponent(u.pathname), u.search.slice(1), u.hash.slice(1));
  }
  static file(p) {
    return Uri.parse(pathToFileURL(p).href);
  }
  static from(parts) {
    return new Uri(parts.scheme, parts.authority, parts.path, parts.query, parts.fragment);
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...parts));
  }
  get fsPath() {
    return this.scheme === "file" ? fileURLToPath(this.toString()) : this.path;
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path,
      change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    if (this.scheme === "file") return pathToFileURL(this.path).href;
    return `${this.scheme}:${this.authority ? "//" + this.authority : ""}${this.path}${this.query ? "?" + this.query : ""}`;
  }
  toJSON() {
    return this.toString();
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}

class CodeActionKind {
  constructor(value) {
    this.value = value;
  }
  append(part) {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other) {
    return this.value === other.value || other.value.startsWith(this.value + ".");
  }
  intersects(other) {
    return this.contains(other) || other.contains(this);
  }
}
for (const [name, value] of Object.entries({
  Empty: "",
  QuickFix: "quickfix",
  Refactor: "refactor",
  RefactorExtract: "refactor.extract",
  RefactorInline: "refactor.inline",
  RefactorRewrite: "refactor.rewrite",
  Source: "source",
  SourceOrganizeImports: "source.organizeImports",
  SourceFixAll: "source.fixAll",
})) {
  CodeActionKind[name] = new CodeActionKind(value);
}

// Anything else the client constructs or extends: a class that keeps its arguments.
const classes = new Map();
function genericClass(name) {
  if (!classes.has(name)) {
    classes.set(name, { [name]: class {
      constructor(...args) {
        this.args = args;
      }
    } }[name]);
  }
  return classes.get(name);
}

// Namespaces: listed members are real, others return a Disposable (register*, on*).
function namespace(members) {
  return new Proxy(members, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop !== "string") return undefined;
      return () => new Disposable();
    },
  });
}

// Enums: the values VS Code uses; an unknown member is a number too.
function enumeration(values) {
  return new Proxy(values, { get: (t, p) => (p in t ? t[p] : 0) });
}

function settingAt(section, key) {
  let node = section === undefined ? settings : settings[section];
  if (key === undefined) return node;
  for (const part of key.split(".")) {
    if (node === undefined || node === null) return undefined;
    node = node[part];
  }
  return node;
}

function configuration(section) {
  return {
    get: (key, fallback) => {
      const value = settingAt(section, key);
      return value === undefined ? fallback : JSON.parse(JSON.stringify(value));
    },
    has: (key) => settingAt(section, key) !== undefined,
    inspect: (key) => ({ key, globalValue: settingAt(section, key) }),
    update: async () => {},
  };
}

const openDocument = new EventEmitter();
const closeDocument = new EventEmitter();
const changeDocument = new EventEmitter();
const textDocuments = [];
const contentProviders = new Map();

const workspace = namespace({
  getConfiguration: (section) => configuration(section),
  get workspaceFolders() {
    return folders;
  },
  getWorkspaceFolder: (uri) => folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
  textDocuments,
  notebookDocuments: [],
  onDidOpenTextDocument: openDocument.event,
  onDidCloseTextDocument: closeDocument.event,
  onDidChangeTextDocument: changeDocument.event,
  registerTextDocumentContentProvider: (scheme, provider) => {
    contentProviders.set(scheme, provider);
    return new Disposable(() => contentProviders.delete(scheme));
  },
  // Only documents of a content provider (the show command's): their text is the provider's.
  openTextDocument: async (uri) => {
    const provider = contentProviders.get(uri.scheme);
    if (provider === undefined) throw new Error(`the stand-in opens no ${uri.toString()}`);
    const text = provider.provideTextDocumentContent(uri);
    return { uri, languageId: "plaintext", isUntitled: false, getText: () => text };
  },
  createFileSystemWatcher: () => ({
    onDidCreate: () => new Disposable(),
    onDidChange: () => new Disposable(),
    onDidDelete: () => new Disposable(),
    dispose() {},
  }),
});

function popup(kind) {
  return (message, ...items) => {
    recorded.popups.push({ kind, message, items: items.map((i) => (typeof i === "string" ? i : i && i.title)) });
    listeners.popup.forEach((l) => l());
    return Promise.resolve(undefined); // the user closes it
  };
}

const window = namespace({
  showErrorMessage: popup("error"),
  showWarningMessage: popup("warning"),
  showInformationMessage: popup("info"),
  createOutputChannel: (name) => ({
    name,
    append: (text) => recorded.output.push(text),
    appendLine: (text) => recorded.output.push(text + "\n"),
    replace: () => {},
    clear: () => {},
    show: () => {},
    hide: () => {},
    dispose: () => {},
    info: (text) => recorded.output.push(text + "\n"),
    warn: (text) => recorded.output.push(text + "\n"),
    error: (text) => recorded.output.push(text + "\n"),
    debug: () => {},
    trace: () => {},
  }),
  activeTextEditor: undefined,
  showTextDocument: async (document, options) => {
    recorded.shown.push({
      uri: document.uri.toString(),
      languageId: document.languageId,
      text: document.getText(),
      viewColumn: options && options.viewColumn,
    });
    return { document };
  },
  visibleTextEditors: [],
  tabGroups: { all: [], onDidChangeTabs: () => new Disposable() },
  withProgress: (_options, task) => task({ report() {} }, new CancellationTokenSource().token),
});

function matchSelector(selector, document) {
  const selectors = Array.isArray(selector) ? selector : [selector];
  let score = 0;
  for (const s of selectors) {
    if (typeof s === "string") {
      if (s === document.languageId || s === "*") score = Math.max(score, 10);
      continue;
    }
    if (s.language && s.language !== "*" && s.language !== document.languageId) continue;
    if (s.scheme && s.scheme !== "*" && s.scheme !== document.uri.scheme) continue;
    if (s.notebookType) continue;
    score = Math.max(score, 10);
  }
  return score;
}

const languages = namespace({
  match: matchSelector,
  createDiagnosticCollection: (name) => {
    const entries = new Map();
    return {
      name,
      set(uri, diagnostics) {
        if (Array.isArray(uri)) {
          for (const [u, d] of uri) this.set(u, d);
          return;
        }
        entries.set(uri.toString(), diagnostics || []);
        recorded.diagnostics[uri.toString()] = (diagnostics || []).map((d) => ({
          message: d.message,
          severity: d.severity,
          source: d.source,
          code: d.code !== null && typeof d.code === "object" ? d.code.value : d.code,
          range: {
            start: { line: d.range.start.line, character: d.range.start.character },
            end: { line: d.range.end.line, character: d.range.end.character },
          },
        }));
        listeners.diagnostics.forEach((l) => l(uri.toString()));
      },
      get: (uri) => entries.get(uri.toString()),
      has: (uri) => entries.has(uri.toString()),
      delete: (uri) => entries.delete(uri.toString()),
      clear: () => entries.clear(),
      forEach: (fn) => entries.forEach((d, u) => fn(Uri.parse(u), d)),
      dispose: () => entries.clear(),
    };
  },
  getLanguages: async () => ["toml"],
  setTextDocumentLanguage: async (document, languageId) => {
    document.languageId = languageId;
    return document;
  },
});

const registered = new Map();
const commands = namespace({
  registerCommand: (id, fn) => {
    registered.set(id, fn);
    return new Disposable(() => registered.delete(id));
  },
  executeCommand: async (id, ...args) => {
    recorded.commands.push(id);
    const fn = registered.get(id);
    return fn ? fn(...args) : undefined;
  },
});

const env = namespace({
  appName: "Visual Studio Code (stand-in)",
  language: "en",
  machineId: "stand-in",
  clipboard: { writeText: async () => {}, readText: async () => "" },
  openExternal: async () => true,
});

const explicit = {
  version: "1.85.0",
  Disposable,
  EventEmitter,
  CancellationError,
  CancellationTokenSource,
  Uri,
  Position,
  Range,
  Diagnostic,
  workspace,
  window,
  languages,
  commands,
  env,
  extensions: namespace({ getExtension: () => undefined, all: [] }),
  DiagnosticSeverity: enumeration({ Error: 0, Warning: 1, Information: 2, Hint: 3 }),
  DiagnosticTag: enumeration({ Unnecessary: 1, Deprecated: 2 }),
  TextDocumentSaveReason: enumeration({ Manual: 1, AfterDelay: 2, FocusOut: 3 }),
  FileType: enumeration({ Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 }),
  CodeActionKind,
  ProgressLocation: enumeration({ SourceControl: 1, Window: 10, Notification: 15 }),
  UIKind: enumeration({ Desktop: 1, Web: 2 }),
  ViewColumn: enumeration({ Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 }),
  // Test hooks (not VS Code API).
  __recorded: recorded,
  __listeners: listeners,
  __configure(options) {
    settings = options.settings || {};
    folders = (options.folders || []).map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index }));
  },
  __open(file, languageId, text) {
    const document = {
      uri: Uri.file(file),
      fileName: file,
      languageId,
      version: 1,
      isClosed: false,
      isDirty: false,
      isUntitled: false,
      lineCount: text.split("\n").length,
      getText: () => text,
    };
    textDocuments.push(document);
    openDocument.fire(document);
    return document;
  },
};

module.exports = new Proxy(explicit, {
  get(target, prop) {
    if (prop in target) return target[prop];
    if (typeof prop === "string" && /^[A-Z]/.test(prop)) return genericClass(prop);
    return undefined;
  },
});
