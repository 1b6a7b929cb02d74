--- A small XML reader and an XPath subset, for `dumpxml --xpath`.
--
-- The XML given here is what the driver formatted (well-formed, no DTD), so a
-- compact reader is enough. The XPath subset:
--   /a/b  //b  a/b  .  ..  *  @name  @*  text()  node()
--   predicates: [N]  [last()]  [@a]  [@a='v']  [name]  [name='v']  [text()='v']
--   a leading count(PATH) or string(PATH)
-- Results print as virsh prints them: an element as its XML, an attribute as
-- ` name="value"`, a text node as its text.
local M = {}

local ENT = { lt = "<", gt = ">", amp = "&", quot = '"', apos = "'" }

local function unescape(s)
    return (s:gsub("&(#?x?)(%w+);", function(kind, v)
        if kind == "" then return ENT[v] end
        local n = tonumber(v, kind == "#x" and 16 or 10)
        return n and utf8.char(n) or nil
    end))
end

--- Parses XML text into a tree of nodes:
--- element {kind="element", name, attrs={{name,value}...}, children, parent, s, e}
--- text {kind="text", value, parent}; s/e are the element's offsets in text.
function M.parse(text)
    local doc = { kind = "document", children = {} }
    local cur = doc
    local i, n = 1, #text
    local function fail(msg) error(("XML error at offset %d: %s"):format(i, msg), 0) end
    while i <= n do
        local lt = text:find("<", i, true)
        if not lt then
            cur.children[#cur.children + 1] = { kind = "text", value = unescape(text:sub(i)), parent = cur }
            break
        end
        if lt > i then
            cur.children[#cur.children + 1] = { kind = "text", value = unescape(text:sub(i, lt - 1)), parent = cur }
        end
        i = lt
        if text:sub(i, i + 3) == "<!--" then
            local e = text:find("-->", i + 4, true) or fail("unterminated comment")
            i = e + 3
        elseif text:sub(i, i + 8) == "<![CDATA[" then
            local e = text:find("]]>", i + 9, true) or fail("unterminated CDATA")
            cur.children[#cur.children + 1] = { kind = "text", value = text:sub(i + 9, e - 1), parent = cur }
            i = e + 3
        elseif text:sub(i, i + 1) == "<?" or text:sub(i, i + 1) == "<!" then
            local e = text:find(">", i, true) or fail("unterminated declaration")
            i = e + 1
        elseif text:sub(i, i + 1) == "</" then
            local name, e = text:match("^</([^%s>]+)%s*>()", i)
            if not name then fail("bad end tag") end
            if cur.kind ~= "element" or cur.name ~= name then fail("unexpected </" .. name .. ">") end
            cur.e = e - 1
            cur = cur.parent
            i = e
        else
            local name, p = text:match("^<([%w_:%.%-]+)()", i)
            if not name then fail("bad start tag") end
            local el = { kind = "element", name = name, attrs = {}, children = {}, parent = cur, s = i }
            while true do
                local ws, q, close = text:match("^(%s*)()(/?>)", p)
                if close then
                    p = p + #ws + #close
                    break
                end
                local an, quote, rest = text:match("^%s+([%w_:%.%-]+)%s*=%s*(['\"])()", p)
                if not an then fail("bad attribute in <" .. name .. ">") end
                local qe = text:find(quote, rest, true) or fail("unterminated attribute value")
                el.attrs[#el.attrs + 1] = { name = an, value = unescape(text:sub(rest, qe - 1)) }
                p = qe + 1
                local _ = q
            end
            cur.children[#cur.children + 1] = el
            if text:sub(p - 2, p - 1) == "/>" then
                el.e = p - 1
            else
                cur = el
            end
            i = p
        end
    end
    if cur ~= doc then fail("unclosed <" .. cur.name .. ">") end
    doc.text = text
    return doc
end

local function text_of(node)
    if node.kind == "text" then return node.value end
    if node.kind == "attribute" then return node.value end
    local out = {}
    for _, c in ipairs(node.children or {}) do out[#out + 1] = text_of(c) end
    return table.concat(out)
end
M.text_of = text_of

local function descendants(node, out)
    for _, c in ipairs(node.children or {}) do
        out[#out + 1] = c
        descendants(c, out)
    end
end

-- splits "a/b[@x='/']/c" on '/' outside brackets and quotes; "//" gives an empty step
local function split_steps(path)
    local steps, buf, depth, quote = {}, {}, 0, nil
    for ch in path:gmatch(".") do
        if quote then
            if ch == quote then quote = nil end
            buf[#buf + 1] = ch
        elseif ch == "'" or ch == '"' then
            quote = ch
            buf[#buf + 1] = ch
        elseif ch == "[" then
            depth = depth + 1
            buf[#buf + 1] = ch
        elseif ch == "]" then
            depth = depth - 1
            buf[#buf + 1] = ch
        elseif ch == "/" and depth == 0 then
            steps[#steps + 1] = table.concat(buf)
            buf = {}
        else
            buf[#buf + 1] = ch
        end
    end
    steps[#steps + 1] = table.concat(buf)
    return steps
end

local function parse_step(step)
    local test, preds = step:match("^([^%[]*)(.*)$")
    local list = {}
    for p in preds:gmatch("%[(.-)%]") do list[#list + 1] = p end
    if test == "" then error("invalid XPath step '" .. step .. "'", 0) end
    return test, list
end

local function unquote(v)
    return v:match("^'(.*)'$") or v:match('^"(.*)"$')
end

local function child_axis(node, test)
    local out = {}
    if test == "." then return { node } end
    if test == ".." then return { node.parent } end
    if test:sub(1, 1) == "@" then
        local an = test:sub(2)
        for _, a in ipairs(node.attrs or {}) do
            if an == "*" or a.name == an then
                out[#out + 1] = { kind = "attribute", name = a.name, value = a.value, parent = node }
            end
        end
        return out
    end
    for _, c in ipairs(node.children or {}) do
        if test == "node()" then
            out[#out + 1] = c
        elseif test == "text()" then
            if c.kind == "text" then out[#out + 1] = c end
        elseif c.kind == "element" and (test == "*" or c.name == test) then
            out[#out + 1] = c
        end
    end
    return out
end

local function apply_predicate(nodes, pred)
    pred = pred:match("^%s*(.-)%s*$")
    local out = {}
    local n = tonumber(pred)
    if n then
        if nodes[n] then out[1] = nodes[n] end
        return out
    end
    if pred == "last()" then
        if #nodes > 0 then out[1] = nodes[#nodes] end
        return out
    end
    local lhs, rhs = pred:match("^(.-)%s*=%s*(.+)$")
    local want = rhs and unquote(rhs)
    if rhs and not want then error("unsupported XPath predicate [" .. pred .. "]", 0) end
    lhs = lhs or pred
    if not lhs:match("^@?[%w_:%.%-%*]+$") and lhs ~= "text()" and lhs ~= "." then
        error("unsupported XPath predicate [" .. pred .. "]", 0)
    end
    for _, node in ipairs(nodes) do
        local hits = child_axis(node, lhs)
        local keep = false
        for _, h in ipairs(hits) do
            if want == nil or text_of(h) == want then keep = true break end
        end
        if keep then out[#out + 1] = node end
    end
    return out
end

--- Evaluates `expr` on a parsed document: a list of nodes, or a string for
--- count()/string().
function M.eval(doc, expr)
    expr = expr:match("^%s*(.-)%s*$")
    local fn, inner = expr:match("^(%a+)%((.*)%)$")
    if fn == "count" then return tostring(#M.eval(doc, inner)) end
    if fn == "string" then
        local nodes = M.eval(doc, inner)
        return nodes[1] and text_of(nodes[1]) or ""
    end
    if fn and fn ~= "text" and fn ~= "node" then error("unsupported XPath function " .. fn .. "()", 0) end
    local steps = split_steps(expr)
    local nodes = { doc }
    local i = 1
    if steps[1] == "" then -- absolute
        i = 2
    end
    local descend = false
    while i <= #steps do
        local step = steps[i]
        if step == "" then
            if descend or i == #steps then error("invalid XPath expression '" .. expr .. "'", 0) end
            descend = true
        else
            local test, preds = parse_step(step)
            local out, seen = {}, {}
            for _, node in ipairs(nodes) do
                local contexts = { node }
                if descend then descendants(node, contexts) end
                for _, ctxnode in ipairs(contexts) do
                    local hits = child_axis(ctxnode, test)
                    for _, p in ipairs(preds) do hits = apply_predicate(hits, p) end
                    for _, h in ipairs(hits) do
                        if h and not seen[h] then
                            seen[h] = true
                            out[#out + 1] = h
                        end
                    end
                end
            end
            nodes = out
            descend = false
        end
        i = i + 1
    end
    return nodes
end

local function escape_attr(v)
    return (v:gsub("[&<\"]", { ["&"] = "&amp;", ["<"] = "&lt;", ['"'] = "&quot;" }))
end

--- A result as virsh prints it.
function M.serialize(doc, node)
    if node.kind == "element" then return doc.text:sub(node.s, node.e) end
    if node.kind == "attribute" then return (' %s="%s"'):format(node.name, escape_attr(node.value)) end
    if node.kind == "document" then return doc.text end
    return node.value
end

return M
