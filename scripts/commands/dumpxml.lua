local util = require "luvirt.cmdutil"
local dumpxml = require "luvirt.dumpxml"

return {
    name = "dumpxml",
    group = "domain",
    summary = "domain information in XML",
    description = "Print the domain's libvirt XML: the live definition of a running domain, "
        .. "or with --inactive the persistent one. --xpath prints only what an XPath "
        .. "expression selects (a subset: /a/b, //b, *, @attr, text(), [N], [@a='v'], "
        .. "count(...)).",
    options = {
        util.domain_option(),
        { name = "inactive", type = "bool", help = "show inactive defined XML" },
        dumpxml.xpath_option(),
    },
    run = function(ctx, opts)
        local dom = ctx:domain(opts.domain)
        local xml = ctx:check(dom:xml { inactive = opts.inactive or false })
        if not opts.xpath then
            if ctx.json then return { domain = dom:name(), xml = xml } end
            return xml
        end
        return dumpxml.select(ctx, xml, opts.xpath)
    end,
    render = dumpxml.render,
}
