--- Finding and loading command declarations (built-ins and plugins).
--
-- A command's name is its file's base name: `commands/start.lua` is `start`.
-- Running one command therefore opens exactly one file: the first existing
-- `DIR/NAME.lua` over the search dirs; no directory is listed and no other
-- command file is read (the benchmark `luvirt list --all` pays for one file).
-- Only `help` (all commands), completion of command names, an alias and an
-- unknown name need every declaration; they list the folders and load each
-- file once (a few milliseconds for the whole set), cached for the process.
--
-- Search order: the built-in folder first (`$LUVIRT_DATADIR/commands`, else
-- `luvirt.datadir/commands`), then each folder of LUVIRT_PATH (':'-separated,
-- left to right), the user folder ($XDG_CONFIG_HOME/luvirt/commands, else
-- ~/.config/luvirt/commands), the system folder (/etc/luvirt/commands).
-- The first file found wins: a plugin cannot replace a built-in (a command
-- keeps meaning what the manual says it means, in scripts and transcripts
-- alike); `help` marks a plugin that is shadowed this way.
local M = {}

local loaded = {}      -- name -> declaration
local all_loaded = false
local alias_of = {}    -- alias -> name
local shadowed = {}    -- list of {name=, path=} plugins hidden by an earlier file

M.TYPES = { string = true, int = true, bool = true, domain = true, file = true,
            uri = true, argv = true, command = true, size = true }

local function getenv(k)
    local v = os.getenv(k)
    if v == "" then return nil end
    return v
end

--- The built-in commands folder.
function M.builtin_dir()
    local d = getenv("LUVIRT_DATADIR")
    if not d then
        local ok, luvirt = pcall(require, "luvirt")
        d = ok and type(luvirt) == "table" and luvirt.datadir or "/usr/local/share/luvirt"
    end
    return d .. "/commands"
end

