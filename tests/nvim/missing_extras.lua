-- Neovim with the repo's Lua client, against a server whose [lsp] extras are missing; driven by
-- tests/test_nvim.py (test_missing_extras_tell_the_user_what_to_install).
--
-- Opens the config, waits until the user is told something that names the install command and
-- the client module has stopped the server, and writes what was shown (vim.notify) as JSON to
-- params.result.

local params = vim.fn.json_decode(table.concat(vim.fn.readfile(vim.env.FLASH_NVIM_PARAMS), "\n"))
local out = { notifications = {} }
local hint = "pip install 'flash-schema[lsp]'"

vim.notify = function(msg, level)
  table.insert(out.notifications, { msg = tostring(msg), level = level })
end

local function told()
  for _, n in ipairs(out.notifications) do
    if n.msg:find(hint, 1, true) then
      return true
    end
  end
  return false
end

-- Every client, initialized or not (an initialize error leaves it uninitialized).
local function our_clients()
  local found = {}
  for id = 1, 10 do
    local client = vim.lsp.get_client_by_id(id)
    if client ~= nil and client.name == "flash_schema" then
      table.insert(found, id)
    end
  end
  return found
end

local function session()
  require("flash_schema").setup({ cmd = params.cmd })
  vim.cmd("edit " .. vim.fn.fnameescape(params.file))
  -- Neovim reports the initialize error as a Lua error of its own: keep waiting through it.
  local ok = false
  while not ok do
    local waited, result = pcall(vim.wait, params.timeout_ms, told, 10)
    ok = waited and result or told()
    if waited and not result then
      out.failed = "the user was never told the install command"
      return
    end
  end
  out.stopped = vim.wait(params.timeout_ms, function()
    return #our_clients() == 0
  end, 10)
  -- Whatever Neovim scheduled when the server exited (a "quit with exit code" warning) runs first.
  local flushed = false
  vim.schedule(function()
    flushed = true
  end)
  vim.wait(params.timeout_ms, function()
    return flushed
  end, 10)
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  out.failed = "error: " .. tostring(err)
end
out.messages = vim.api.nvim_exec("messages", true)
vim.fn.writefile({ vim.fn.json_encode(out) }, params.result)
vim.cmd("qall!")
