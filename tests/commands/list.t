# list and its filters against the preloaded test:///default
$ list
 Id   Name   State
----------------------
 1    test   running

--- exit 0
$ list --all
 Id   Name   State
----------------------
 1    test   running

--- exit 0
$ list --inactive
 Id   Name   State
--------------------

--- exit 0
$ -e "define @DATA@/web1.xml; autostart web1; list --all; list --inactive; list --state-shutoff; list --state-running --state-paused; list --autostart --all; list --no-autostart --all; list --name --all; list --uuid --all; list --title --all"
Domain 'web1' defined from @DATA@/web1.xml

Domain 'web1' marked as autostarted

 Id   Name   State
-----------------------
 1    test   running
 -    web1   shut off

 Id   Name   State
-----------------------
 -    web1   shut off

 Id   Name   State
-----------------------
 -    web1   shut off

 Id   Name   State
----------------------
 1    test   running

 Id   Name   State
-----------------------
 -    web1   shut off

 Id   Name   State
----------------------
 1    test   running

test
web1

6695eb01-f6a4-8304-79aa-97f2502e193f
0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01

 Id   Name   State      Title
-------------------------------
 1    test   running    
 -    web1   shut off   

--- exit 0
$ -e "define @DATA@/web1.xml; desc web1 --title --config Front end; list --all --title"
Domain 'web1' defined from @DATA@/web1.xml

Domain title updated successfully
 Id   Name   State      Title
-----------------------------------
 1    test   running    
 -    web1   shut off   Front end

--- exit 0
$ --json list --all
[
  {
    "autostart": false,
    "id": 1,
    "name": "test",
    "persistent": true,
    "state": "running",
    "state_text": "running",
    "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f"
  }
]
--- exit 0
$ -e "define @DATA@/web1.xml; list --all --json"
Domain 'web1' defined from @DATA@/web1.xml

[
  {
    "autostart": false,
    "id": 1,
    "name": "test",
    "persistent": true,
    "state": "running",
    "state_text": "running",
    "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f"
  },
  {
    "autostart": false,
    "id": null,
    "name": "web1",
    "persistent": true,
    "state": "shutoff",
    "state_text": "shut off",
    "uuid": "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c01"
  }
]
--- exit 0
$ list --all --inactive
--- stderr
error: options --all and --inactive of command 'list' are mutually exclusive
--- exit 2
$ list --name --uuid
--- stderr
error: options --name and --uuid of command 'list' are mutually exclusive
--- exit 2
