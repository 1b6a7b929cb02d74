# The network commands' bad options and arguments: one line, exit 2 for usage,
# 1 for what luvirt refuses; none of these reaches a network driver.
$ net-info
--- stderr
error: command 'net-info' requires <network> option
--- exit 2
$ net-list --name --uuid
--- stderr
error: options --name and --uuid of command 'net-list' are mutually exclusive
--- exit 2
$ net-list --all --inactive
--- stderr
error: options --all and --inactive of command 'net-list' are mutually exclusive
--- exit 2
$ net-update default append ip-dhcp-host "<host mac='52:54:00:00:00:01'/>"
--- stderr
error: invalid value 'append' for option --command of command 'net-update': expected one of add, add-last, add-first, delete, modify
--- exit 2
$ net-update default add bogus-section "<host mac='52:54:00:00:00:01'/>"
--- stderr
error: invalid value 'bogus-section' for option --section of command 'net-update': expected one of bridge, domain, ip, ip-dhcp-host, ip-dhcp-range, forward, forward-interface, forward-pf, portgroup, dns-host, dns-txt, dns-srv
--- exit 2
$ net-update default add dns-host "<host ip='192.168.122.2'><hostname>a</hostname></host>"
--- stderr
error: net-update: section 'dns-host' is not supported; luvirt updates ip-dhcp-host only
--- exit 1
$ net-update default modify ip-range "<range/>"
--- stderr
error: invalid value 'ip-range' for option --section of command 'net-update': expected one of bridge, domain, ip, ip-dhcp-host, ip-dhcp-range, forward, forward-interface, forward-pf, portgroup, dns-host, dns-txt, dns-srv
--- exit 2
$ net-update default add ip-dhcp-host "<host mac='52:54:00:00:00:01'/>" --current --live
--- stderr
error: options --current and --live of command 'net-update' are mutually exclusive
--- exit 2
$ net-update default add ip-dhcp-host "<host/>" --parent-index x
--- stderr
error: invalid value 'x' for option --parent-index of command 'net-update': expected an integer
--- exit 2
$ net-update default add ip-dhcp-host "<host/>" --parent-index -1
--- stderr
error: invalid value for --parent-index: it must be 0 or more
--- exit 2
$ net-update default add ip-dhcp-host
--- stderr
error: command 'net-update' requires <xml> option
--- exit 2
$ net-define @DATA@/no-such-file.xml
--- stderr
error: cannot read '@DATA@/no-such-file.xml': No such file or directory
--- exit 1
$ net-event
--- stderr
error: either --list or --event <type> is required
--- exit 1
$ net-event --event metadata-change
--- stderr
error: invalid value 'metadata-change' for option --event of command 'net-event': expected one of lifecycle
--- exit 2
$ net-event --list
lifecycle
--- exit 0
$ net-event --event lifecycle --timeout 0
--- stderr
error: invalid timeout value; it must be a positive number of seconds
--- exit 2
$ domifaddr test --source agent
--- stderr
error: domifaddr --source agent is not supported: luvirt reads addresses from its networks' DHCP leases only (--source lease)
--- exit 1
$ domifaddr test --source arp
--- stderr
error: domifaddr --source arp is not supported: luvirt reads addresses from its networks' DHCP leases only (--source lease)
--- exit 1
$ domifaddr test --source dns
--- stderr
error: invalid value 'dns' for option --source of command 'domifaddr': expected one of lease, agent, arp
--- exit 2
$ domifaddr
--- stderr
error: command 'domifaddr' requires <domain> option
--- exit 2
$ net-destroy default --graceful
--- stderr
error: command 'net-destroy' doesn't support option --graceful
--- exit 2
$ net-dhcp-leases default --mac
--- stderr
error: option --mac of command 'net-dhcp-leases' requires a value
--- exit 2
$ net-autostart
--- stderr
error: command 'net-autostart' requires <network> option
--- exit 2
# a driver without networks says so; domifaddr needs a running domain
$ net-list --all
--- stderr
error: listing networks is not supported by the test driver
--- exit 1
$ -e "destroy test; domifaddr test"
Domain 'test' destroyed

--- stderr
error: domain 'test' is not running
--- exit 1
