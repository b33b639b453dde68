-- Lets `require("flash_schema")` work once lsp/editors/nvim is on the
-- runtimepath (plugin managers, `set rtp+=`): loads ../flash_schema.lua.
local here = debug.getinfo(1, "S").source:sub(2)
local root = vim.fn.fnamemodify(here, ":p:h:h")
return dofile(root .. "/flash_schema.lua")
