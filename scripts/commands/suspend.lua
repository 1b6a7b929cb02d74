local util = require "luvirt.cmdutil"
return util.action {
    name = "suspend",
    summary = "suspend a domain",
    description = "Pause a running domain: it keeps its memory but gets no CPU time.",
    message = "Domain '%s' suspended",
    method = "suspend",
}
