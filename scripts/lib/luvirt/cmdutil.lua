--- Small helpers shared by the built-in command declarations.
local M = {}

--- The usual positional `<domain>` option.
function M.domain_option(help)
    return { name = "domain", type = "domain", positional = true, required = true,
             help = help or "domain name, id or uuid" }
end

--- Reads a whole file, or raises a failure naming it.
function M.read_file(ctx, path)
    local f, err = io.open(path, "r")
    if not f then
        ctx:fail(("cannot read '%s': %s"):format(path, (err or ""):gsub("^.-: ", "")), "SYSTEM")
    end
    local text = f:read("a")
    f:close()
    return text
end

--- What `define FILE` / `create FILE` pass on: the XML text of FILE, or for a
--- FILE ending in `.lua` the table it returns (a Lua definition, see
--- docs/lua-api.md). The Lua file runs with no access to the shell: only
--- string, math, table, tostring, tonumber, ipairs, pairs.
function M.read_definition(ctx, path)
    if not path:match("%.lua$") then return M.read_file(ctx, path) end
    local env = { string = string, math = math, table = table, tostring = tostring,
                  tonumber = tonumber, ipairs = ipairs, pairs = pairs }
    local chunk, err = loadfile(path, "t", env)
    if not chunk then
        if not io.open(path, "r") then M.read_file(ctx, path) end
        ctx:fail(err, "INVALID_ARG")
    end
    local ok, def = pcall(chunk)
    if not ok then ctx:fail(tostring(def), "INVALID_ARG") end
    if type(def) ~= "table" then
        ctx:fail(("%s: a definition file must return a table"):format(path), "INVALID_ARG")
    end
    return def
end

--- Declares a command that performs one action on a domain and prints
--- virsh's message, e.g. action("start", "Domain '%s' started", ...).
---@param spec table  name, summary, description, message (format with the name),
---  method (Domain method), options (extra), call(dom, opts, ctx) (optional),
---  after(ctx, dom, opts, data) (optional: runs after the action, returns the data)
function M.action(spec)
    local options = { M.domain_option(spec.domain_help) }
    for _, o in ipairs(spec.options or {}) do options[#options + 1] = o end
    return {
        name = spec.name,
        group = spec.group or "domain",
        summary = spec.summary,
        description = spec.description,
        options = options,
        run = function(ctx, opts)
            local dom = ctx:domain(opts.domain)
            local name = dom:name()
            if spec.call then
                ctx:check(spec.call(dom, opts, ctx))
            else
                ctx:check(dom[spec.method](dom))
            end
            local data = { domain = name, uuid = dom:uuid(), action = spec.action or spec.name,
                           message = spec.message:format(name) }
            if spec.after then return spec.after(ctx, dom, opts, data) end
            return data
        end,
    }
end

--- Bytes in the largest binary unit they fill, with `decimals` places:
--- binary_bytes(1536, 2) is "1.50 KiB".
function M.binary_bytes(n, decimals)
    local units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" }
    local v, i = n + 0.0, 1
    while v >= 1024 and i < #units do
        v = v / 1024
        i = i + 1
    end
    return ("%." .. decimals .. "f %s"):format(v, units[i])
end

--- Bytes as virsh's vshPrettyCapacity shows them: "1.000 TiB", "512.000 MiB".
function M.pretty_bytes(n) return M.binary_bytes(n, 3) end

--- Attaches the terminal to a running domain's serial console, with virsh's
--- banner (not with -q or --json), until the escape character (^]) or the
--- console closes; with stdin not a terminal, relays it until its end.
function M.console(ctx, dom, opts)
    if not dom:id() then ctx:fail("The domain is not running", "OPERATION_INVALID") end
    if not ctx.quiet and not ctx.json then
        ctx:out(("Connected to domain '%s'\nEscape character is ^] (Ctrl + ])\n"):format(dom:name()))
        io.stdout:flush()
    end
    ctx:check(dom:console { force = opts.force or false })
    -- the guest's prompt is left without a line end: what comes next starts on a new line
    if not ctx.quiet and not ctx.json then ctx:out("\n") end
end

--- "yes"/"no" as virsh prints booleans.
function M.yesno(b) return b and "yes" or "no" end

return M
