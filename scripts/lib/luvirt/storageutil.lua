--- Helpers shared by the pool-* and vol-* commands: option declarations,
--- lookups with virsh's fallbacks, sizes as virsh prints them, the progress bar.
local M = {}

--- The usual positional `<pool>` option.
function M.pool_option(help)
    return { name = "pool", type = "string", positional = true, required = true,
             completion = "pool", help = help or "pool name or uuid" }
end

--- `<vol>` and the optional `--pool` that names the pool it is in.
function M.vol_options(help)
    return {
        { name = "vol", type = "string", positional = true, required = true,
          help = help or "vol name, key or path" },
        { name = "pool", type = "string", completion = "pool",
          help = "pool name or uuid" },
    }
end

--- The Pool for a name or UUID, or a failure with the driver's message.
function M.pool(ctx, key)
    local pool, msg, code = ctx.conn:pool(key)
    if not pool then ctx:fail(msg or ("failed to get pool '" .. key .. "'"), code or "NO_POOL") end
    return pool
end

--- The Volume `key` as virsh finds it: by name inside `pool_key` when given;
--- otherwise by volume key, then by path.
function M.volume(ctx, key, pool_key)
    local conn = ctx.conn
    if pool_key then
        local pool = M.pool(ctx, pool_key)
        local vol, msg, code = pool:volume(key)
        if vol then return vol end
        if key:find("/", 1, true) then
            local byp = conn:volume_by_path(key)
            if byp then return byp end
        end
        ctx:fail(msg, code)
    end
    local vol = conn:volume_by_key(key)
    if vol then return vol end
    local msg, code
    vol, msg, code = conn:volume_by_path(key)
    if vol then return vol end
    if not key:find("/", 1, true) then
        ctx:fail(("failed to get vol '%s', specifying --pool might help"):format(key), code)
    end
    ctx:fail(msg, code)
end

--- A size option's value in bytes ("10G", "1 GiB", "4096"), or a usage error
--- naming the option.
function M.size(ctx, opt, text)
    local bytes, msg = require("luvirt").parse_size(text)
    if not bytes then ctx:usage(("--%s: %s"):format(opt, msg)) end
    return bytes
end

--- Bytes as virsh's storage commands print them: "10.00 GiB", "0.00 B".
function M.capacity(n) return require("luvirt.cmdutil").binary_bytes(n, 2) end

--- A progress function that draws "LABEL: [ 42 %]" on stderr when stderr is
--- a terminal (and not with -q); nil otherwise, so nothing is drawn into a
--- file or a pipe. Call the returned finish() after the operation.
function M.progress(ctx, label)
    local luvirt = require "luvirt"
    if ctx.quiet or not luvirt.isatty("stderr") then return nil, function() end end
    local shown = -1
    local function draw(done, total)
        local pct = total > 0 and math.floor(done * 100 / total) or 0
        if pct > 100 then pct = 100 end
        if pct == shown then return end
        shown = pct
        io.stderr:write(("\r%s: [%3d %%]"):format(label, pct))
        io.stderr:flush()
    end
    local function finish(ok)
        if shown >= 0 then
            if ok then draw(1, 1) end
            io.stderr:write("\n")
            io.stderr:flush()
        end
    end
    return draw, finish
end

--- Runs fn(progress) with a progress bar labelled `label`; returns ctx:check of its results.
function M.with_progress(ctx, label, fn)
    local draw, finish = M.progress(ctx, label)
    local r = table.pack(fn(draw))
    finish(r[1] ~= nil and r[1] ~= false)
    return ctx:check(table.unpack(r, 1, r.n))
end

--- Declares a command acting on one pool that prints virsh's message,
--- e.g. pool_action{name="pool-start", message="Pool %s started", call=...}.
function M.pool_action(spec)
    local options = { M.pool_option(spec.pool_help) }
    for _, o in ipairs(spec.options or {}) do options[#options + 1] = o end
    return {
        name = spec.name,
        group = "pool",
        summary = spec.summary,
        description = spec.description,
        options = options,
        exclusive = spec.exclusive,
        run = function(ctx, opts)
            local pool = M.pool(ctx, opts.pool)
            local name = pool:name()
            ctx:check(spec.call(pool, opts, ctx))
            return { pool = name, uuid = pool:uuid(), action = spec.name,
                     message = spec.message:format(name) }
        end,
    }
end

--- The value of a string option, with "-" meaning absent (virsh's habit of
--- "pool-define-as NAME dir - - - - /path").
function M.opt(opts, name)
    local v = opts[name]
    if v == nil or v == "" or v == "-" then return nil end
    return v
end

--- The pool definition table of pool-define-as / pool-create-as options.
function M.pool_def(opts)
    local source = {
        host = M.opt(opts, "source-host"),
        dir = M.opt(opts, "source-path"),
        device = M.opt(opts, "source-dev"),
        name = M.opt(opts, "source-name"),
        format = M.opt(opts, "source-format"),
    }
    return { name = opts.name, type = opts.type, target = M.opt(opts, "target"), source = source }
end

--- The options pool-define-as and pool-create-as share, in virsh's order.
function M.pool_as_options()
    return {
        { name = "name", type = "string", positional = true, required = true,
          help = "name of the pool" },
        { name = "type", type = "string", positional = true, required = true,
          help = "type of the pool (dir, fs, logical)" },
        { name = "print-xml", type = "bool", help = "print XML document, but don't define/create" },
        { name = "source-host", type = "string", positional = true, help = "source-host for underlying storage" },
        { name = "source-path", type = "string", positional = true, help = "source path for underlying storage" },
        { name = "source-dev", type = "string", positional = true, help = "source device for underlying storage" },
        { name = "source-name", type = "string", positional = true, help = "source name for underlying storage" },
        { name = "target", type = "string", positional = true, help = "target for underlying storage" },
        { name = "source-format", type = "string", help = "format for underlying storage" },
    }
end

return M
