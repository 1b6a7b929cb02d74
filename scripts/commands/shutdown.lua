local util = require "luvirt.cmdutil"
return util.action {
    name = "shutdown",
    summary = "gracefully shutdown a domain",
    description = "Ask the guest to shut down (an ACPI power button press); it may take a while or be ignored.",
    message = "Domain '%s' is being shutdown",
    method = "shutdown",
}
