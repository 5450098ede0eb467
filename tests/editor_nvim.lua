-- Neovim as the client of `tfblint server` (driven by tests/editor_nvim.rs).
--
-- Runs on Neovim 0.7 and later, headless:
--   nvim --headless --clean -u NONE -n -i NONE -c 'luafile tests/editor_nvim.lua' </dev/null
-- Environment:
--   TFB_SERVER_CMD  JSON list: the server's command line
--   TFB_FIXTURE     the file to open (a copy: the fix is applied to the buffer, never saved)
--   TFB_EXPECT      the file whose lines the buffer must hold after the fix
--   TFB_RESULT      where to write the JSON result
--   TFB_TIMEOUT_MS  the bound of each wait (default 10000)
-- Exit code: 0 every step passed, 1 a step failed (see `error` in the result), 3 the watchdog
-- fired. An uncaught Lua error would leave headless Neovim running: everything runs inside
-- xpcall and ends with `qall!` or `cquit`.

local env = vim.env
local STEP_MS = tonumber(env.TFB_TIMEOUT_MS or '10000')
local result = { ok = false, steps = {} }

local function write_result()
  -- json_encode fails on invalid UTF-8 (a buffer broken by an edit in the wrong encoding):
  -- then every non-ASCII byte is written as \xNN.
  local ok, json = pcall(vim.fn.json_encode, result)
  if not ok then
    local function escape(v)
      if type(v) == 'string' then
        return (v:gsub('[\128-\255]', function(c) return string.format('\\x%02x', c:byte()) end))
      elseif type(v) == 'table' then
        local t = {}
        for k, x in pairs(v) do t[k] = escape(x) end
        return t
      end
      return v
    end
    local escaped = escape(result)
    escaped.json_error = escape(tostring(json))
    json = vim.fn.json_encode(escaped)
  end
  local f = assert(io.open(env.TFB_RESULT, 'w'))
  f:write(json)
  f:close()
end

local function step(name) table.insert(result.steps, name) end

local function wait(what, predicate)
  assert(vim.wait(STEP_MS, predicate, 10), 'timed out: ' .. what)
end

-- If a wait blocks for good, end anyway.
local watchdog = vim.loop.new_timer()
watchdog:start(STEP_MS * 6, 0, vim.schedule_wrap(function()
  result.error = 'watchdog fired at step ' .. tostring(result.steps[#result.steps])
  pcall(write_result)
  vim.cmd('cquit 3')
end))

local function main()
  local v = vim.version()
  result.nvim_version = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  local fixture = vim.fn.fnamemodify(env.TFB_FIXTURE, ':p')

  step('open')
  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'terraform' -- the languageId the client sends
  local uri = vim.uri_from_bufnr(bufnr)

  -- The diagnostics exactly as published (UTF-16 ranges), besides Neovim's own view.
  local published = {}
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local exited
  step('start')
  local client_id = vim.lsp.start_client({
    name = 'tfblint',
    cmd = vim.fn.json_decode(env.TFB_SERVER_CMD),
    root_dir = vim.fn.fnamemodify(fixture, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, res, ctx, config)
        published[res.uri] = res
        return publish(err, res, ctx, config)
      end,
    },
    flags = { debounce_text_changes = 0 },
    on_exit = function(code, signal) exited = { code = code, signal = signal } end,
  })
  assert(client_id, 'the server could not be started')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
  wait('initialize', function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  result.offset_encoding = client.offset_encoding

  step('diagnostics')
  wait('diagnostics', function() return #vim.diagnostic.get(bufnr) > 0 end)
  result.diagnostics = vim.diagnostic.get(bufnr)
  local lsp_diagnostic = published[uri].diagnostics[1]
  result.published = published[uri]

  step('hover')
  local hovers = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = lsp_diagnostic.range.start,
  }, STEP_MS)
  assert(hovers and hovers[client_id] and hovers[client_id].result, 'no hover')
  result.hover = hovers[client_id].result.contents.value

  step('codeAction')
  local responses, why = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
  }, STEP_MS)
  assert(responses, 'codeAction failed: ' .. tostring(why))
  local response = responses[client_id]
  assert(response and not response.error, 'codeAction error: ' .. vim.inspect(response))
  result.actions = response.result
  local action
  for _, a in ipairs(response.result or {}) do
    if a.kind == 'quickfix' and a.edit and not a.title:match('^Ignore') then
      action = a
      break
    end
  end
  assert(action, 'no fix among ' .. vim.inspect(response.result))
  result.applied = action.title

  step('apply')
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  assert(vim.api.nvim_buf_get_changedtick(bufnr) ~= tick, 'the edit changed nothing')
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  assert(vim.deep_equal(vim.fn.readfile(env.TFB_EXPECT), result.lines),
    'the buffer differs from ' .. env.TFB_EXPECT)

  step('relinted')
  wait('diagnostics cleared', function() return #vim.diagnostic.get(bufnr) == 0 end)

  step('stop')
  vim.lsp.stop_client(client_id)
  wait('the server to exit', function() return exited ~= nil end)
  result.exit = exited
  assert(exited.code == 0 and exited.signal == 0, 'server exit: ' .. vim.inspect(exited))
  result.ok = true
end

local ok, err = xpcall(main, debug.traceback)
if not ok then result.error = tostring(err) end
watchdog:stop()
if not pcall(write_result) then ok = false end
io.stdout:write((ok and 'OK' or ('FAIL: ' .. tostring(err))) .. '\n')
if ok then
  vim.cmd('qall!')
else
  vim.lsp.stop_client(vim.lsp.get_active_clients(), true)
  vim.cmd('cquit 1')
end
