# console, start --console, domxml-to-native, shutdown --mode/--timeout against
# test:///default, which has no serial console nor qemu; the refusals of event
$ console test
Connected to domain 'test'
Escape character is ^] (Ctrl + ])
--- stderr
error: this function is not supported by the connection driver: console
--- exit 1
$ -q console test
--- stderr
error: this function is not supported by the connection driver: console
--- exit 1
$ -e "define @DATA@/web1.xml; console web1"
Domain 'web1' defined from @DATA@/web1.xml

--- stderr
error: The domain is not running
--- exit 1
$ -e "define @DATA@/web1.xml; start web1 --console; domstate web1"
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' started
Connected to domain 'web1'
Escape character is ^] (Ctrl + ])
running

--- stderr
error: this function is not supported by the connection driver: console
--- exit 1
$ console test --devname nosuch
--- stderr
error: cannot find character device nosuch
--- exit 1
$ console --force --safe test
Connected to domain 'test'
Escape character is ^] (Ctrl + ])
--- stderr
error: this function is not supported by the connection driver: console
--- exit 1
$ domxml-to-native qemu-argv @DATA@/web1.xml
--- stderr
error: this function is not supported by the connection driver: domxml_to_native
--- exit 1
$ domxml-to-native qemu-argv --domain test
--- stderr
error: this function is not supported by the connection driver: domxml_to_native
--- exit 1
$ domxml-to-native qemu-argv
--- stderr
error: command 'domxml-to-native' requires either --domain or <xml>
--- exit 2
$ domxml-to-native qemu-argv @DATA@/nosuch.xml
--- stderr
error: cannot read '@DATA@/nosuch.xml': No such file or directory
--- exit 1
$ domxml-to-native qemu-argv @DATA@/web1.xml --domain test
--- stderr
error: options --xml and --domain of command 'domxml-to-native' are mutually exclusive
--- exit 2
$ -e "shutdown test --mode acpi; domstate test --reason"
Domain 'test' is being shutdown

shut off (shutdown)

--- exit 0
$ shutdown test --mode agent
--- stderr
error: shutdown mode 'agent' is not supported; only 'acpi' is
--- exit 1
$ shutdown test --mode potato
--- stderr
error: Unknown mode potato value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'
--- exit 2
$ -e "shutdown test --timeout 5; domstate test --reason"
Domain 'test' is shut off

shut off (shutdown)

--- exit 0
$ --json shutdown test --timeout 5
{
  "action": "shutdown",
  "domain": "test",
  "message": "Domain 'test' is shut off",
  "shutoff": true,
  "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f"
}
--- exit 0
$ shutdown test --timeout 0
--- stderr
error: the --timeout of 'shutdown' must be at least 1 second
--- exit 2
$ event
--- stderr
error: one of --list, --all, or --event <type> is required
--- exit 1
$ event --list
lifecycle
reboot

--- exit 0
$ event --event potato
--- stderr
error: invalid value 'potato' for option --event of command 'event': expected one of lifecycle, reboot
--- exit 2
$ event --all --domain nosuch
--- stderr
error: domain 'nosuch' not found
--- exit 1
