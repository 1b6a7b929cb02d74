--- Text layouts shared by commands: virsh's tables and "Label: value" blocks,
--- command help, and the Markdown command reference.
local M = {}

local function width(s)
    return utf8.len(s) or #s
end

local function pad(s, w)
    return s .. string.rep(" ", w - width(s))
end

--- A virsh table (vshTable): a header, a dash line, the rows, then a blank line.
---@param headers string[]
---@param rows string[][]  cells (converted with tostring)
---@return string
function M.table(headers, rows)
    local widths = {}
    for c, h in ipairs(headers) do widths[c] = width(h) end
    local cells = {}
    for r, row in ipairs(rows) do
        cells[r] = {}
        for c = 1, #headers do
            local v = row[c]
            v = v == nil and "" or tostring(v)
            cells[r][c] = v
            if width(v) > widths[c] then widths[c] = width(v) end
        end
    end
    local function line(row)
        local parts = {}
        for c = 1, #headers do
            parts[c] = c < #headers and pad(row[c], widths[c]) or row[c]
        end
        return " " .. table.concat(parts, "   ") .. "\n"
    end
    local total = 1 + 3 * (#headers - 1) + 2
    for _, w in ipairs(widths) do total = total + w end
    local out = { line(headers), string.rep("-", total), "\n" }
    for _, row in ipairs(cells) do out[#out + 1] = line(row) end
    out[#out + 1] = "\n"
    return table.concat(out)
end

--- "Label:   value" lines, labels padded to `w` columns (virsh uses 15 or 20),
--- then a blank line. Pairs whose value is nil are skipped.
---@param pairs_ table  a list of {label, value}
function M.fields(pairs_, w)
    w = w or 15
    local out = {}
    for _, p in ipairs(pairs_) do
        if p[2] ~= nil then
            out[#out + 1] = ("%s %s\n"):format(pad(p[1] .. ":", w), tostring(p[2]))
        end
    end
    out[#out + 1] = "\n"
    return table.concat(out)
end

--- Wraps text at `w` columns, each line prefixed with `indent`.
function M.wrap(text, indent, w)
    local out = {}
    for para in (text .. "\n"):gmatch("(.-)\n") do
        local line = ""
        if para == "" then
            out[#out + 1] = ""
        else
            for word in para:gmatch("%S+") do
                if line ~= "" and width(line) + 1 + width(word) > w then
                    out[#out + 1] = indent .. line
                    line = word
                else
                    line = line == "" and word or (line .. " " .. word)
                end
            end
            out[#out + 1] = indent .. line
        end
    end
    return table.concat(out, "\n") .. "\n"
end

local TYPE_WORD = { int = "number", bool = nil, argv = "string" }

--- How an option reads in a synopsis: `<domain>`, `[--paused]`, `[--xpath <string>]`.
function M.synopsis_word(o)
    local meta = "<" .. (o.metavar or (TYPE_WORD[o.type] or (o.positional and o.name or "string"))) .. ">"
    if o.type == "bool" then
        return "[--" .. o.name .. "]"
    elseif o.type == "argv" then
        local w = "[" .. meta .. "]..."
        return o.required and ("<" .. o.name .. ">...") or w
    elseif o.positional then
        local w = "<" .. o.name .. ">"
        return o.required and w or ("[" .. w .. "]")
    else
        local w = "--" .. o.name .. " " .. meta
        return o.required and w or ("[" .. w .. "]")
    end
end

local function option_label(o)
    if o.type == "bool" then return "--" .. o.name end
    local meta = "<" .. (o.metavar or TYPE_WORD[o.type] or "string") .. ">"
    if o.type == "argv" then return meta end
    if o.positional then return "[--" .. o.name .. "] " .. meta end
    return "--" .. o.name .. " " .. meta
end

function M.synopsis(cmd)
    local words = { cmd.name }
    for _, o in ipairs(cmd.options) do
        if not o.hidden then words[#words + 1] = M.synopsis_word(o) end
    end
    return table.concat(words, " ")
end

--- `help CMD`, in virsh's layout.
function M.command_help(cmd)
    local out = {
        "  NAME\n", "    ", cmd.name, " - ", cmd.summary, "\n\n",
        "  SYNOPSIS\n", "    ", M.synopsis(cmd), "\n\n",
    }
    if #cmd.aliases > 0 then
        out[#out + 1] = "  ALIASES\n    " .. table.concat(cmd.aliases, ", ") .. "\n\n"
    end
    if cmd.description then
        out[#out + 1] = "  DESCRIPTION\n"
        out[#out + 1] = M.wrap(cmd.description, "    ", 76)
        out[#out + 1] = "\n"
    end
    out[#out + 1] = "  OPTIONS\n"
    for _, o in ipairs(cmd.options) do
        if not o.hidden then
            local label = option_label(o)
            out[#out + 1] = ("    %-15s  %s\n"):format(label, o.help or "")
        end
    end
    out[#out + 1] = ("    %-15s  %s\n"):format("--json", "print the result as JSON")
    out[#out + 1] = "\n"
    return table.concat(out)
end

M.GROUPS = {
    { key = "domain", title = "Domain Management" },
    { key = "monitor", title = "Domain Monitoring" },
    { key = "network", title = "Networking" },
    { key = "host", title = "Host and Hypervisor" },
    { key = "pool", title = "Storage Pool" },
    { key = "volume", title = "Storage Volume" },
    { key = "shell", title = "Luvirt itself" },
    { key = "plugins", title = "Plugins" },
}

function M.group_title(key)
    for _, g in ipairs(M.GROUPS) do
        if g.key == key then return g.title end
    end
    return key:sub(1, 1):upper() .. key:sub(2)
end

--- The groups present in `cmds`, in the order of M.GROUPS then by name.
function M.groups(cmds)
    local present = {}
    for _, c in ipairs(cmds) do present[c.group] = true end
    local keys = {}
    for _, g in ipairs(M.GROUPS) do
        if present[g.key] then keys[#keys + 1] = g.key present[g.key] = nil end
    end
    local extra = {}
    for k in pairs(present) do extra[#extra + 1] = k end
    table.sort(extra)
    for _, k in ipairs(extra) do keys[#keys + 1] = k end
    return keys
end

function M.group_help(key, cmds)
    local out = { (" %s (help keyword '%s'):\n"):format(M.group_title(key), key) }
    for _, c in ipairs(cmds) do
        if c.group == key then
            out[#out + 1] = ("    %-30s %s\n"):format(c.name, c.summary)
        end
    end
    out[#out + 1] = "\n"
    return table.concat(out)
end

function M.all_help(cmds)
    local out = { "Grouped commands:\n\n" }
    for _, key in ipairs(M.groups(cmds)) do out[#out + 1] = M.group_help(key, cmds) end
    return table.concat(out)
end

M.SHELL_GUIDE = [[
## Running commands

- `luvirt COMMAND ARGS...` runs one command; `luvirt -e "CMD; CMD"` runs several in
  one process, so state carries from one to the next. Every command runs even when an
  earlier one failed (as in virsh); the exit status is the worst one.
- Words split as virsh splits them: blanks separate, `;` ends a command, `'...'` is
  literal, `"..."` is literal but for `\` escapes, `\` escapes one character, `#` at
  the start of a word comments out the rest of the line.
- `luvirt SCRIPT.lua ARGS...` (or a `#!/usr/bin/env luvirt` script) runs Lua with the
  globals `conn` (the connection), `luvirt` and `arg` (`arg[0]` the script,
  `arg[1]...` its arguments, also `...`). A number the script returns is the exit status.
- Exit status: 0 success, 1 the operation failed, 2 usage error (unknown command or
  option, missing argument, bad option value). Errors are one line: `error: ...`.

## Lua at the prompt

| you type | it does |
|---|---|
| `= EXPR, ...` | prints the values (`= conn:uri()`, `= #conn:domains()`) |
| `lua CHUNK` | runs a Lua chunk (`lua for _, d in ipairs(conn:domains()) do print(d:name()) end`); an expression prints its value; the rest of the line, `;` included, is Lua |
| `lua` | enters Lua mode (prompt `lua> `): every line is Lua until a line with a single `.` or Ctrl-D |
| an unfinished chunk | continues on the next line with the prompt `>> ` |

The globals `conn` (the current connection; `connect` changes it) and `luvirt` are
there; globals you set stay for the session, locals last one line (as in `lua`).
Both forms work in `-e` too: `luvirt -e "= conn:hostname()"`.

]]

local function md_escape(s)
    return (s:gsub("([|<>*_`])", "\\%1"))
end

--- The command reference (docs/commands.md).
function M.markdown(cmds)
    local out = {
        "# Command reference\n\n",
        "<!-- Generated by `luvirt help --markdown` from scripts/commands/*.lua.\n",
        "     Do not edit: change the declarations and regenerate. -->\n\n",
        "Every command also accepts `--help` (this text) and `--json` (its result as JSON).\n",
        "Global options: `luvirt [-c URI] [-r] [-q] [--json] COMMAND ARGS...`.\n\n",
        M.SHELL_GUIDE,
    }
    for _, key in ipairs(M.groups(cmds)) do
        out[#out + 1] = ("## %s\n\n"):format(M.group_title(key))
        out[#out + 1] = "| command | summary |\n|---|---|\n"
        for _, c in ipairs(cmds) do
            if c.group == key then
                out[#out + 1] = ("| [`%s`](#%s) | %s |\n"):format(c.name, c.name, md_escape(c.summary))
            end
        end
        out[#out + 1] = "\n"
    end
    for _, c in ipairs(cmds) do
        out[#out + 1] = ("### %s\n\n"):format(c.name)
        out[#out + 1] = md_escape(c.summary) .. "\n\n"
        out[#out + 1] = "```\n" .. M.synopsis(c) .. "\n```\n\n"
        if #c.aliases > 0 then
            out[#out + 1] = "Aliases: " .. table.concat(c.aliases, ", ") .. "\n\n"
        end
        if c.description then out[#out + 1] = c.description .. "\n\n" end
        local any = false
        for _, o in ipairs(c.options) do
            if not o.hidden then
                if not any then
                    out[#out + 1] = "| option | type | |\n|---|---|---|\n"
                    any = true
                end
                local label = option_label(o)
                out[#out + 1] = ("| `%s` | %s%s | %s |\n"):format(label, o.type,
                    o.required and ", required" or "", md_escape(o.help or ""))
            end
        end
        if any then out[#out + 1] = "\n" end
    end
    return table.concat(out)
end

return M
