local util = require "luvirt.cmdutil"
return util.action {
    name = "resume",
    summary = "resume a domain",
    description = "Resume a paused domain.",
    message = "Domain '%s' resumed",
    method = "resume",
}
