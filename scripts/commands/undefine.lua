local util = require "luvirt.cmdutil"
return util.action {
    name = "undefine",
    summary = "undefine a domain",
    description = "Remove the persistent definition of a domain. A running domain keeps running "
        .. "and becomes transient.",
    domain_help = "domain name or uuid",
    message = "Domain '%s' has been undefined",
    method = "undefine",
}
