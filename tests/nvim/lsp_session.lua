-- One editing session in a real Neovim, driven by tests/test_nvim.py.
--
--   nvim --headless -u lsp/editors/nvim/init.lua -i NONE -n -c "luafile tests/nvim/lsp_session.lua"
--
-- Reads its parameters from the JSON file named by $FLASH_NVIM_PARAMS, sets the client up
-- through the repo's module (require("flash_schema").setup), opens the config, and records
-- what the editor got: diagnostics, folding ranges, inlay hints, a hover, diagnostics after an
-- edit, a completion, the buffer :FlashSchemaShow opens for a second file, the shutdown. Every wait is a vim.wait() with a timeout; whatever happens, the results are
-- written as JSON to params.result and Neovim quits.

local params = vim.fn.json_decode(table.concat(vim.fn.readfile(vim.env.FLASH_NVIM_PARAMS), "\n"))
local out = { nvim = tostring(vim.version().major) .. "." .. tostring(vim.version().minor), notifications = {} }
local uv = vim.loop or vim.uv
local t0 = uv.hrtime()

local function elapsed_ms()
  return math.floor((uv.hrtime() - t0) / 1e6)
end

local function mark(step)
  out.timeline = out.timeline or {}
  table.insert(out.timeline, { step = step, ms = elapsed_ms() })
end

-- Keep what the client module reports (e.g. "flash-schema not found").
vim.notify = function(msg, level)
  table.insert(out.notifications, { msg = tostring(msg), level = level })
end

local function clients(bufnr)
  local found
  if vim.lsp.get_clients then
    found = vim.lsp.get_clients({ bufnr = bufnr })
  else
    found = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  end
  local ours = {}
  for _, client in ipairs(found) do
    if client.name == "flash_schema" then
      table.insert(ours, client)
    end
  end
  return ours
end

local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp_item = d.user_data and d.user_data.lsp or {}
    table.insert(list, {
      code = d.code or lsp_item.code,
      message = d.message,
      severity = d.severity,
      source = d.source,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
    })
  end
  return list
end

-- One request to our client; returns result, error.
local function request(bufnr, client_id, method, request_params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, request_params, params.request_timeout_ms)
  if responses == nil then
    return nil, "no response: " .. tostring(err)
  end
  local response = responses[client_id]
  if response == nil then
    return nil, "no response from our client"
  end
  if response.err ~= nil then
    return nil, vim.inspect(response.err)
  end
  return response.result, nil
end

local function session()
  require("flash_schema").setup({ cmd = params.cmd })
  mark("setup")

  vim.cmd("edit " .. vim.fn.fnameescape(params.file))
  local bufnr = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[bufnr].filetype
  local uri = vim.uri_from_bufnr(bufnr)

  -- The server starts and attaches.
  if not vim.wait(params.start_timeout_ms, function()
    return #clients(bufnr) > 0
  end, 10) then
    out.failed = "the flash_schema client never attached"
    return
  end
  local client = clients(bufnr)[1]
  out.client_count = #clients(bufnr)
  mark("attached")

  -- Diagnostics pushed for the opened file.
  if not vim.wait(params.start_timeout_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 5) then
    out.failed = "no diagnostics after opening the file"
    return
  end
  mark("diagnostics")
  out.offset_encoding = client.offset_encoding
  out.diagnostics = diagnostics(bufnr)

  -- Folding ranges and inlay hints of the whole file (Neovim 0.7 neither folds nor draws
  -- hints from LSP by itself: what matters here is what the server answers a real client).
  local folds, folds_err = request(bufnr, client.id, "textDocument/foldingRange", { textDocument = { uri = uri } })
  mark("folding ranges")
  if folds_err ~= nil then
    out.failed = "foldingRange: " .. folds_err
    return
  end
  out.folding = folds
  local last = vim.api.nvim_buf_line_count(bufnr)
  local hints, hints_err = request(bufnr, client.id, "textDocument/inlayHint", {
    textDocument = { uri = uri },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
  })
  mark("inlay hints")
  if hints_err ~= nil then
    out.failed = "inlayHint: " .. hints_err
    return
  end
  out.inlay_hints = hints

  -- Hover on a key.
  local hover, hover_err = request(bufnr, client.id, "textDocument/hover", {
    textDocument = { uri = uri },
    position = params.hover_at,
  })
  mark("hover")
  if hover_err ~= nil then
    out.failed = "hover: " .. hover_err
    return
  end
  out.hover = hover

  -- Type a partial key inside [train]: the edit reaches the server (didChange) and the
  -- diagnostics follow it.
  local line = params.edit.line
  vim.api.nvim_buf_set_lines(bufnr, line, line + 1, true, { params.edit.text })
  if not vim.wait(params.request_timeout_ms, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == line then
        return true
      end
    end
    return false
  end, 5) then
    out.failed = "diagnostics did not follow the edit"
    out.diagnostics_after_edit = diagnostics(bufnr)
    return
  end
  mark("diagnostics after edit")
  out.diagnostics_after_edit = diagnostics(bufnr)

  -- Completion at the end of the partial key.
  local completion, completion_err = request(bufnr, client.id, "textDocument/completion", {
    textDocument = { uri = uri },
    position = { line = line, character = #params.edit.text },
    context = { triggerKind = 1 },
  })
  mark("completion")
  if completion_err ~= nil then
    out.failed = "completion: " .. completion_err
    return
  end
  local items = completion
  if type(completion) == "table" and completion.items ~= nil then
    items = completion.items
  end
  out.completion = {}
  for _, item in ipairs(items or {}) do
    local edit = item.textEdit
    table.insert(out.completion, {
      label = item.label,
      detail = item.detail,
      newText = edit and edit.newText or nil,
      range = edit and (edit.range or edit.replace) or nil,
    })
  end

  -- :FlashSchemaShow on a second (valid) file opens the resolved config, read-only.
  vim.cmd("edit " .. vim.fn.fnameescape(params.show_file))
  local show_buf = vim.api.nvim_get_current_buf()
  if not vim.wait(params.start_timeout_ms, function()
    return vim.lsp.buf_is_attached(show_buf, client.id)
  end, 10) then
    out.failed = "the client did not attach to the second file"
    return
  end
  vim.cmd("FlashSchemaShow")
  local shown
  if not vim.wait(params.request_timeout_ms, function()
    for _, candidate in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_get_name(candidate):match("%.resolved%.toml$") then
        shown = candidate
        return true
      end
    end
    return false
  end, 10) then
    out.failed = ":FlashSchemaShow opened no buffer"
    return
  end
  mark("show")
  out.show = {
    name = vim.api.nvim_buf_get_name(shown),
    lines = vim.api.nvim_buf_get_lines(shown, 0, -1, false),
    modifiable = vim.bo[shown].modifiable,
    readonly = vim.bo[shown].readonly,
    buftype = vim.bo[shown].buftype,
    filetype = vim.bo[shown].filetype,
    displayed = vim.api.nvim_get_current_buf() == shown,
    attached = #clients(shown),
  }

  -- A clean shutdown (shutdown request, exit notification, process gone).
  vim.lsp.stop_client(client.id)
  out.stopped = vim.wait(params.request_timeout_ms, function()
    return vim.lsp.get_client_by_id(client.id) == nil
  end, 10)
  mark("stopped")
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  out.failed = "error: " .. tostring(err)
end
out.total_ms = elapsed_ms()
vim.fn.writefile({ vim.fn.json_encode(out) }, params.result)
vim.cmd("qall!")
