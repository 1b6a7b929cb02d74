-- A script test: an operational failure through assert.
local dom = assert(conn:domain("nosuch"))
print("not reached", dom)
