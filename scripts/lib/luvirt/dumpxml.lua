--- What dumpxml and net-dumpxml share: the --xpath option, the selection and
--- how the XML or the selected pieces are printed.
local M = {}

function M.xpath_option()
    return { name = "xpath", type = "string", help = "xpath expression to filter the XML document" }
end

--- The serialized nodes (or the one string value) that `expr` selects in
--- `xml`, as a JSON array; an expression it cannot read is a usage error.
function M.select(ctx, xml, expr)
    local xpath = require "luvirt.xpath"
    local ok, doc = pcall(xpath.parse, xml)
    if not ok then ctx:fail(doc, "XML") end
    local okx, res = pcall(xpath.eval, doc, expr)
    if not okx then ctx:usage(res) end
    local results = {}
    if type(res) == "string" then
        results[1] = res
    else
        for i, node in ipairs(res) do results[i] = xpath.serialize(doc, node) end
    end
    return ctx.cli.array(results)
end

--- The text output: the whole XML ending in a newline, or one selected piece
--- a line (nothing when nothing was selected).
function M.render(data, _, opts)
    if not opts.xpath then
        return data:sub(-1) == "\n" and data or (data .. "\n")
    end
    if #data == 0 then return nil end
    return table.concat(data, "\n") .. "\n"
end

return M
