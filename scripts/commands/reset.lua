local util = require "luvirt.cmdutil"
return util.action {
    name = "reset",
    summary = "reset a domain",
    description = "Reset the domain at once, as a hardware reset button would; the guest is not told.",
    message = "Domain '%s' was reset",
    method = "reset",
}
