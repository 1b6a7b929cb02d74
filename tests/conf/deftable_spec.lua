-- luvirt.deftable: the table form of a domain definition.
-- busted --lpath='/work/main/scripts/lib/?.lua' tests/conf/deftable_spec.lua
-- With LUVIRT_CONF_FORMAT pointing at the test_domain_conf binary (CTest sets it),
-- the produced XML is also run through the C parser and formatter.
local deftable = require "luvirt.deftable"

local function contains(haystack, needle)
    return haystack:find(needle, 1, true) ~= nil
end

local function assert_contains(haystack, needle)
    if not contains(haystack, needle) then
        error(("expected to find\n  %s\nin\n%s"):format(needle, haystack), 2)
    end
end

local function error_of(fn, ...)
    local ok, err = pcall(fn, ...)
    assert.is_false(ok, "expected an error")
    return tostring(err)
end

-- Runs the C parser on xml: the formatted XML, or nil and the error line.
local function c_format(xml)
    local bin = os.getenv("LUVIRT_CONF_FORMAT")
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write(xml)
    f:close()
    local p = assert(io.popen(("%q --format < %q 2>&1"):format(bin, path)))
    local out = p:read("a")
    local ok = p:close()
    os.remove(path)
    if ok then
        return out
    end
    return nil, out
end

