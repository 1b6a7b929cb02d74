local su = require "luvirt.storageutil"
local storagexml = require "luvirt.storagexml"

return {
    name = "pool-define-as",
    group = "pool",
    summary = "define a pool from a set of args",
    description = "Define a persistent, inactive pool from its type and options, without an XML "
        .. "file: `pool-define-as images dir --target /srv/images`. A source or target given "
        .. "as `-` counts as absent (virsh's positional habit: `pool-define-as images dir - - - - "
        .. "/srv/images`). With --print-xml the XML is printed and nothing is defined. Types: "
        .. "dir, fs, logical (docs/storage.md); others are refused naming the type.",
    options = su.pool_as_options(),
    run = function(ctx, opts)
        local xml = storagexml.pool_xml(su.pool_def(opts))
        if opts["print-xml"] then return { xml = xml } end
        local pool = ctx:check(ctx.conn:define_pool(xml))
        return { pool = pool:name(), uuid = pool:uuid(),
                 message = ("Pool %s defined"):format(pool:name()) }
    end,
    render = function(d, ctx)
        if d.xml then return d.xml end
        if not ctx.quiet then return d.message .. "\n\n" end
    end,
}
