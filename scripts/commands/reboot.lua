local util = require "luvirt.cmdutil"
return util.action {
    name = "reboot",
    summary = "reboot a domain",
    description = "Ask the guest to reboot.",
    message = "Domain '%s' is being rebooted",
    method = "reboot",
}
