# help comes from the declarations
$ help
Grouped commands:

 Domain Management (help keyword 'domain'):
    autostart                      autostart a domain
    console                        connect to the guest console
    create                         create a domain from an XML file
    define                         define (but don't start) a domain from an XML file
    desc                           show or set domain's description or title
    destroy                        destroy (stop) a domain
    domdisplay                     domain display connection URI
    domid                          convert a domain name or UUID to domain id
    domname                        convert a domain id or UUID to domain name
    domrename                      rename a domain
    domuuid                        convert a domain name or id to domain UUID
    domxml-to-native               Convert domain XML to native config
    dumpxml                        domain information in XML
    edit                           edit XML configuration for a domain
    event                          Domain Events
    list                           list domains
    qemu-monitor-command           QEMU Monitor Command
    reboot                         reboot a domain
    reset                          reset a domain
    resume                         resume a domain
    shutdown                       gracefully shutdown a domain
    start                          start a (previously defined) inactive domain
    suspend                        suspend a domain
    undefine                       undefine a domain
    vncdisplay                     vnc display

 Domain Monitoring (help keyword 'monitor'):
    domblkinfo                     domain block device size information
    domblklist                     list all domain blocks
    domifaddr                      Get network interfaces' addresses for a running domain
    domiflist                      list all domain virtual interfaces
    dominfo                        domain information
    dommemstat                     get memory statistics for a domain
    domstate                       domain state
    domstats                       get statistics about one or multiple domains

 Networking (help keyword 'network'):
    net-autostart                  autostart a network
    net-create                     create a network from an XML file
    net-define                     define an inactive persistent virtual network or modify an existing persistent one from an XML file
    net-destroy                    destroy (stop) a network
    net-dhcp-leases                print lease info for a given network
    net-dumpxml                    network information in XML
    net-edit                       edit XML configuration for a network
    net-event                      Network Events
    net-info                       network information
    net-list                       list networks
    net-name                       convert a network UUID to network name
    net-start                      start a (previously defined) inactive network
    net-undefine                   undefine a persistent network
    net-update                     update parts of an existing network's configuration
    net-uuid                       convert a network name to network UUID

 Host and Hypervisor (help keyword 'host'):
    capabilities                   capabilities
    hostname                       print the hypervisor hostname
    nodeinfo                       node information
    uri                            print the hypervisor canonical URI
    version                        show version

 Storage Pool (help keyword 'pool'):
    pool-autostart                 autostart a pool
    pool-build                     build a pool
    pool-create                    create a pool from an XML file
    pool-create-as                 create a pool from a set of args
    pool-define                    define an inactive persistent storage pool or modify an existing persistent one from an XML file
    pool-define-as                 define a pool from a set of args
    pool-delete                    delete a pool
    pool-destroy                   destroy (stop) a pool
    pool-dumpxml                   pool information in XML
    pool-edit                      edit XML configuration for a storage pool
    pool-info                      storage pool information
    pool-list                      list pools
    pool-name                      convert a pool UUID to pool name
    pool-refresh                   refresh a pool
    pool-start                     start a (previously defined) inactive pool
    pool-undefine                  undefine an inactive pool
    pool-uuid                      convert a pool name to pool UUID

 Storage Volume (help keyword 'volume'):
    vol-clone                      clone a volume.
    vol-create                     create a vol from an XML file
    vol-create-as                  create a volume from a set of args
    vol-create-from                create a vol, using another volume as input
    vol-delete                     delete a vol
    vol-download                   download volume contents to a file
    vol-dumpxml                    vol information in XML
    vol-info                       storage vol information
    vol-key                        returns the volume key for a given volume name or path
    vol-list                       list vols
    vol-name                       returns the volume name for a given volume key or path
    vol-path                       returns the volume path for a given volume name or key
    vol-pool                       returns the storage pool for a given volume key or path
    vol-resize                     resize a vol
    vol-upload                     upload file contents to a volume
    vol-wipe                       wipe a vol

 Luvirt itself (help keyword 'shell'):
    connect                        (re)connect to hypervisor
    echo                           echo arguments
    help                           print help
    quit                           quit this interactive terminal

--- exit 0
$ help domain
 Domain Management (help keyword 'domain'):
    autostart                      autostart a domain
    console                        connect to the guest console
    create                         create a domain from an XML file
    define                         define (but don't start) a domain from an XML file
    desc                           show or set domain's description or title
    destroy                        destroy (stop) a domain
    domdisplay                     domain display connection URI
    domid                          convert a domain name or UUID to domain id
    domname                        convert a domain id or UUID to domain name
    domrename                      rename a domain
    domuuid                        convert a domain name or id to domain UUID
    domxml-to-native               Convert domain XML to native config
    dumpxml                        domain information in XML
    edit                           edit XML configuration for a domain
    event                          Domain Events
    list                           list domains
    qemu-monitor-command           QEMU Monitor Command
    reboot                         reboot a domain
    reset                          reset a domain
    resume                         resume a domain
    shutdown                       gracefully shutdown a domain
    start                          start a (previously defined) inactive domain
    suspend                        suspend a domain
    undefine                       undefine a domain
    vncdisplay                     vnc display

--- exit 0
$ help start
  NAME
    start - start a (previously defined) inactive domain

  SYNOPSIS
    start <domain> [--console] [--paused]

  DESCRIPTION
    Start a domain by a fresh boot. --console then attaches the terminal to its
    serial console, as the `console` command does.

  OPTIONS
    [--domain] <string>  name of the inactive domain
    --console        attach to console after creation
    --paused         leave the guest paused after creation
    --json           print the result as JSON

--- exit 0
$ start --help
  NAME
    start - start a (previously defined) inactive domain

  SYNOPSIS
    start <domain> [--console] [--paused]

  DESCRIPTION
    Start a domain by a fresh boot. --console then attaches the terminal to its
    serial console, as the `console` command does.

  OPTIONS
    [--domain] <string>  name of the inactive domain
    --console        attach to console after creation
    --paused         leave the guest paused after creation
    --json           print the result as JSON

--- exit 0
$ help exit
  NAME
    quit - quit this interactive terminal

  SYNOPSIS
    quit

  ALIASES
    exit

  DESCRIPTION
    Leave the shell. Commands after it on the same line do not run.

  OPTIONS
    --json           print the result as JSON

--- exit 0
$ help list
  NAME
    list - list domains

  SYNOPSIS
    list [--inactive] [--all] [--state-running] [--state-paused] [--state-shutoff] [--autostart] [--no-autostart] [--uuid] [--name] [--title]

  DESCRIPTION
    List domains: by default the running ones (running, paused, ...), with --all
    also the inactive ones.

  OPTIONS
    --inactive       list inactive domains
    --all            list inactive & active domains
    --state-running  list domains in running state
    --state-paused   list domains in paused state
    --state-shutoff  list domains in shutoff state
    --autostart      list domains with autostart enabled
    --no-autostart   list domains with autostart disabled
    --uuid           list uuid's only
    --name           list domain names only
    --title          show domain title
    --json           print the result as JSON

--- exit 0
$ --json help domstate
{
  "aliases": [
  ],
  "description": "Print the state of a domain, with --reason also why it is in that state.",
  "group": "monitor",
  "name": "domstate",
  "options": [
    {
      "help": "domain name, id or uuid",
      "name": "domain",
      "positional": true,
      "required": true,
      "type": "domain"
    },
    {
      "help": "also print reason for the state",
      "name": "reason",
      "positional": false,
      "required": false,
      "type": "bool"
    }
  ],
  "origin": "built-in",
  "path": "@SRCDIR@/scripts/commands/domstate.lua",
  "summary": "domain state",
  "synopsis": "domstate <domain> [--reason]"
}
--- exit 0
