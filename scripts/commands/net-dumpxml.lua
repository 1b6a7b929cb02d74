local netutil = require "luvirt.netutil"

return {
    name = "net-dumpxml",
    group = "network",
    summary = "network information in XML",
    description = "Print the network's libvirt XML: the live definition of an active network "
        .. "(with what luvirt chose when it started: bridge name, MAC), or with --inactive the "
        .. "persistent one. --xpath prints only what an XPath expression selects (the subset "
        .. "dumpxml takes).",
    options = {
        netutil.network_option(),
        { name = "inactive", type = "bool", help = "show inactive defined XML" },
        { name = "xpath", type = "string", help = "xpath expression to filter the XML document" },
    },
    run = function(ctx, opts)
        local net = netutil.network(ctx, opts.network)
        local xml = ctx:check(net:xml { inactive = opts.inactive or false })
        if not opts.xpath then
            if ctx.json then return { network = net:name(), xml = xml } end
            return xml
        end
        local xpath = require "luvirt.xpath"
        local ok, doc = pcall(xpath.parse, xml)
        if not ok then ctx:fail(doc, "XML") end
        local okx, res = pcall(xpath.eval, doc, opts.xpath)
        if not okx then ctx:usage(res) end
        local results = {}
        if type(res) == "string" then
            results[1] = res
        else
            for i, node in ipairs(res) do results[i] = xpath.serialize(doc, node) end
        end
        return ctx.cli.array(results)
    end,
    render = function(data, _, opts)
        if not opts.xpath then
            return data:sub(-1) == "\n" and data or (data .. "\n")
        end
        if #data == 0 then return nil end
        return table.concat(data, "\n") .. "\n"
    end,
}
