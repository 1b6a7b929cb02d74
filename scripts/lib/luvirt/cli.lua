--- The luvirt command line: global options, running commands, `-e`, scripts,
--- the REPL (commands and Lua), prompt and completion.
--- The C shell calls the functions listed in docs/internal/contracts.md.
local cmdline = require "luvirt.cmdline"
local commands = require "luvirt.commands"
local args = require "luvirt.args"
local format = require "luvirt.format"

-- Keep locals for everything used here so a script or REPL chunk that changes
-- a global cannot break the shell (as nse_main.lua does).
local io, os, string, table = io, os, string, table
local error, pcall, xpcall, type, tostring, select, ipairs, pairs, load, loadfile, setmetatable,
      require, math, rawget, rawset =
      error, pcall, xpcall, type, tostring, select, ipairs, pairs, load, loadfile, setmetatable,
      require, math, rawget, rawset

local M = {}

local EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
M.EXIT_OK, M.EXIT_FAIL, M.EXIT_USAGE = EXIT_OK, EXIT_FAIL, EXIT_USAGE

-- Process-wide state of the shell.
local state = {
    uri = nil,          -- -c URI (nil: luvirt.open's default)
    readonly = false,
    quiet = false,
    json = false,
    conn = nil,         -- the open Connection, opened on first use
    quit = false,       -- set by quit/exit
    lua_mode = false,   -- the REPL is in `lua` mode
    pending = nil,      -- an incomplete Lua chunk waiting for more lines
    domains = {},       -- domain names for completion
    networks = {},      -- network names for completion
    pools = {},         -- storage pool names for completion
    env = nil,          -- the REPL's Lua globals
}
M.state = state

local function luvirt_module()
    return require "luvirt"
end

---------------------------------------------------------------------------
-- errors

--- Raises an operational failure (exit status 1).
function M.fail(msg, code)
    error({ luvirt_fail = true, msg = msg, code = code }, 0)
end

M.usage = args.usage_error

--- Turns an error value into (exit status, one-line message).
local function classify(e)
    if type(e) == "table" then
        if e.luvirt_usage then return EXIT_USAGE, e.msg end
        if e.luvirt_fail then return EXIT_FAIL, e.msg end
        if e.message then return EXIT_FAIL, tostring(e.message) end
    end
    local msg = tostring(e)
    return EXIT_FAIL, msg
end

local function report(msg)
    io.stdout:flush()
    msg = msg:gsub("\n+$", ""):gsub("\n", " ")
    io.stderr:write("error: ", msg, "\n")
    io.stderr:flush()
end

--- Runs fn(...) protected; reports an error on one line and returns its status.
local function protect(fn, ...)
    local ok, res = pcall(fn, ...)
    if ok then return res or EXIT_OK end
    local status, msg = classify(res)
    report(msg)
    return status
end

---------------------------------------------------------------------------
-- the connection

--- The open connection, opening it on first use; raises a failure if it cannot.
function M.connection()
    if state.conn then return state.conn end
    local luvirt = luvirt_module()
    local conn, msg, code = luvirt.open(state.uri, { readonly = state.readonly })
    if not conn then M.fail(msg or "cannot open the connection", code) end
    state.conn = conn
    return conn
end

--- Replaces the connection (the `connect` command).
function M.reconnect(uri, readonly)
    local luvirt = luvirt_module()
    local conn, msg, code = luvirt.open(uri, { readonly = readonly })
    if not conn then M.fail(msg or "cannot open the connection", code) end
    if state.conn then pcall(state.conn.close, state.conn) end
    state.conn, state.uri, state.readonly = conn, uri, readonly and true or false
    state.domains = {}
    return conn
end

---------------------------------------------------------------------------
-- running one command

local ctx_mt = {}
ctx_mt.__index = function(ctx, k)
    if k == "conn" then return M.connection() end
    return ctx_mt[k]
end

--- Writes text to the command's output.
function ctx_mt.out(_, s)
    io.stdout:write(s)
end

--- Returns v, or raises a failure with msg (the `nil, msg, code` convention).
function ctx_mt.check(_, v, msg, code, ...)
    if v == nil or v == false then M.fail(msg or "operation failed", code) end
    return v, msg, code, ...
end

--- The Domain for a name, id or UUID, or a failure naming it.
function ctx_mt.domain(ctx, key)
    local dom, msg, code = ctx.conn:domain(key)
    if not dom then M.fail(msg or ("domain '" .. key .. "' not found"), code or "NO_DOMAIN") end
    return dom
end

ctx_mt.fail = function(_, msg, code) M.fail(msg, code) end

--- Marks the command as failed (exit status 1) without stopping it: its data is
--- still rendered, then `error: msg` is printed (e.g. some of several domains failed).
function ctx_mt.set_failure(ctx, msg)
    rawset(ctx, "failure", msg)
end
ctx_mt.usage = function(_, msg) M.usage(msg) end

local function new_ctx(cmd, opts)
    return setmetatable({
        cmd = cmd,
        json = state.json or opts.json or false,
        quiet = state.quiet,
        readonly = state.readonly,
        cli = M,
    }, ctx_mt)
end

local function json_encode(data)
    local luvirt = luvirt_module()
    return luvirt.json.encode(data, { pretty = true })
end

--- A JSON array marker for empty lists when the encoder offers one.
function M.array(t)
    local ok, luvirt = pcall(luvirt_module)
    if ok and luvirt.json and luvirt.json.array then return luvirt.json.array(t) end
    return t
end

local function render(cmd, ctx, data, opts)
    if ctx.json then
        if data == nil then data = luvirt_module().json.null end
        ctx:out(json_encode(data) .. "\n")
        return
    end
    if cmd.render then
        local text = cmd.render(data, ctx, opts)
        if text then ctx:out(text) end
        return
    end
    if data == nil then return end
    if type(data) == "string" then
        ctx:out(data .. "\n")
    elseif type(data) == "table" and data.message then
        if not ctx.quiet then ctx:out(data.message .. "\n\n") end
    else
        ctx:out(tostring(data) .. "\n")
    end
end

--- Looks up a command by name or alias; a usage error if there is none.
function M.find_command(name)
    local cmd = commands.get(name)
    if not cmd then M.usage(("unknown command: '%s'"):format(name)) end
    return cmd
end

--- Runs one command given as words (name first). Raises on error.
function M.run_words(words)
    local cmd = M.find_command(words[1])
    local rest = table.move(words, 2, #words, 1, {})
    local opts = args.parse(cmd, rest)
    if opts.help then
        io.stdout:write(format.command_help(cmd))
        return EXIT_OK
    end
    local ctx = new_ctx(cmd, opts)
    local data = cmd.run(ctx, opts)
    render(cmd, ctx, data, opts)
    io.stdout:flush()
    if rawget(ctx, "failure") then M.fail(ctx.failure) end
    return rawget(ctx, "exit_status") or EXIT_OK
end

---------------------------------------------------------------------------
-- Lua at the REPL and in -e

local function inspect(v, depth, seen)
    depth = depth or 0
    if type(v) == "string" then return string.format("%q", v) end
    if type(v) ~= "table" or depth > 2 then return tostring(v) end
    seen = seen or {}
    if seen[v] then return "<cycle>" end
    seen[v] = true
    local parts, n = {}, #v
    for i = 1, n do parts[#parts + 1] = inspect(v[i], depth + 1, seen) end
    local keys = {}
    for k in pairs(v) do
        if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do
        local ks = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. inspect(k, 3) .. "]")
        parts[#parts + 1] = ks .. " = " .. inspect(v[k], depth + 1, seen)
    end
    seen[v] = nil
    return "{" .. table.concat(parts, ", ") .. "}"
end
M.inspect = inspect

--- The globals Lua typed at the REPL sees: a table over _G, plus `conn`
--- (the current connection, opened on first use) and `luvirt`.
function M.lua_env()
    if not state.env then
        state.env = setmetatable({}, {
            __index = function(_, k)
                if k == "conn" then
                    local ok, conn = pcall(M.connection)
                    return ok and conn or nil
                elseif k == "luvirt" then
                    return luvirt_module()
                end
                return _G[k]
            end,
        })
    end
    return state.env
end

local function print_values(n, ...)
    if n == 0 then return end
    local parts = {}
    for i = 1, n do parts[i] = inspect((select(i, ...))) end
    io.stdout:write(table.concat(parts, "\t"), "\n")
end

--- Compiles a chunk as lua.c does: first as `return <chunk>` (so `1+1` prints
--- 2), then as statements. Returns fn, or nil + "incomplete", or nil + message.
local function compile(chunk)
    local env = M.lua_env()
    local fn = load("return " .. chunk, "=stdin", "t", env)
    if fn then return fn end
    local err
    fn, err = load(chunk, "=stdin", "t", env)
    if fn then return fn end
    if err:sub(-5) == "<eof>" then return nil, "incomplete" end
    return nil, err
end

--- Runs a Lua chunk and prints its results. With allow_incomplete, an
--- unfinished chunk is kept in state.pending and true is returned.
function M.run_lua(chunk, allow_incomplete)
    local fn, err = compile(chunk)
    if not fn then
        if err == "incomplete" then
            if allow_incomplete then
                state.pending = chunk
                return EXIT_OK
            end
            err = "stdin: unexpected end of the chunk"
        end
        report(err)
        return EXIT_FAIL
    end
    local res = table.pack(xpcall(fn, function(e)
        if type(e) == "table" then return e end
        return e
    end))
    if not res[1] then
        local status, msg = classify(res[2])
        report(msg)
        return status
    end
    print_values(res.n - 1, table.unpack(res, 2, res.n))
    io.stdout:flush()
    return EXIT_OK
end

--- A line that is Lua rather than commands: `= EXPR` or `lua CHUNK`.
local function lua_prefix(line)
    local expr = line:match("^%s*=(.*)$")
    if expr then return "return " .. expr end
    local chunk = line:match("^%s*lua%s+(.-)%s*$")
    if chunk and chunk ~= "" then return chunk end
    return nil
end

---------------------------------------------------------------------------
-- a line of commands: `cmd; cmd`

--- Runs a command line (several `;`-separated commands, or Lua). Every
--- command runs even when an earlier one failed, as virsh does; the result is
--- the worst status (2 > 1 > 0). Stops after quit/exit.
function M.run_line(line, allow_incomplete)
    local chunk = lua_prefix(line)
    if chunk then return M.run_lua(chunk, allow_incomplete) end
    local cmds, err = cmdline.split(line)
    if not cmds then
        report(err)
        return EXIT_USAGE
    end
    local worst = EXIT_OK
    for _, words in ipairs(cmds) do
        local status = protect(M.run_words, words)
        if status > worst then worst = status end
        if state.quit then break end
    end
    return worst
end

---------------------------------------------------------------------------
-- scripts

--- Is `word` (the first non-option argument) a script rather than a command?
--- Command names never contain '/' nor end in ".lua".
function M.is_script(word)
    return word:find("/", 1, true) ~= nil or word:match("%.lua$") ~= nil
end

--- Runs a Lua script with globals `conn`, `arg` and `luvirt`; `...` are its
--- arguments. A number returned by the script is the exit status.
function M.run_script(path, script_args)
    local env = setmetatable({}, {
        __index = function(_, k)
            if k == "conn" then return M.connection() end
            if k == "luvirt" then return luvirt_module() end
            return _G[k]
        end,
    })
    local arg = { [0] = path }
    for i, a in ipairs(script_args) do arg[i] = a end
    env.arg = arg
    local fn, err = loadfile(path, "t", env) -- loadfile skips a first line starting with '#'
    if not fn then
        if not io.open(path, "r") then
            M.fail(("cannot open script '%s': no such file"):format(path), "SYSTEM")
        end
        M.fail(err, "INVALID_ARG")
    end
    M.connection()
    local res = table.pack(fn(table.unpack(script_args)))
    local code = res[1]
    if math.type(code) == "integer" then return code end
    if code == false then return EXIT_FAIL end
    return EXIT_OK
end

---------------------------------------------------------------------------
-- the entry point: cli.main(argv)

local GLOBAL_HELP = [[
luvirt - a Lua-scriptable virtualization shell

Usage:
  luvirt [OPTIONS]                      the interactive shell
  luvirt [OPTIONS] COMMAND [ARGS...]    run one command
  luvirt [OPTIONS] -e "CMD; CMD"        run commands (or `= expr` / `lua chunk`)
  luvirt [OPTIONS] SCRIPT.lua [ARGS...] run a Lua script (globals conn, arg)

Options:
  -c, --connect URI   hypervisor connection URI (default: $LUVIRT_DEFAULT_URI)
  -r, --readonly      open the connection read-only
  -q, --quiet         quiet mode: no informational messages
  -e, --eval TEXT     run these commands and exit
      --json          print command results as JSON
  -h, --help          this help
  -v, --version       print the version

Commands: `luvirt help`; one command: `luvirt help COMMAND`.
Exit status: 0 success, 1 the operation failed, 2 usage error.
]]

local GLOBAL_OPTS = {
    ["-c"] = "connect", ["--connect"] = "connect",
    ["-r"] = "readonly", ["--readonly"] = "readonly",
    ["-q"] = "quiet", ["--quiet"] = "quiet",
    ["-e"] = "eval", ["--eval"] = "eval",
    ["-h"] = "help", ["--help"] = "help",
    ["-v"] = "version", ["--version"] = "version",
    ["--json"] = "json",
}
local TAKES_VALUE = { connect = true, eval = true }

local function parse_global(argv)
    local g = {}
    local i = 1
    while i <= #argv do
        local a = argv[i]
        if a == "--" then
            i = i + 1
            break
        end
        if a:sub(1, 1) ~= "-" or a == "-" then break end
        local name, value = a:match("^(%-%-[^=]+)=(.*)$")
        local key = GLOBAL_OPTS[name or a]
        if not key then M.usage(("unknown option '%s'"):format(a)) end
        if TAKES_VALUE[key] then
            if not value then
                i = i + 1
                value = argv[i]
                if value == nil then M.usage(("option '%s' requires a value"):format(a)) end
            end
            g[key] = value
        else
            if value then M.usage(("option '%s' takes no value"):format(name)) end
            g[key] = true
        end
        i = i + 1
    end
    return g, table.move(argv, i, #argv, 1, {})
end

local function main(argv)
    local g, rest = parse_global(argv)
    state.uri = g.connect
    state.readonly = g.readonly or false
    state.quiet = g.quiet or false
    state.json = g.json or false
    if g.help then
        io.stdout:write(GLOBAL_HELP)
        return EXIT_OK
    end
    if g.version then
        io.stdout:write(luvirt_module().version, "\n")
        return EXIT_OK
    end
    if g.eval then
        if #rest > 0 then M.usage(("unexpected argument '%s' after -e"):format(rest[1])) end
        return M.run_line(g.eval)
    end
    if #rest == 0 then
        -- the REPL: connect now so the prompt and completion have names; a
        -- failure is reported and the REPL opens anyway (`connect` can fix it)
        protect(M.connection)
        return "repl"
    end
    if M.is_script(rest[1]) then
        return M.run_script(rest[1], table.move(rest, 2, #rest, 1, {}))
    end
    return M.run_words(rest)
end

--- Runs the program for the process arguments; returns an exit status or "repl".
function M.main(argv)
    return protect(main, argv or {})
end

---------------------------------------------------------------------------
-- the REPL

--- Ctrl-C at the prompt: drop an unfinished Lua chunk, as lua.c does (Lua
--- mode itself stays on; `.` or Ctrl-D leaves it).
function M.cancel_input()
    state.pending = nil
end

--- One line typed at the REPL (nil: end of input). Returns false to leave,
--- else true and the line's exit status (the shell exits with the worst one
--- when its input is not a terminal).
function M.repl_line(line)
    if line == nil then
        if state.pending or state.lua_mode then
            -- readline already ended the line: nothing to print
            state.pending, state.lua_mode = nil, false
            return true, EXIT_OK
        end
        return false
    end
    if state.pending then
        local chunk = state.pending .. "\n" .. line
        state.pending = nil
        return true, M.run_lua(chunk, true)
    end
    if state.lua_mode then
        if line:match("^%s*%.%s*$") then
            state.lua_mode = false
            return true, EXIT_OK
        elseif line:match("^%s*$") then
            return true, EXIT_OK
        end
        return true, M.run_lua(line, true)
    end
    if line:match("^%s*lua%s*$") then
        state.lua_mode = true
        return true, EXIT_OK
    end
    local status = M.run_line(line, true)
    if state.quit then
        state.quit = false
        return false
    end
    return true, status
end

--- The prompt to show now.
function M.prompt()
    if state.pending then return ">> " end
    if state.lua_mode then return "lua> " end
    return state.readonly and "luvirt > " or "luvirt # "
end

--- Refreshes the cached names used by completion (runs in a task).
function M.refresh_completion()
    if not state.conn then return end
    local ok, doms = pcall(state.conn.domains, state.conn)
    if ok and type(doms) == "table" then
        local names = {}
        for _, d in ipairs(doms) do
            local okn, n = pcall(d.name, d)
            if okn and n then names[#names + 1] = n end
        end
        table.sort(names)
        state.domains = names
    end
    -- a driver without networks answers nil: keep the list empty
    local okn, infos = pcall(state.conn.network_infos, state.conn)
    if okn and type(infos) == "table" then
        local names = {}
        for _, i in ipairs(infos) do names[#names + 1] = i.name end
        table.sort(names)
        state.networks = names
    end
    -- the same for pools (the test driver has none)
    local okp, pools = pcall(state.conn.pool_infos, state.conn)
    if okp and type(pools) == "table" then
        local names = {}
        for _, i in ipairs(pools) do names[#names + 1] = i.name end
        table.sort(names)
        state.pools = names
    end
end

--- Sets the domain names completion offers (tests and refresh_completion).
function M.set_completion_domains(names) state.domains = names end

--- Sets the network names completion offers (tests and refresh_completion).
function M.set_completion_networks(names) state.networks = names end

--- Sets the pool names completion offers (tests and refresh_completion).
function M.set_completion_pools(names) state.pools = names end

local function filter(list, prefix)
    local out = {}
    for _, v in ipairs(list) do
        if v:sub(1, #prefix) == prefix then out[#out + 1] = v end
    end
    return out
end

local function command_names()
    local ok, names = pcall(commands.names)
    if not ok then return {} end
    return names
end

local function values_for(o)
    if o == nil then return {} end
    if o.choices then return o.choices end
    local hint = o.completion or o.type
    if hint == "domain" then return state.domains end
    if hint == "network" then return state.networks end
    if hint == "pool" then return state.pools end
    if hint == "command" then
        local list = command_names()
        local cmds = commands.all()
        for _, key in ipairs(format.groups(cmds)) do list[#list + 1] = key end
        table.sort(list)
        return list
    end
    if hint == "file" then return nil end -- the shell completes file names
    if hint == "uri" then
        return { "qemu:///session", "qemu:///system", "qemu+ssh://", "test:///default" }
    end
    if type(hint) == "table" then return hint end
    return {}
end

--- Completion candidates for the word line:sub(start + 1, stop). Returns nil
--- when the shell should complete file names itself.
function M.complete(line, start, stop)
    if state.lua_mode or state.pending then return {} end
    local before = line:sub(1, start)
    local word = line:sub(start + 1, stop)
    if before:match("^%s*=") or before:match("^%s*lua%s") then return {} end
    local cmds = cmdline.split(before, { partial = true })
    local words = cmds[#cmds] or {}
    if #words == 0 then
        local names = command_names()
        names[#names + 1] = "lua"
        table.sort(names)
        return filter(names, word)
    end
    local ok, cmd = pcall(commands.get, words[1])
    if not ok or not cmd then return {} end
    local after = table.move(words, 2, #words, 1, {})
    local expect = args.expect(cmd, after, #after + 1)
    if word:sub(1, 1) == "-" and not (expect.option and expect.option.type ~= "bool"
            and after[#after] and after[#after]:match("^%-%-")) then
        local given = expect.given or {}
        local list = {}
        for _, o in ipairs(cmd.options) do
            if not o.hidden and (o.type == "argv" or not given[o.name]) then
                list[#list + 1] = "--" .. o.name
            end
        end
        list[#list + 1] = "--help"
        list[#list + 1] = "--json"
        table.sort(list)
        return filter(list, word)
    end
    local values = values_for(expect.option)
    if values == nil then return nil end
    return filter(values, word)
end

--- Where the shell keeps the REPL history.
function M.history_file()
    local base = os.getenv("XDG_STATE_HOME")
    if not base or base == "" then
        local home = os.getenv("HOME") or "."
        base = home .. "/.local/state"
    end
    return base .. "/luvirt/history"
end

return M
