local util = require "luvirt.cmdutil"
local editor = require "luvirt.editor"

return {
    name = "edit",
    group = "domain",
    summary = "edit XML configuration for a domain",
    description = "Open the domain's persistent XML in $VISUAL, else $EDITOR, else vi. When the "
        .. "editor exits, the XML is validated and saved; if the editor fails, the XML is "
        .. "invalid or nothing changed, the domain is left as it was.",
    options = { util.domain_option() },
    run = function(ctx, opts)
        editor.check_available(ctx, "edit")
        local dom = ctx:domain(opts.domain)
        local name = dom:name()
        local before = ctx:check(dom:xml { inactive = true })
        local after = editor.edit_text(ctx, before, ("domain '%s'"):format(name))
        if after == before then
            return { domain = name, changed = false,
                     message = ("Domain '%s' XML configuration not changed."):format(name) }
        end
        local ndom, err = ctx.conn:define(after)
        if not ndom then ctx:fail(("%s; domain '%s' not changed"):format(err, name), "XML") end
        return { domain = ndom:name(), changed = true,
                 message = ("Domain '%s' XML configuration edited."):format(ndom:name()) }
    end,
}
