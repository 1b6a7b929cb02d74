local util = require "luvirt.cmdutil"

return {
    name = "domxml-to-native",
    group = "domain",
    summary = "Convert domain XML to native config",
    description = "Convert a domain XML (a FILE, or the XML of --domain: the live one while it "
        .. "runs) to the hypervisor's native form. The one format is qemu-argv: the qemu "
        .. "command line luvirt would run, one shell-quoted line.",
    options = {
        { name = "format", type = "string", positional = true, required = true,
          completion = { "qemu-argv" }, help = "target config data type format" },
        { name = "xml", type = "file", positional = true, help = "xml data file to export from" },
        { name = "domain", type = "domain", help = "domain name, id or uuid" },
    },
    exclusive = { { "xml", "domain" } },
    run = function(ctx, opts)
        local xml
        if opts.domain then
            xml = ctx:check(ctx:domain(opts.domain):xml())
        elseif opts.xml then
            xml = util.read_file(ctx, opts.xml)
        else
            ctx:usage("command 'domxml-to-native' requires either --domain or <xml>")
        end
        local text = ctx:check(ctx.conn:domxml_to_native(opts.format, xml))
        if ctx.json then return { format = opts.format, native = text } end
        return text
    end,
    render = function(text)
        return (text:gsub("\n*$", "\n\n", 1))
    end,
}
