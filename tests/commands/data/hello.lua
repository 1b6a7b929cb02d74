#!/usr/bin/env luvirt
-- A script test: prints its arguments, the URI and the domain names.
print("args:", select("#", ...), ...)
print("arg[0]:", arg[0]:match("[^/]*$"), "arg[1]:", arg[1])
print("uri:", conn:uri())
for _, dom in ipairs(conn:domains()) do print("domain:", dom:name(), (dom:state())) end
return tonumber(arg[2] or "0")
