local util = require "luvirt.cmdutil"

local MODES = { acpi = true, agent = true, initctl = true, signal = true, paravirt = true }

return util.action {
    name = "shutdown",
    summary = "gracefully shutdown a domain",
    description = "Ask the guest to shut down (an ACPI power button press); it may take a while "
        .. "or be ignored. --mode acpi is the one mode luvirt has (virsh's agent, initctl, "
        .. "signal and paravirt are refused). With --timeout N the command waits up to N "
        .. "seconds for the domain to be shut off and fails if it is still running then.",
    options = {
        { name = "mode", type = "string", metavar = "string",
          help = "shutdown mode: acpi (the only one supported)" },
        { name = "timeout", type = "int", metavar = "number",
          help = "wait up to this many seconds until the domain is shut off" },
    },
    message = "Domain '%s' is being shutdown",
    call = function(dom, opts, ctx)
        if opts.mode then
            for m in (opts.mode .. ","):gmatch("([^,]*),") do
                if not MODES[m] then
                    ctx:usage(("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', "
                        .. "'signal' or 'paravirt'"):format(m))
                elseif m ~= "acpi" then
                    ctx:fail(("shutdown mode '%s' is not supported; only 'acpi' is"):format(m),
                             "NO_SUPPORT")
                end
            end
        end
        if opts.timeout == nil then return dom:shutdown() end
        if opts.timeout <= 0 then ctx:usage("the --timeout of 'shutdown' must be at least 1 second") end
        local ok, msg, code = dom:shutdown { timeout = opts.timeout }
        if not ok and code == "TIMEOUT" then
            msg = ("domain '%s' is still running after %d seconds"):format(dom:name(), opts.timeout)
        end
        return ok, msg, code
    end,
    after = function(_, dom, opts, data)
        if opts.timeout then
            data.message = ("Domain '%s' is shut off"):format(dom:name())
            data.shutoff = true
        end
        return data
    end,
}
