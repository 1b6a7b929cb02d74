# event against test:///default: a Lua task started from an earlier REPL line
# changes domains while `event` waits (the test driver tells every connection).
$ -c test:///default
< lua luvirt.spawn(function() luvirt.sleep(100) local d = conn:domain("test") d:suspend() d:resume() d:destroy() end)
< event --all --loop --timeout 2
luvirt.Task 3
event 'lifecycle' for domain 'test': Suspended Paused
event 'lifecycle' for domain 'test': Resumed Unpaused
event 'lifecycle' for domain 'test': Stopped Destroyed
event loop timed out
events received: 3

--- exit 0
# without --loop, the first event ends it; a filter on a domain sees only that one
$ -c test:///default
< define @DATA@/web1.xml
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("test"):suspend() conn:domain("web1"):start() end)
< event --event lifecycle --domain web1
Domain 'web1' defined from @DATA@/web1.xml

luvirt.Task 4
event 'lifecycle' for domain 'web1': Started Booted
events received: 1

--- exit 0
$ -c test:///default
< define @DATA@/web1.xml
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("web1"):start() conn:domain("web1"):destroy() conn:domain("web1"):undefine() end)
< event --all
Domain 'web1' defined from @DATA@/web1.xml

luvirt.Task 4
event 'lifecycle' for domain 'web1': Started Booted
events received: 1

--- exit 0
$ -c test:///default
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("test"):shutdown() end)
< event --all --loop --timeout 1 --json
luvirt.Task 3
{
  "count": 2,
  "events": [
    {
      "detail": "Finished",
      "domain": "test",
      "event": "lifecycle",
      "type": "Shutdown"
    },
    {
      "detail": "Shutdown",
      "domain": "test",
      "event": "lifecycle",
      "type": "Stopped"
    }
  ],
  "interrupted": false,
  "timed_out": true
}
--- exit 0
# reboot is an event type of its own; --event lifecycle does not see it
$ -c test:///default
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("test"):reboot() conn:domain("test"):suspend() end)
< event --event lifecycle
luvirt.Task 3
event 'lifecycle' for domain 'test': Suspended Paused
events received: 1

--- exit 0
$ -c test:///default
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("test"):destroy() conn:domain("test"):start() conn:domain("test"):reboot() end)
< event --event reboot --timeout 2
luvirt.Task 3
event 'reboot' for domain 'test'
events received: 1

--- exit 0
$ -c test:///default
< lua luvirt.spawn(function() luvirt.sleep(100) conn:domain("test"):reboot() end)
< event --all --loop --timeout 1
luvirt.Task 3
event 'reboot' for domain 'test'
event loop timed out
events received: 1

--- exit 0
# nothing happens: it times out, says so and fails, as virsh
$ event --all --timeout 1
event loop timed out
events received: 0

--- exit 1
$ -q event --event lifecycle --domain test --timeout 1
event loop timed out
events received: 0

--- exit 1
