-- A Lua table definition for `define FILE.lua`
return {
    name = "web3",
    uuid = "0e5a7f34-4c1d-4a5e-9d51-1f6a3e0b9c03",
    memory = "256 MiB",
    vcpus = 2,
}
