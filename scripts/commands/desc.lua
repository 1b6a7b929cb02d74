local util = require "luvirt.cmdutil"

return {
    name = "desc",
    group = "domain",
    summary = "show or set domain's description or title",
    description = "Print the description (or with --title the title) of a domain, or set it "
        .. "from the remaining words. An empty text removes it. --live changes the running "
        .. "domain, --config the persistent definition; by default the running domain when it "
        .. "runs, else the definition.",
    options = {
        util.domain_option(),
        { name = "live", type = "bool", help = "modify/get running state" },
        { name = "config", type = "bool", help = "modify/get persistent configuration" },
        { name = "current", type = "bool", help = "modify/get current state configuration" },
        { name = "title", type = "bool", help = "modify/get the title instead of description" },
        { name = "new-desc", type = "argv", help = "message" },
    },
    exclusive = { { "current", "live" }, { "current", "config" } },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local name = dom:name()
        local what = opts.title and "title" or "description"
        if opts["new-desc"] then
            local text = table.concat(opts["new-desc"], " ")
            if opts.title and text:find("\n", 1, true) then
                ctx:fail("title can't contain newlines", "INVALID_ARG")
            end
            ctx:check(dom:set_description(text ~= "" and text or nil, {
                title = opts.title or false, live = opts.live or false, config = opts.config or false,
            }))
            return { domain = name, [what] = text ~= "" and text or nil, changed = true,
                     message = ("Domain %s updated successfully"):format(what) }
        end
        -- read it from the XML: the live one, or with --config the persistent one
        local xml = ctx:check(dom:xml { inactive = opts.config or false })
        local xpath = require "luvirt.xpath"
        local nodes = xpath.eval(xpath.parse(xml), "/domain/" .. what)
        local text = nodes[1] and xpath.text_of(nodes[1]) or nil
        if text == "" then text = nil end
        return { domain = name, [what] = text, changed = false,
                 message = text or ("No %s for domain: %s"):format(what, name) }
    end,
    render = function(d, ctx)
        if d.changed and ctx.quiet then return nil end
        return d.message .. "\n"
    end,
}
