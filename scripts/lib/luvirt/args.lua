--- Parsing a command's words against its option spec, as virsh does.
--
--   --flag               a bool option
--   --opt VALUE          an option with a value; also --opt=VALUE
--   VALUE                the next positional option not yet given, in order;
--                        an `argv` option takes every remaining word
--   --                   ends the options: what follows is positional
-- Every command also takes --help and --json.
local M = {}

--- A usage error: the caller reports it and exits with status 2.
function M.usage_error(msg)
    error({ luvirt_usage = true, msg = msg }, 0)
end
local usage = M.usage_error

local function find(spec, name)
    for _, o in ipairs(spec.options) do
        if o.name == name then return o end
    end
    return nil
end

local function convert(cmd, o, value)
    if o.type == "int" then
        if not value:match("^%s*[-+]?%d+%s*$") then
            usage(("invalid value '%s' for option --%s of command '%s': expected an integer")
                :format(value, o.name, cmd.name))
        end
        return math.tointeger(tonumber(value))
    end
    if o.choices then
        for _, c in ipairs(o.choices) do
            if c == value then return value end
        end
        usage(("invalid value '%s' for option --%s of command '%s': expected one of %s")
            :format(value, o.name, cmd.name, table.concat(o.choices, ", ")))
    end
    return value
end

--- Parses `words` (the words after the command name).
---@return table opts  option name -> value (bool options: true); `help`, `json` flags
function M.parse(cmd, words)
    local opts = {}
    local positional = {}
    for _, o in ipairs(cmd.options) do
        if o.positional or o.type == "argv" then positional[#positional + 1] = o end
    end
    local pi = 1
    local function set(o, value)
        if o.type == "argv" then
            opts[o.name] = opts[o.name] or {}
            table.insert(opts[o.name], value)
            return
        end
        if opts[o.name] ~= nil then
            usage(("option --%s of command '%s' given twice"):format(o.name, cmd.name))
        end
        opts[o.name] = (o.type == "bool") and true or convert(cmd, o, value)
    end
    local function next_positional(word)
        while positional[pi] and opts[positional[pi].name] ~= nil and positional[pi].type ~= "argv" do
            pi = pi + 1
        end
        local o = positional[pi]
        if not o then usage(("unexpected data '%s' for command '%s'"):format(word, cmd.name)) end
        set(o, word)
    end
    local i, n = 1, #words
    local only_positional = false
    while i <= n do
        local w = words[i]
        if only_positional or not w:match("^%-%-.") then
            if w == "--" and not only_positional then
                only_positional = true
            else
                next_positional(w)
            end
        else
            local name, value = w:match("^%-%-([^=]+)=(.*)$")
            name = name or w:sub(3)
            if name == "help" and not find(cmd, "help") then
                opts.help = true
            elseif name == "json" and not find(cmd, "json") then
                opts.json = true
            else
                local o = find(cmd, name)
                if not o then
                    usage(("command '%s' doesn't support option --%s"):format(cmd.name, name))
                end
                if o.type == "bool" then
                    if value then
                        usage(("option --%s of command '%s' takes no value"):format(name, cmd.name))
                    end
                    set(o, true)
                else
                    if not value then
                        i = i + 1
                        value = words[i]
                        if value == nil then
                            usage(("option --%s of command '%s' requires a value"):format(name, cmd.name))
                        end
                    end
                    set(o, value)
                end
            end
        end
        i = i + 1
    end
    if opts.help then return opts end
    for _, o in ipairs(cmd.options) do
        if o.required and opts[o.name] == nil then
            usage(("command '%s' requires <%s> option"):format(cmd.name, o.name))
        end
        if opts[o.name] == nil and o.default ~= nil then opts[o.name] = o.default end
    end
    for _, group in ipairs(cmd.exclusive or {}) do
        local given = {}
        for _, name in ipairs(group) do
            if opts[name] ~= nil then given[#given + 1] = "--" .. name end
        end
        if #given > 1 then
            usage(("options %s of command '%s' are mutually exclusive")
                :format(table.concat(given, " and "), cmd.name))
        end
    end
    return opts
end

--- What the word at position `index` (1-based, after the command name) of
--- `words` is: {kind="option"} when it should be an option name, or
--- {kind="value", option=spec} for an option's value or a positional.
function M.expect(cmd, words, index)
    local positional = {}
    for _, o in ipairs(cmd.options) do
        if o.positional or o.type == "argv" then positional[#positional + 1] = o end
    end
    local given, pos_used = {}, 0
    local i = 1
    while i < index do
        local w = words[i]
        if w:match("^%-%-.") and not w:find("=", 1, true) then
            local o = find(cmd, w:sub(3))
            if o and o.type ~= "bool" then
                if i + 1 == index then return { kind = "value", option = o } end
                given[o.name] = true
                i = i + 1
            elseif o then
                given[o.name] = true
            end
        elseif w:match("^%-%-.") then
            local name = w:match("^%-%-([^=]+)=")
            if name then given[name] = true end
        else
            pos_used = pos_used + 1
            while positional[pos_used] and given[positional[pos_used].name] do pos_used = pos_used + 1 end
        end
        i = i + 1
    end
    local j = pos_used + 1
    while positional[j] and given[positional[j].name] and positional[j].type ~= "argv" do j = j + 1 end
    if positional[j] == nil and #positional > 0 and positional[#positional].type == "argv" then
        j = #positional
    end
    return { kind = "value", option = positional[j], given = given }
end

return M
