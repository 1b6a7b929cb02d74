local netutil = require "luvirt.netutil"
local editor = require "luvirt.editor"

return {
    name = "net-edit",
    group = "network",
    summary = "edit XML configuration for a network",
    description = "Open the network's persistent XML in $VISUAL, else $EDITOR, else vi. When "
        .. "the editor exits, the XML is validated and defined; if the editor fails, the XML "
        .. "is invalid or nothing changed, the network is left as it was. An active network "
        .. "runs on as it was started until it is restarted.",
    options = { netutil.network_option() },
    run = function(ctx, opts)
        editor.check_available(ctx, "net-edit")
        local net = netutil.network(ctx, opts.network)
        local name = net:name()
        local before = ctx:check(net:xml { inactive = true })
        local what = ("network %s"):format(name)
        local after = editor.edit_text(ctx, before, what)
        if after == before then
            return { network = name, changed = false,
                     message = ("Network %s XML configuration not changed."):format(name) }
        end
        local nnet, err, code = ctx.conn:define_network(after)
        if not nnet then ctx:fail(("%s; %s not changed"):format(err, what), code or "XML") end
        return { network = nnet:name(), changed = true,
                 message = ("Network %s XML configuration edited."):format(nnet:name()) }
    end,
}
