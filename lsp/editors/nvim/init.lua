-- Minimal Neovim config for the Flash Schema language server:
--
--   nvim -u lsp/editors/nvim/init.lua path/to/configs/train.toml
--
-- Puts this folder on the runtimepath and calls setup(). Works on Neovim 0.7+.
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
vim.opt.runtimepath:prepend(here)

vim.cmd("filetype plugin indent on")
vim.cmd("syntax on")

require("flash_schema").setup({
  -- Defaults, shown for reference:
  -- cmd = { "flash-schema", "lsp" },
  -- globs = { "**/configs/*.toml", "**/*.flash.toml" },
  -- detectByContent = true,
})

-- Handy while trying it out: show diagnostics of the line under the cursor.
vim.keymap.set("n", "<leader>e", vim.diagnostic.open_float, { desc = "Line diagnostics" })
vim.keymap.set("n", "K", vim.lsp.buf.hover, { desc = "Hover" })