describe("luvirt.deftable.to_xml", function()
    it("writes the example from the Lua API reference", function()
        local xml = deftable.to_xml {
            name = "web", memory = "1 GiB", vcpus = 2,
            disks = { { file = "/var/lib/luvirt/images/web.qcow2", format = "qcow2" } },
            nics = { { network = "default" } },
        }
        assert.are.equal([[
<domain type='qemu'>
  <name>web</name>
  <memory unit='GiB'>1</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type>hvm</type>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/luvirt/images/web.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
]], xml)
    end)

    it("writes the whole example of the brief", function()
        local xml = deftable.to_xml {
            name = "web", memory = "1 GiB", vcpus = 2, type = "qemu",
            os = { kernel = "/boot/vmlinuz", initrd = "/boot/initrd.img", cmdline = "console=ttyS0 root=/dev/vda" },
            disks = { { file = "/x.qcow2", format = "qcow2", target = "vda", bus = "virtio" },
                { file = "/x.iso", device = "cdrom" } },
            nics = { { network = "default" }, { bridge = "br0", mac = "52:54:00:12:34:56" }, { type = "user" } },
            title = "Web", description = "The web server",
            on_poweroff = "destroy", graphics = "vnc", serial = "pty",
        }
        assert_contains(xml, "<kernel>/boot/vmlinuz</kernel>")
        assert_contains(xml, "<initrd>/boot/initrd.img</initrd>")
        assert_contains(xml, "<cmdline>console=ttyS0 root=/dev/vda</cmdline>")
        assert_contains(xml, "<title>Web</title>")
        assert_contains(xml, "<description>The web server</description>")
        assert_contains(xml, "<on_poweroff>destroy</on_poweroff>")
        assert_contains(xml, "<disk type='file' device='cdrom'>")
        assert_contains(xml, "<source file='/x.iso'/>\n      <target dev='sda' bus='sata'/>")
        assert_contains(xml, "<interface type='bridge'>\n      <mac address='52:54:00:12:34:56'/>\n"
            .. "      <source bridge='br0'/>")
        assert_contains(xml, "<interface type='user'>\n      <model type='virtio'/>")
        assert_contains(xml, "<graphics type='vnc'/>")
        assert_contains(xml, "<serial type='pty'/>")
    end)

    it("escapes text and attribute values", function()
        local xml = deftable.to_xml {
            name = "esc", memory = 1024, title = "a & b <c>", description = "it's \"quoted\"",
            disks = { { file = "/images/it's & <odd>.img" } },
        }
        assert_contains(xml, "<title>a &amp; b &lt;c&gt;</title>")
        assert_contains(xml, "<description>it&apos;s &quot;quoted&quot;</description>")
        assert_contains(xml, "<source file='/images/it&apos;s &amp; &lt;odd&gt;.img'/>")
    end)

    it("refuses control characters XML cannot carry, naming the key", function()
        assert.has_error(function() deftable.to_xml { name = "bad\1name", memory = 1024 } end,
                         "deftable: key 'name' contains the control character \\1")
        assert.has_error(function()
            deftable.to_xml { name = "ok", memory = 1024, disks = { { file = "/a\27b" } } }
        end)
        -- tab and newline are fine in a description
        assert_contains(deftable.to_xml { name = "ok", memory = 1024, description = "a\tb\nc" },
                        "<description>a\tb\nc</description>")
    end)

    it("splits memory sizes into value and unit", function()
        assert_contains(deftable.to_xml { name = "m", memory = "1 GiB" }, "<memory unit='GiB'>1</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = "512M" }, "<memory unit='M'>512</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = "2048" }, "<memory>2048</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = 65536 }, "<memory>65536</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = "12 potatoes" },
            "<memory unit='potatoes'>12</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = "lots" }, "<memory>lots</memory>")
        assert_contains(deftable.to_xml { name = "m", memory = "1 GiB", current_memory = "512 MiB" },
            "<currentMemory unit='MiB'>512</currentMemory>")
    end)

    it("gives disks free targets per bus", function()
        local xml = deftable.to_xml {
            name = "d", memory = "1G",
            disks = { { file = "/a" }, { file = "/b", target = "vda" }, { file = "/c" }, { file = "/d.iso", device = "cdrom" },
                { file = "/e", bus = "ide" }, { dev = "/dev/sdz" }, { pool = "default", volume = "v.qcow2" } },
        }
        assert_contains(xml, "<source file='/a'/>\n      <target dev='vdb' bus='virtio'/>")
        assert_contains(xml, "<source file='/b'/>\n      <target dev='vda'/>")
        assert_contains(xml, "<source file='/c'/>\n      <target dev='vdc' bus='virtio'/>")
        assert_contains(xml, "<source file='/d.iso'/>\n      <target dev='sda' bus='sata'/>")
        assert_contains(xml, "<source file='/e'/>\n      <target dev='hda' bus='ide'/>")
        assert_contains(xml, "<disk type='block' device='disk'>\n      <source dev='/dev/sdz'/>")
        assert_contains(xml, "<disk type='volume' device='disk'>\n      <source pool='default' volume='v.qcow2'/>")
    end)

    it("writes the smaller devices", function()
        local xml = deftable.to_xml {
            name = "s", memory = "1G", vcpus = 4, vcpus_current = 2, cpu = "host-passthrough", clock = "localtime",
            os = { boot = { "cdrom", "hd" }, arch = "x86_64", machine = "q35" },
            serial = { type = "unix", path = "/run/s.sock" }, console = "pty", guest_agent = true,
            inputs = { "tablet", { type = "keyboard", bus = "virtio" } },
            graphics = { listen = "127.0.0.1", port = 5901, autoport = false },
            video = "virtio", memballoon = "none", rng = true, features = { "acpi" },
        }
        assert_contains(xml, "<vcpu placement='static' current='2'>4</vcpu>")
        assert_contains(xml, "<type arch='x86_64' machine='q35'>hvm</type>\n    <boot dev='cdrom'/>\n    <boot dev='hd'/>")
        assert_contains(xml, "<features>\n    <acpi/>\n  </features>")
        assert_contains(xml, "<cpu mode='host-passthrough'/>")
        assert_contains(xml, "<clock offset='localtime'/>")
        assert_contains(xml, "<serial type='unix'>\n      <source path='/run/s.sock'/>")
        assert_contains(xml, "<console type='pty'/>")
        assert_contains(xml, "<target type='virtio' name='org.qemu.guest_agent.0'/>")
        assert_contains(xml, "<input type='tablet'/>")
        assert_contains(xml, "<input type='keyboard' bus='virtio'/>")
        assert_contains(xml, "<graphics type='vnc' port='5901' autoport='no' listen='127.0.0.1'/>")
        assert_contains(xml, "<model type='virtio'/>")
        assert_contains(xml, "<memballoon model='none'/>")
        assert_contains(xml, "<backend model='random'>/dev/urandom</backend>")
    end)

    it("writes a cpu model and topology", function()
        local xml = deftable.to_xml { name = "c", memory = "1G", vcpus = 4, cpu = { model = "qemu64", sockets = 2, cores = 2 } }
        assert_contains(xml, "<cpu mode='custom'>\n    <model>qemu64</model>\n"
            .. "    <topology sockets='2' cores='2' threads='1'/>\n  </cpu>")
    end)

    describe("refuses", function()
        it("an unknown top-level key, naming it", function()
            assert.are.equal("deftable: unknown key 'memroy'",
                error_of(deftable.to_xml, { name = "x", memroy = "1G" }))
        end)
        it("an unknown key in a disk, naming the disk", function()
            assert.are.equal("deftable: disks[2]: unknown key 'fromat'",
                error_of(deftable.to_xml, { name = "x", disks = { { file = "/a" }, { file = "/b", fromat = "raw" } } }))
        end)
        it("an unknown key in a nic, os, cpu, graphics, serial", function()
            assert_contains(error_of(deftable.to_xml, { nics = { { netwrk = "default" } } }),
                "nics[1]: unknown key 'netwrk'")
            assert_contains(error_of(deftable.to_xml, { os = { kernal = "/k" } }), "os: unknown key 'kernal'")
            assert_contains(error_of(deftable.to_xml, { cpu = { mdoe = "x" } }), "cpu: unknown key 'mdoe'")
            assert_contains(error_of(deftable.to_xml, { graphics = { prot = 1 } }), "graphics: unknown key 'prot'")
            assert_contains(error_of(deftable.to_xml, { serial = { pth = "/x" } }), "serial: unknown key 'pth'")
        end)
        it("values of the wrong type", function()
            assert_contains(error_of(deftable.to_xml, { name = { "x" } }), "key 'name' must be a string or a number")
            assert_contains(error_of(deftable.to_xml, { disks = "/a.img" }), "key 'disks' must be a list of tables")
            assert_contains(error_of(deftable.to_xml, { disks = { "/a.img" } }), "disks[1] must be a table")
            assert_contains(error_of(deftable.to_xml, { disks = { { file = "/a", readonly = "yes" } } }),
                "key 'readonly' must be a boolean")
            assert_contains(error_of(deftable.to_xml, { memory = true }), "key 'memory' must be a size")
            assert_contains(error_of(deftable.to_xml, { features = { "acpi/><hostdev" } }), "is not a feature name")
            assert_contains(error_of(deftable.to_xml, "<domain/>"), "must be a table")
        end)
    end)

    describe("through the C parser", function()
        local bin = os.getenv("LUVIRT_CONF_FORMAT")
        if not bin or bin == "" then
            pending("LUVIRT_CONF_FORMAT is not set (CTest sets it)")
            return
        end

        it("gives a definition the C parser accepts and formats", function()
            local out, err = c_format(deftable.to_xml {
                name = "web", memory = "1 GiB", vcpus = 2, type = "qemu",
                os = { kernel = "/boot/vmlinuz", initrd = "/boot/initrd.img", cmdline = "console=ttyS0" },
                disks = { { file = "/x.qcow2", format = "qcow2", target = "vda", bus = "virtio" },
                    { file = "/x.iso", device = "cdrom" } },
                nics = { { network = "default" }, { bridge = "br0", mac = "52:54:00:12:34:56" }, { type = "user" } },
                title = "t & t", description = "d", on_poweroff = "destroy", graphics = "vnc", serial = "pty",
                guest_agent = true, inputs = { "tablet" }, video = "virtio", memballoon = "virtio", rng = true,
                cpu = "host-model", clock = "utc",
            })
            assert.is_nil(err)
            assert_contains(out, "<memory unit='KiB'>1048576</memory>")
            assert_contains(out, "<title>t &amp; t</title>")
            assert_contains(out, "<target dev='sda' bus='sata'/>\n      <readonly/>")
            assert_contains(out, "<mac address='52:54:00:12:34:56'/>")
            assert_contains(out, "<graphics type='vnc' port='-1' autoport='yes'>")
        end)

        it("leaves the memory check to the C parser", function()
            local out, err = c_format(deftable.to_xml { name = "p", memory = "12 potatoes" })
            assert.is_nil(out)
            assert_contains(err, "INVALID_ARG: invalid size '12 potatoes' in element <memory>")
        end)

        it("leaves the name check to the C parser", function()
            local out, err = c_format(deftable.to_xml { name = "a/b", memory = "1 GiB" })
            assert.is_nil(out)
            assert_contains(err, "invalid domain name 'a/b'")
        end)
    end)
end)
