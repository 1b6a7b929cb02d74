local su = require "luvirt.storageutil"

return {
    name = "vol-create-as",
    group = "volume",
    summary = "create a volume from a set of args",
    description = "Create a volume of CAPACITY (bytes, or with a unit: 10G, 512MiB; K/M/G are "
        .. "powers of 1024, KB/MB/GB of 1000) in a pool, through qemu-img for raw and qcow2. "
        .. "--backing-vol makes a qcow2 overlay on a volume given by name (in the same pool), "
        .. "key or path; its format is read from the backing volume unless "
        .. "--backing-vol-format says it. --allocation preallocates that much of a raw file; "
        .. "--prealloc-metadata preallocates a qcow2's metadata. With --print-xml the XML is "
        .. "printed and nothing is created.",
    options = {
        su.pool_option("pool name"),
        { name = "name", type = "string", positional = true, required = true,
          help = "name of the volume" },
        { name = "capacity", type = "string", positional = true, required = true,
          help = "size of the vol, as scaled integer (default bytes)" },
        { name = "allocation", type = "string", help = "initial allocation size, as scaled integer (default bytes)" },
        { name = "format", type = "string", choices = { "raw", "qcow2" },
          help = "file format type raw,qcow2" },
        { name = "backing-vol", type = "string", help = "the backing volume if taking a snapshot" },
        { name = "backing-vol-format", type = "string", choices = { "raw", "qcow2" },
          help = "format of backing volume if taking a snapshot" },
        { name = "prealloc-metadata", type = "bool", help = "preallocate metadata (for qcow2 instead of full allocation)" },
        { name = "print-xml", type = "bool", help = "print XML document, but don't define/create" },
    },
    run = function(ctx, opts)
        local def = {
            name = opts.name,
            capacity = su.size(ctx, "capacity", opts.capacity),
            allocation = opts.allocation and su.size(ctx, "allocation", opts.allocation) or nil,
            format = opts.format,
        }
        if opts["backing-vol-format"] and not opts["backing-vol"] then
            ctx:usage("--backing-vol-format needs --backing-vol")
        end
        if opts["prealloc-metadata"] and opts.format ~= "qcow2" then
            ctx:usage("--prealloc-metadata needs --format qcow2")
        end
        local pool
        if not opts["print-xml"] then pool = su.pool(ctx, opts.pool) end
        if opts["backing-vol"] then
            local path, fmt = opts["backing-vol"], opts["backing-vol-format"]
            if pool then
                -- as virsh: a name in this pool, else a key or path anywhere
                local bvol = pool:volume(path) or ctx.conn:volume_by_key(path)
                    or ctx.conn:volume_by_path(path)
                if not bvol then
                    ctx:fail(("backing volume '%s' not found: neither a volume of pool '%s' "
                        .. "nor a volume key or path"):format(path, pool:name()), "NO_VOLUME")
                end
                local bi = ctx:check(bvol:info())
                path = bi.path
                fmt = fmt or bi.format
            end
            def.backing = { path = path, format = fmt }
        end
        local xml = require("luvirt.storagexml").volume_xml(def)
        if opts["print-xml"] then return { xml = xml } end
        local vol = ctx:check(pool:create_volume(xml,
            { prealloc_metadata = opts["prealloc-metadata"] or false }))
        return { volume = vol:name(), pool = pool:name(), path = ctx:check(vol:path()),
                 message = ("Vol %s created"):format(vol:name()) }
    end,
    render = function(d, ctx)
        if d.xml then return d.xml end
        if not ctx.quiet then return d.message .. "\n\n" end
    end,
}
