-- The pure parts of the network commands (luvirt.netutil): matching a domain's
-- NICs with DHCP leases (domifaddr --source lease), virsh's layouts, lease order.
local netutil = require "luvirt.netutil"
local domxml = require "luvirt.domxml"

-- A running domain's live XML with NICs of several kinds, as the qemu driver
-- formats it (target dev filled in at start).
local DOMAIN_XML = [[
<domain type='qemu'>
  <name>web</name>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:AA:00:01'/>
      <source network='default'/>
      <target dev='vnet0'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:aa:00:02'/>
      <source network='lab'/>
      <target dev='vnet1'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:aa:00:03'/>
      <source bridge='br0'/>
      <target dev='vnet2'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:aa:00:04'/>
      <source network='default'/>
      <target dev='vnet3'/>
    </interface>
  </devices>
</domain>
]]

-- The leases two networks report (what net:leases() returns), in lease-file order.
local LEASES = {
    default = {
        { mac = "52:54:00:aa:00:01", ipaddr = "192.168.122.45", prefix = 24, protocol = "ipv4",
          expiry_time = 1700000000, hostname = "web" },
        { mac = "52:54:00:ff:ff:ff", ipaddr = "192.168.122.99", prefix = 24, protocol = "ipv4",
          expiry_time = 1700000000 },
        { mac = "52:54:00:aa:00:01", ipaddr = "fd00::45", prefix = 64, protocol = "ipv6",
          expiry_time = 1700000000 },
        -- the bridge NIC's MAC on a network it is not on: must not match
        { mac = "52:54:00:aa:00:03", ipaddr = "192.168.122.3", prefix = 24, protocol = "ipv4",
          expiry_time = 1700000000 },
    },
    lab = {
        { mac = "52:54:00:AA:00:02", ipaddr = "10.0.0.7", prefix = 8, protocol = "ipv4",
          expiry_time = 0 },
    },
}

describe("netutil.interface_addresses", function()
    local ifaces = domxml.interfaces(DOMAIN_XML)

    it("matches each network NIC's MAC with its own network's leases, case-insensitively", function()
        assert.same({
            { name = "vnet0", mac = "52:54:00:AA:00:01",
              addrs = { { type = "ipv4", addr = "192.168.122.45", prefix = 24 },
                        { type = "ipv6", addr = "fd00::45", prefix = 64 } } },
            { name = "vnet1", mac = "52:54:00:aa:00:02",
              addrs = { { type = "ipv4", addr = "10.0.0.7", prefix = 8 } } },
        }, netutil.interface_addresses(ifaces, LEASES))
    end)

    it("leaves out NICs without a lease and NICs that are not on a network", function()
        local found = netutil.interface_addresses(ifaces, { default = {}, lab = {} })
        assert.same({}, found)
        found = netutil.interface_addresses(ifaces, { default = LEASES.default })
        assert.equals(1, #found)
        assert.equals("vnet0", found[1].name)
    end)

    it("reports only the NIC named (domifaddr --interface), by its host-side name", function()
        local found = netutil.interface_addresses(ifaces, LEASES, "vnet1")
        assert.same({ { name = "vnet1", mac = "52:54:00:aa:00:02",
                        addrs = { { type = "ipv4", addr = "10.0.0.7", prefix = 8 } } } }, found)
        assert.same({}, netutil.interface_addresses(ifaces, LEASES, "vnet2"))
        assert.same({}, netutil.interface_addresses(ifaces, LEASES, "nosuch"))
    end)

    it("names a NIC without a target '-'", function()
        local found = netutil.interface_addresses(
            { { type = "network", source = "lab", mac = "52:54:00:aa:00:02" } }, LEASES)
        assert.equals("-", found[1].name)
    end)

    it("tells ipv6 from ipv4 by the address when the lease does not say", function()
        local found = netutil.interface_addresses(
            { { type = "network", source = "n", mac = "52:54:00:00:00:01", target = "vnet9" } },
            { n = { { mac = "52:54:00:00:00:01", ipaddr = "fe80::1", prefix = 64 } } })
        assert.equals("ipv6", found[1].addrs[1].type)
    end)
end)

describe("netutil.render_addresses", function()
    local found = netutil.interface_addresses(domxml.interfaces(DOMAIN_XML), LEASES)
    local header = " Name       MAC address          Protocol     Address\n"
        .. string.rep("-", 79) .. "\n"

    it("prints virsh domifaddr's layout, the name and MAC once per interface", function()
        assert.equals(header
            .. " vnet0      52:54:00:AA:00:01    ipv4         192.168.122.45/24\n"
            .. " -          -                    ipv6         fd00::45/64\n"
            .. " vnet1      52:54:00:aa:00:02    ipv4         10.0.0.7/8\n",
            netutil.render_addresses(found, false))
    end)

    it("repeats them with full", function()
        assert.equals(header
            .. " vnet0      52:54:00:AA:00:01    ipv4         192.168.122.45/24\n"
            .. " vnet0      52:54:00:AA:00:01    ipv6         fd00::45/64\n"
            .. " vnet1      52:54:00:aa:00:02    ipv4         10.0.0.7/8\n",
            netutil.render_addresses(found, true))
    end)

    it("prints only the header when there is nothing", function()
        assert.equals(header, netutil.render_addresses({}, false))
    end)
end)

describe("netutil leases", function()
    it("sorts by MAC address case-insensitively, as virsh", function()
        local leases = netutil.sort_leases {
            { mac = "52:54:00:bb:00:01", ipaddr = "10.0.0.2" },
            { mac = "52:54:00:AA:00:09", ipaddr = "10.0.0.3" },
            { mac = "52:54:00:aa:00:02", ipaddr = "10.0.0.4" },
        }
        assert.same({ "52:54:00:aa:00:02", "52:54:00:AA:00:09", "52:54:00:bb:00:01" },
            { leases[1].mac, leases[2].mac, leases[3].mac })
    end)

    it("makes virsh net-dhcp-leases' rows, '-' for what is missing", function()
        local rows = netutil.lease_rows {
            { expiry_time = 1700000000, mac = "52:54:00:aa:00:01", protocol = "ipv4",
              ipaddr = "192.168.122.45", prefix = 24, hostname = "web" },
            { expiry_time = 1700000000, mac = "52:54:00:aa:00:02", protocol = "ipv4",
              ipaddr = "192.168.122.46", prefix = 24, clientid = "01:52:54:00:aa:00:02" },
        }
        local when = os.date("%Y-%m-%d %H:%M:%S", 1700000000)
        assert.same({ when, "52:54:00:aa:00:01", "ipv4", "192.168.122.45/24", "web", "-" }, rows[1])
        assert.same({ when, "52:54:00:aa:00:02", "ipv4", "192.168.122.46/24", "-",
                      "01:52:54:00:aa:00:02" }, rows[2])
    end)
end)

describe("netutil.xml_argument", function()
    it("takes an element as it is and reads anything else as a file", function()
        assert.equals("<host mac='52:54:00:00:00:01'/>",
            netutil.xml_argument({}, "<host mac='52:54:00:00:00:01'/>"))
        local path = os.tmpname()
        local f = assert(io.open(path, "w"))
        f:write("<host name='a'/>\n")
        f:close()
        assert.equals("<host name='a'/>\n", netutil.xml_argument({}, path))
        os.remove(path)
    end)
end)