--- The plugin folders, in search order, each {dir=, kind=}.
function M.plugin_dirs()
    local dirs = {}
    local path = getenv("LUVIRT_PATH")
    if path then
        for d in path:gmatch("[^:]+") do dirs[#dirs + 1] = { dir = d, kind = "LUVIRT_PATH" } end
    end
    local xdg = getenv("XDG_CONFIG_HOME")
    local home = getenv("HOME")
    if xdg then
        dirs[#dirs + 1] = { dir = xdg .. "/luvirt/commands", kind = "user" }
    elseif home then
        dirs[#dirs + 1] = { dir = home .. "/.config/luvirt/commands", kind = "user" }
    end
    dirs[#dirs + 1] = { dir = getenv("LUVIRT_SYSCONFDIR") and getenv("LUVIRT_SYSCONFDIR") .. "/commands"
                              or "/etc/luvirt/commands", kind = "system" }
    return dirs
end

local include_plugins = true

--- Restricts the search to the built-in folder (for `help --markdown`).
function M.set_plugins(enabled)
    if include_plugins ~= enabled then
        include_plugins = enabled
        loaded, all_loaded, alias_of, shadowed = {}, false, {}, {}
    end
end

local function search_dirs()
    local dirs = { { dir = M.builtin_dir(), kind = "built-in" } }
    if include_plugins then
        for _, d in ipairs(M.plugin_dirs()) do dirs[#dirs + 1] = d end
    end
    return dirs
end

local function exists(path)
    local f = io.open(path, "r")
    if f then f:close() return true end
    return false
end

--- Lists the `.lua` files of a folder (names without `.lua`), sorted.
function M.listdir(dir)
    local names = require("luvirt").listdir(dir) or {}
    local out = {}
    for _, n in ipairs(names) do
        local base = n:match("^([%w][%w_%-]*)%.lua$")
        if base then out[#out + 1] = base end
    end
    table.sort(out)
    return out
end

local function validate(decl, path, name)
    local function bad(msg) error(("%s: %s"):format(path, msg), 0) end
    if type(decl) ~= "table" then bad("a command file must return a table") end
    if decl.name ~= name then
        bad(("declares name %q but the file is named %q"):format(tostring(decl.name), name))
    end
    if type(decl.run) ~= "function" then bad("no run function") end
    if type(decl.summary) ~= "string" then bad("no summary") end
    decl.group = decl.group or "plugins"
    decl.options = decl.options or {}
    decl.aliases = decl.aliases or {}
    local seen = {}
    for i, o in ipairs(decl.options) do
        if type(o.name) ~= "string" or not o.name:match("^[%w][%w%-]*$") then
            bad(("option %d has no valid name"):format(i))
        end
        if seen[o.name] then bad("option --" .. o.name .. " is declared twice") end
        seen[o.name] = true
        o.type = o.type or "bool"
        if not M.TYPES[o.type] then bad("option --" .. o.name .. " has unknown type " .. o.type) end
        if o.type == "argv" then o.positional = true end
    end
    return decl
end

-- Lua shortens a long file name in its messages ("...ugins/broken.lua:3: ..."):
-- name the whole path, as for a short one.
local function with_full_path(err, path)
    local line, rest = err:match("^%.%.%..-:(%d+):(.*)$")
    if line then return ("%s:%s:%s"):format(path, line, rest) end
    return err
end

local function load_file(path, name, kind)
    local chunk, err = loadfile(path, "t")
    if not chunk then error(with_full_path(err, path), 0) end
    local ok, decl = pcall(chunk)
    if not ok then error(("%s: %s"):format(path, tostring(decl)), 0) end
    decl = validate(decl, path, name)
    decl.path = path
    decl.origin = kind
    return decl
end

--- The declaration of command `name` (or an alias), or nil.
function M.get(name)
    if loaded[name] then return loaded[name] end
    if alias_of[name] then return loaded[alias_of[name]] end
    if name:match("^[%w][%w_%-]*$") then
        for _, d in ipairs(search_dirs()) do
            local path = d.dir .. "/" .. name .. ".lua"
            if exists(path) then
                local decl = load_file(path, name, d.kind)
                loaded[name] = decl
                for _, a in ipairs(decl.aliases) do alias_of[a] = name end
                return decl
            end
        end
    end
    -- maybe an alias: only now read every declaration
    M.all()
    if alias_of[name] then return loaded[alias_of[name]] end
    return nil
end

--- Every declaration, sorted by name. Errors in plugin files are collected,
--- not raised, so one broken plugin does not hide the others.
---@return table list, table errors
function M.all()
    local errors = {}
    if not all_loaded then
        for _, d in ipairs(search_dirs()) do
            for _, name in ipairs(M.listdir(d.dir)) do
                local path = d.dir .. "/" .. name .. ".lua"
                if loaded[name] then
                    if loaded[name].path ~= path then
                        shadowed[#shadowed + 1] = { name = name, path = path, by = loaded[name].path }
                    end
                else
                    local ok, decl = pcall(load_file, path, name, d.kind)
                    if ok then
                        loaded[name] = decl
                        for _, a in ipairs(decl.aliases) do
                            if not alias_of[a] then alias_of[a] = name end
                        end
                    else
                        errors[#errors + 1] = tostring(decl)
                    end
                end
            end
        end
        all_loaded = true
        M.load_errors = errors
    end
    local list = {}
    for _, decl in pairs(loaded) do list[#list + 1] = decl end
    table.sort(list, function(a, b) return a.name < b.name end)
    return list, M.load_errors or {}
end

--- Command names and aliases, for completion.
function M.names()
    local list = M.all()
    local names = {}
    for _, d in ipairs(list) do
        names[#names + 1] = d.name
        for _, a in ipairs(d.aliases) do names[#names + 1] = a end
    end
    table.sort(names)
    return names
end

function M.shadowed() M.all() return shadowed end

return M
