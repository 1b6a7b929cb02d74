--- Splitting a command line into commands and words, as virsh does.
--
-- Rules (virsh's vshCommandStringGetArg):
--   * words are separated by blanks (space, tab, newline);
--   * `;` outside quotes ends a command;
--   * '...' is literal; "..." is literal except that \ escapes the next char;
--   * outside quotes, \ escapes the next character;
--   * `#` at the start of a word starts a comment up to the end of the line.
-- Adjacent quoted and unquoted pieces join into one word (`--name="a b"`).
local M = {}

local BLANK = { [" "] = true, ["\t"] = true, ["\n"] = true, ["\r"] = true }

--- Splits `text` into commands.
---@param text string
---@param opts table|nil  {partial=true}: tolerate an unterminated quote or a
---  trailing backslash (for completion), and record word start offsets
---@return table|nil commands  a list of word lists; with partial, each word list
---  has a field `starts` (0-based offsets) and `open` (true when text ends inside
---  the last word)
---@return string|nil err
function M.split(text, opts)
    local partial = opts and opts.partial
    local cmds, words, starts = {}, {}, {}
    local i, n = 1, #text
    local function finish()
        if #words > 0 then
            words.starts = starts
            cmds[#cmds + 1] = words
        end
        words, starts = {}, {}
    end
    while i <= n do
        local c = text:sub(i, i)
        if BLANK[c] then
            i = i + 1
        elseif c == ";" then
            finish()
            i = i + 1
        elseif c == "#" then
            local nl = text:find("\n", i, true)
            if not nl then break end
            finish()
            i = nl + 1
        else
            -- one word
            local buf, start = {}, i - 1
            while i <= n do
                c = text:sub(i, i)
                if BLANK[c] or c == ";" then break end
                if c == "\\" then
                    if i == n then
                        if not partial then return nil, "dangling \\ at the end of the line" end
                        i = i + 1
                        break
                    end
                    buf[#buf + 1] = text:sub(i + 1, i + 1)
                    i = i + 2
                elseif c == "'" then
                    local close = text:find("'", i + 1, true)
                    if not close then
                        if not partial then return nil, "missing ' in the command line" end
                        buf[#buf + 1] = text:sub(i + 1)
                        i = n + 1
                        words.open = true
                    else
                        buf[#buf + 1] = text:sub(i + 1, close - 1)
                        i = close + 1
                    end
                elseif c == '"' then
                    i = i + 1
                    local closed = false
                    while i <= n do
                        c = text:sub(i, i)
                        if c == '"' then
                            closed = true
                            i = i + 1
                            break
                        elseif c == "\\" and i < n then
                            buf[#buf + 1] = text:sub(i + 1, i + 1)
                            i = i + 2
                        else
                            buf[#buf + 1] = c
                            i = i + 1
                        end
                    end
                    if not closed then
                        if not partial then return nil, 'missing " in the command line' end
                        words.open = true
                    end
                else
                    buf[#buf + 1] = c
                    i = i + 1
                end
            end
            words[#words + 1] = table.concat(buf)
            starts[#starts + 1] = start
            if i > n and partial then words.open = true end
        end
    end
    -- with partial, keep an empty trailing command so the caller sees "nothing typed yet"
    if #words > 0 or (partial and #cmds == 0) then
        words.starts = starts
        cmds[#cmds + 1] = words
    elseif partial then
        words.starts = starts
        cmds[#cmds + 1] = words
    end
    return cmds
end

--- Quotes a word so that split() gives it back unchanged.
function M.quote(word)
    if word ~= "" and not word:find("[%s;'\"\\#]") then return word end
    return "'" .. word:gsub("'", "'\\''") .. "'"
end

return M
