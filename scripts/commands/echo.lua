local cmdline = require "luvirt.cmdline"

local function xml_escape(s)
    return (s:gsub("[&<>'\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                                 ["'"] = "&apos;", ['"'] = "&quot;" }))
end

return {
    name = "echo",
    group = "shell",
    summary = "echo arguments",
    description = "Print the arguments, separated by spaces; handy to see how a line is split.",
    options = {
        { name = "shell", type = "bool", help = "quote each argument as the shell reads it back" },
        { name = "xml", type = "bool", help = "escape for XML use" },
        { name = "err", type = "bool", help = "output to stderr" },
        { name = "string", type = "argv", help = "arguments to echo" },
    },
    run = function(_, opts)
        local words = {}
        for i, w in ipairs(opts.string or {}) do
            if opts.xml then w = xml_escape(w) end
            if opts.shell then w = cmdline.quote(w) end
            words[i] = w
        end
        local text = table.concat(words, " ")
        if opts.err then
            io.stderr:write(text, "\n")
            return nil
        end
        return text
    end,
}
