-- Neovim client for the Flash Schema language server (`flash-schema lsp`).
--
--   require("flash_schema").setup({})
--
-- The client attaches the server to every `toml` buffer; the server itself
-- decides which TOML files are Flash configs (globs, content detection,
-- `#:schema` directives) and ignores the rest.
--
-- :FlashSchemaShow opens, read-only, the config Flash will run for the current
-- buffer (the server's `flash-schema.show` command, as `flash-schema show`).
--
-- Supported Neovim versions:
--   * 0.11+  vim.lsp.config('flash_schema', {...}) + vim.lsp.enable('flash_schema')
--   * 0.8+   vim.lsp.start() from a `FileType toml` autocmd
--   * 0.7    vim.lsp.start_client() once per root + vim.lsp.buf_attach_client()

local M = {}

M.name = "flash_schema"

M.defaults = {
  -- Command that starts the language server over stdio.
  cmd = { "flash-schema", "lsp" },
  -- Which TOML files are Flash configs (sent to the server).
  globs = { "**/configs/*.toml", "**/*.flash.toml" },
  -- Also serve TOML files that are unmistakably Flash configs (sent to the server).
  detectByContent = true,
  -- Inlay hints with the values Flash fills in for the keys a table leaves out
  -- (sent to the server; on Neovim 0.10+ they are also shown in Flash buffers).
  inlayHints = true,
  -- The Flash release to check for ("1.3.28", "1.3", "latest"); "" detects it per file
  -- from the project's freesolo-flash pin (sent to the server).
  flashVersion = "",
  -- How :FlashSchemaShow opens its read-only buffer.
  show_split = "vsplit",
  -- Filetypes to attach to.
  filetypes = { "toml" },
  -- Files/directories marking the workspace root; the file's own directory otherwise.
  root_markers = { ".git", "pyproject.toml" },
  -- Passed through to the client.
  on_attach = nil,
  capabilities = nil,
  -- Use vim.lsp.config/vim.lsp.enable when Neovim has them (0.11+). Set to
  -- false to force the vim.lsp.start / start_client path.
  use_lsp_config = true,
  -- Create the :FlashSchemaRestart and :FlashSchemaShow commands.
  create_commands = true,
}

M.install_hint = "pip install 'flash-schema[lsp]'"

local options = nil
-- 0.7 fallback: root_dir -> client id
local legacy_clients = {}
local warned_missing = false

local uv = vim.loop or vim.uv

local function notify(msg, level)
  vim.schedule(function()
    vim.notify("[flash-schema] " .. msg, level or vim.log.levels.INFO)
  end)
end

-- Client methods became `client:method()` in 0.11 (dot calls are deprecated there).
local method_style = vim.fn.has("nvim-0.11") == 1

local function client_stop(client)
  if method_style then
    client:stop()
  else
    client.stop()
  end
end

local function client_is_stopped(client)
  if method_style then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function client_request(client, method, params, handler, bufnr)
  if method_style then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function get_clients(filter)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  -- Neovim < 0.10: get_active_clients() (its filter argument exists from 0.8 on).
  local result = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    local named = filter == nil or filter.name == nil or client.name == filter.name
    local attached = filter == nil or filter.bufnr == nil or vim.lsp.buf_is_attached(filter.bufnr, client.id)
    if named and attached then
      table.insert(result, client)
    end
  end
  return result
end

--- Settings object sent as initializationOptions and answered under the
--- `flashSchema` section of workspace/configuration.
function M.server_settings(opts)
  opts = opts or options or M.defaults
  return {
    globs = vim.deepcopy(opts.globs),
    detectByContent = opts.detectByContent,
    inlayHints = opts.inlayHints,
    flashVersion = opts.flashVersion or "",
    server = { command = vim.deepcopy(opts.cmd) },
  }
end

local function dirname(path)
  if vim.fs and vim.fs.dirname then
    return vim.fs.dirname(path)
  end
  return vim.fn.fnamemodify(path, ":h")
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- Workspace root for `bufnr`: the nearest ancestor directory holding one of
--- `root_markers`, else the file's own directory (else the cwd).
function M.find_root(bufnr, root_markers)
  root_markers = root_markers or (options or M.defaults).root_markers
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == "" then
    return uv.cwd()
  end
  fname = vim.fn.fnamemodify(fname, ":p")
  local start = dirname(fname)
  if vim.fs and vim.fs.find then
    local found = vim.fs.find(root_markers, { upward = true, path = start })[1]
    if found then
      return dirname(found)
    end
    return start
  end
  -- Neovim 0.7: no vim.fs, walk up by hand.
  local dir = start
  while dir and dir ~= "" do
    for _, marker in ipairs(root_markers) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

local function check_executable(cmd)
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    notify(cmd[1] .. " not found: " .. M.install_hint, vim.log.levels.ERROR)
  end
  return false
end

-- A server installed without its [lsp] extras still answers: it sends the install command as
-- window/showMessage (shown as an error by the default handler), then refuses `initialize`.
-- Stop that client at once so that the server exits instead of waiting for Neovim to quit.
local function show_message(err, result, ctx, config)
  vim.lsp.handlers["window/showMessage"](err, result, ctx, config)
  if type(result) == "table" and type(result.message) == "string" and result.message:find(M.install_hint, 1, true) then
    vim.schedule(function()
      vim.lsp.stop_client(ctx.client_id)
    end)
  end
end

local function on_attach(client, bufnr)
  -- Neovim 0.10+ draws inlay hints once they are enabled for a buffer.
  local hints = vim.lsp.inlay_hint
  if options.inlayHints and hints and hints.enable and client.server_capabilities.inlayHintProvider then
    pcall(hints.enable, true, { bufnr = bufnr })
  end
  if options.on_attach then
    options.on_attach(client, bufnr)
  end
end

local function client_config(root_dir)
  local settings = M.server_settings(options)
  local config = {
    name = M.name,
    cmd = vim.deepcopy(options.cmd),
    root_dir = root_dir,
    init_options = settings,
    settings = { flashSchema = vim.deepcopy(settings) },
    on_attach = on_attach,
    handlers = { ["window/showMessage"] = show_message },
  }
  if options.capabilities then
    config.capabilities = options.capabilities
  end
  if vim.fn.has("nvim-0.8") == 0 then
    -- Neovim 0.8+ sends the settings after `initialized` by itself; 0.7 does not.
    config.on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
    end
  end
  return config
end

local function wants(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  return vim.tbl_contains(options.filetypes, vim.bo[bufnr].filetype)
end

-- Neovim 0.7: one client per root, attached buffer by buffer.
local function attach_legacy(bufnr, root_dir)
  local id = legacy_clients[root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client_is_stopped(client) then
    local config = client_config(root_dir)
    config.on_exit = function()
      if legacy_clients[root_dir] == id then
        legacy_clients[root_dir] = nil
      end
    end
    id = vim.lsp.start_client(config)
    if id == nil then
      notify("could not start " .. table.concat(options.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    legacy_clients[root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Starts (or reuses) the client for `bufnr` and attaches it. Used by the
--- FileType autocmd on Neovim < 0.11 (or when use_lsp_config = false).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wants(bufnr) or not check_executable(options.cmd) then
    return nil
  end
  local root_dir = M.find_root(bufnr, options.root_markers)
  if vim.lsp.start then
    local id
    -- vim.lsp.start attaches the current buffer on 0.8 (opts.bufnr came later).
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config(root_dir), { bufnr = bufnr })
    end)
    return id
  end
  return attach_legacy(bufnr, root_dir)
end

local function use_lsp_config()
  return options.use_lsp_config ~= false
    and type(vim.lsp.enable) == "function"
    and vim.lsp.config ~= nil
end

local function toml_buffers()
  local bufs = {}
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wants(bufnr) then
      table.insert(bufs, bufnr)
    end
  end
  return bufs
end

local SHOW_COMMAND = "flash-schema.show"

local function open_shown(source_buf, result)
  local name = vim.api.nvim_buf_get_name(source_buf)
  local base = name ~= "" and vim.fn.fnamemodify(name, ":t:r") or "config"
  local title = "flash-schema://" .. base .. (result.valid and ".resolved.toml" or ".problems")
  for _, other in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(other) == title then
      vim.api.nvim_buf_delete(other, { force = true })
    end
  end
  local lines = vim.split(result.text, "\n", { plain = true })
  if lines[#lines] == "" then
    table.remove(lines)
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].modifiable = false
  vim.bo[buf].readonly = true
  pcall(vim.api.nvim_buf_set_name, buf, title)
  vim.bo[buf].filetype = result.valid and "toml" or "text"
  vim.cmd(options.show_split or "vsplit")
  vim.api.nvim_win_set_buf(0, buf)
  return buf
end

--- Opens, read-only, the config Flash will run for `bufnr` (the current buffer
--- by default): the resolved TOML, or the problems that make Flash reject it.
function M.show(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = get_clients({ name = M.name, bufnr = bufnr })[1]
  if client == nil then
    notify("no Flash Schema language server runs for this buffer", vim.log.levels.WARN)
    return
  end
  local params = { command = SHOW_COMMAND, arguments = { vim.uri_from_bufnr(bufnr) } }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err ~= nil then
      notify("show failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif type(result) ~= "table" then
      notify("this buffer is not a Flash config (see the `globs` option)", vim.log.levels.WARN)
    else
      open_shown(bufnr, result)
    end
  end, bufnr)
end

--- Stops the running server(s) and starts them again for the open buffers.
function M.restart()
  if use_lsp_config() then
    vim.lsp.enable(M.name, false)
    vim.defer_fn(function()
      vim.lsp.enable(M.name)
    end, 500)
    return
  end
  for _, client in ipairs(get_clients({ name = M.name })) do
    client_stop(client)
  end
  legacy_clients = {}
  vim.defer_fn(function()
    for _, bufnr in ipairs(toml_buffers()) do
      M.attach(bufnr)
    end
  end, 500)
end

function M.setup(opts)
  options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  -- Lists are replaced, not merged index by index.
  for _, key in ipairs({ "cmd", "globs", "filetypes", "root_markers" }) do
    if opts and opts[key] ~= nil then
      options[key] = vim.deepcopy(opts[key])
    end
  end
  warned_missing = false

  local group = vim.api.nvim_create_augroup("FlashSchemaLsp", { clear = true })

  if options.create_commands then
    vim.api.nvim_create_user_command("FlashSchemaRestart", function()
      M.restart()
    end, { desc = "Restart the Flash Schema language server" })
    vim.api.nvim_create_user_command("FlashSchemaShow", function()
      M.show()
    end, { desc = "Show the config Flash will run for this buffer (read-only)" })
  end

  if use_lsp_config() then
    local config = client_config(nil)
    config.name = nil
    config.filetypes = vim.deepcopy(options.filetypes)
    config.root_dir = function(bufnr, on_dir)
      if wants(bufnr) and check_executable(options.cmd) then
        on_dir(M.find_root(bufnr, options.root_markers))
      end
    end
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
    -- vim.lsp.enable() skips a missing executable silently (only logging it):
    -- say so the first time a matching buffer opens.
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = options.filetypes,
      callback = function(args)
        if wants(args.buf) then
          check_executable(options.cmd)
        end
      end,
      desc = "Report a missing flash-schema executable",
    })
    if #toml_buffers() > 0 then
      check_executable(options.cmd)
    end
    return M
  end

  if type(vim.lsp.is_enabled) == "function" and vim.lsp.is_enabled(M.name) then
    -- An earlier setup() used vim.lsp.enable; switch that off.
    vim.lsp.enable(M.name, false)
  end
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = options.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "Attach the Flash Schema language server",
  })
  -- Buffers that were already open when setup() ran.
  for _, bufnr in ipairs(toml_buffers()) do
    M.attach(bufnr)
  end
  return M
end

return M
