/* Filling a test driver state: the preloaded content of test:///default, and
 * libvirt-style test driver files (test:///ABS/PATH.xml):
 *
 *   <node>
 *     <cpu><mhz>..</mhz><model>..</model><nodes/><sockets/><cores/><threads/><active/></cpu>
 *     <memory>KiB</memory>
 *     <domain type='test'>...</domain>      or   <domain file='relative/or/absolute.xml'/>
 *     <network>...</network>                or   <network file='...'/>
 *     <pool type='dir'>...</pool>           or   <pool file='...'/>
 *   </node>
 *
 * A domain may carry, in the namespace http://libvirt.org/schemas/domain/test/1.0,
 * <test:runstate>N</test:runstate> (an lv_domain_state number; default running)
 * and <test:transient/>, as libvirt's test driver reads them. */
#include "test_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/alloc.h"
#include "core/files.h"

#define TEST_NS "http://libvirt.org/schemas/domain/test/1.0"

/* What `virsh -c test:///default nodeinfo` prints. */
static const lv_node_info default_node = {
    .model = "i686",
    .memory_kib = 3145728,
    .cpus = 16,
    .mhz = 1400,
    .nodes = 2,
    .sockets = 2,
    .cores = 2,
    .threads = 2,
};

/* clang-format off */
static const char default_domain_xml[] =
    "<domain type='test'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory unit='KiB'>8388608</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='i686'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <target dev='testnet0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

static const char default_network_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static const char default_pool_xml[] =
    "<pool type='dir'>\n"
    "  <name>default-pool</name>\n"
    "  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
    "  <capacity unit='bytes'>107374182400</capacity>\n"
    "  <allocation unit='bytes'>0</allocation>\n"
    "  <available unit='bytes'>107374182400</available>\n"
    "  <source>\n"
    "  </source>\n"
    "  <target>\n"
    "    <path>/default-pool</path>\n"
    "  </target>\n"
    "</pool>\n";
/* clang-format on */

/* ---- helpers ------------------------------------------------------------ */

static bool is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool in_test_ns(const xmlNode *n)
{
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, TEST_NS) == 0;
}

/* Parses a document without touching the network or expanding entities; a
 * failure names where (label) and what. */
static xmlDoc *read_xml(const char *text, const char *label, lv_error *err)
{
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        lv_error_set(err, LV_ERR_NO_MEMORY, "%s: cannot create an XML parser", label);
        return NULL;
    }
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, text, (int)strlen(text), NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e && e->message) {
            size_t len = strlen(e->message);
            while (len > 0 && (e->message[len - 1] == '\n' || e->message[len - 1] == ' '))
                len--;
            lv_error_set(err, LV_ERR_XML, "%s: malformed XML at line %d: %.*s", label, e->line,
                         (int)len, e->message);
        } else {
            lv_error_set(err, LV_ERR_XML, "%s: malformed XML", label);
        }
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* The element as a standalone document text, namespaces it uses declared. */
static char *dump_element(xmlNode *el)
{
    xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *copy = xmlDocCopyNode(el, doc, 1);
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    xmlBuffer *buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, copy, 0, 0);
    char *text = lv_asprintf("%s\n", (const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return text;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The text content of an element, trimmed. */
static char *elem_text(xmlNode *el)
{
    xmlChar *raw = xmlNodeGetContent(el);
    const char *s = raw ? (const char *)raw : "";
    while (is_space(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_space(s[len - 1]))
        len--;
    char *out = lv_strndup(s, len);
    xmlFree(raw);
    return out;
}

/* Text of the first child element called name, trimmed; NULL when none. */
static char *child_text(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent->children; c; c = c->next)
        if (is_elem(c, name) && !in_test_ns(c))
            return elem_text(c);
    return NULL;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* The directory part of an absolute path, with its trailing '/'. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return lv_strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
}

/* Loads <kind file='...'/> from dir: the document's root must be <kind>. */
static xmlDoc *read_included(const char *dir, const char *file, const char *kind, lv_error *err)
{
    char *path = file[0] == '/' ? lv_strdup(file) : lv_asprintf("%s%s", dir, file);
    char *text = NULL;
    size_t len = 0;
    xmlDoc *doc = NULL;
    if (lv_file_read_all(path, &text, &len, err) < 0)
        goto out;
    doc = read_xml(text, path, err);
    if (doc && !is_elem(xmlDocGetRootElement(doc), kind)) {
        lv_error_set(err, LV_ERR_XML, "%s: expected a <%s> document, found <%s>", path, kind,
                     (const char *)xmlDocGetRootElement(doc)->name);
        xmlFreeDoc(doc);
        doc = NULL;
    }
out:
    free(text);
    free(path);
    return doc;
}

/* ---- domains ------------------------------------------------------------ */

/* Adds the parsed def in the given run state. Takes ownership of def. */
static int add_domain(lv__test_state *st, lv_domain_def *def, lv_domain_state runstate,
                      bool transient, const char *label, lv_error *err)
{
    char uuidstr[LV_UUID_STRING_LEN];
    lv__test_dom *other = lv__test_find_name(st, def->name);
    if (other) {
        lv_uuid_format(lv__test_dom_def(other)->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "%s: domain '%s' already exists with uuid %s", label,
                     def->name, uuidstr);
        lv_domain_def_free(def);
        return -1;
    }
    other = lv__test_find_uuid(st, def->uuid);
    if (other) {
        lv_uuid_format(def->uuid, uuidstr);
        lv_error_set(err, LV_ERR_DUPLICATE, "%s: uuid %s is already used by domain '%s'", label,
                     uuidstr, lv__test_dom_def(other)->name);
        lv_domain_def_free(def);
        return -1;
    }
    if (transient && runstate == LV_DOMAIN_SHUTOFF) {
        lv_error_set(err, LV_ERR_XML, "%s: domain '%s': a transient domain cannot be shut off",
                     label, def->name);
        lv_domain_def_free(def);
        return -1;
    }
    lv__test_dom *d = LV_NEW(lv__test_dom);
    d->id = -1;
    d->state = LV_DOMAIN_SHUTOFF;
    d->reason = LV_SHUTOFF_UNKNOWN;
    if (transient)
        d->live_def = def;
    else
        d->persistent_def = def;
    /* As libvirt's test driver: everything that is not shut off was booted,
     * and then put in its run state with reason "unknown". */
    if (runstate != LV_DOMAIN_SHUTOFF) {
        lv__test_dom_begin(st, d, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
        lv__test_dom_set_state(d, runstate, 0);
    }
    lv__test_add_dom(st, d);
    return 0;
}

/* Reads and removes the test: elements of a <domain>. */
static int take_test_elements(xmlNode *dom, lv_domain_state *runstate, bool *transient,
                              const char *label, lv_error *err)
{
    xmlNode *next;
    for (xmlNode *c = dom->children; c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE || !in_test_ns(c))
            continue;
        if (strcmp((const char *)c->name, "runstate") == 0) {
            char *s = elem_text(c);
            uint64_t v;
            if (parse_u64(s, &v) < 0 || v == LV_DOMAIN_NOSTATE || v >= LV_DOMAIN_STATE__COUNT) {
                lv_error_set(err, LV_ERR_XML, "%s: invalid <test:runstate> '%s'", label, s);
                free(s);
                return -1;
            }
            free(s);
            *runstate = (lv_domain_state)v;
        } else if (strcmp((const char *)c->name, "transient") == 0) {
            *transient = true;
        } else {
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "%s: unsupported test driver element <test:%s>", label,
                                (const char *)c->name);
        }
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    /* Drop the now unused declaration of the test namespace. */
    for (xmlNs **p = &dom->nsDef; *p;) {
        if ((*p)->href && strcmp((const char *)(*p)->href, TEST_NS) == 0) {
            xmlNs *ns = *p;
            *p = ns->next;
            ns->next = NULL;
            xmlFreeNs(ns);
        } else {
            p = &(*p)->next;
        }
    }
    return 0;
}

static int load_domain(lv__test_state *st, xmlNode *el, const char *dir, const char *path,
                       unsigned index, lv_error *err)
{
    xmlDoc *inc = NULL;
    char *label = NULL;
    int ret = -1;
    xmlChar *file = xmlGetProp(el, BAD_CAST "file");
    if (file) {
        inc = read_included(dir, (const char *)file, "domain", err);
        if (!inc)
            goto out;
        el = xmlDocGetRootElement(inc);
        label = lv_asprintf("%s: domain file '%s'", path, (const char *)file);
    } else {
        label = lv_asprintf("%s: domain #%u", path, index);
    }
    lv_domain_state runstate = LV_DOMAIN_RUNNING;
    bool transient = false;
    if (take_test_elements(el, &runstate, &transient, label, err) < 0)
        goto out;
    lv_error perr = {0};
    lv_domain_def *def = lv_domain_def_parse_node(el, LV_DOMAIN_PARSE_GENERATE, &perr);
    if (!def) {
        lv_error_set(err, perr.code ? perr.code : LV_ERR_XML, "%s: %s", label, perr.message);
        goto out;
    }
    ret = add_domain(st, def, runstate, transient, label, err);
out:
    free(label);
    xmlFree(file);
    xmlFreeDoc(inc);
    return ret;
}

/* ---- networks and pools -------------------------------------------------- */

static int add_obj(lv__test_obj **objs, size_t *n, const char *kind, const char *label, char *name,
                   char *xml, lv_error *err)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*objs)[i].name, name) == 0) {
            lv_error_set(err, LV_ERR_DUPLICATE, "%s: %s '%s' already exists", label, kind, name);
            free(name);
            free(xml);
            return -1;
        }
    }
    *objs = lv_realloc(*objs, (*n + 1) * sizeof(**objs));
    (*objs)[*n] = (lv__test_obj){.name = name, .xml = xml, .active = true};
    (*n)++;
    return 0;
}

static int load_obj(lv__test_state *st, xmlNode *el, const char *dir, const char *path,
                    unsigned index, lv_error *err)
{
    const char *kind = (const char *)el->name; /* "network" or "pool" */
    bool is_net = strcmp(kind, "network") == 0;
    xmlDoc *inc = NULL;
    char *label = NULL;
    int ret = -1;
    xmlChar *file = xmlGetProp(el, BAD_CAST "file");
    if (file) {
        inc = read_included(dir, (const char *)file, kind, err);
        if (!inc)
            goto out;
        el = xmlDocGetRootElement(inc);
        label = lv_asprintf("%s: %s file '%s'", path, kind, (const char *)file);
    } else {
        label = lv_asprintf("%s: %s #%u", path, kind, index);
    }
    char *name = child_text(el, "name");
    if (!name || !*name) {
        lv_error_set(err, LV_ERR_XML, "%s: missing <name>", label);
        free(name);
        goto out;
    }
    if (is_net)
        ret = add_obj(&st->nets, &st->nnets, kind, label, name, dump_element(el), err);
    else
        ret = add_obj(&st->pools, &st->npools, kind, label, name, dump_element(el), err);
out:
    free(label);
    xmlFree(file);
    xmlFreeDoc(inc);
    return ret;
}

/* ---- <node> ------------------------------------------------------------- */

static int load_cpu(lv_node_info *node, const xmlNode *cpu, const char *path, lv_error *err)
{
    static const char *const fields[] = {"mhz", "nodes", "sockets", "cores", "threads", "active"};
    unsigned int *targets[] = {&node->mhz,   &node->nodes,   &node->sockets,
                               &node->cores, &node->threads, &node->cpus};
    bool have_active = false;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char *s = child_text(cpu, fields[i]);
        if (!s)
            continue;
        uint64_t v;
        if (parse_u64(s, &v) < 0 || v == 0 || v > UINT_MAX) {
            lv_error_set(err, LV_ERR_XML, "%s: invalid <cpu><%s> '%s'", path, fields[i], s);
            free(s);
            return -1;
        }
        free(s);
        *targets[i] = (unsigned int)v;
        if (i == 5)
            have_active = true;
    }
    if (!have_active)
        node->cpus = node->nodes * node->sockets * node->cores * node->threads;
    char *model = child_text(cpu, "model");
    if (model) {
        if (!*model || strlen(model) >= sizeof(node->model)) {
            lv_error_set(err, LV_ERR_XML, "%s: invalid <cpu><model> '%s'", path, model);
            free(model);
            return -1;
        }
        strcpy(node->model, model);
        free(model);
    }
    return 0;
}

int lv__test_load_file(lv__test_state *st, const char *path, lv_error *err)
{
    char *text = NULL;
    size_t len = 0;
    xmlDoc *doc = NULL;
    char *dir = NULL;
    int ret = -1;
    lv_error rerr = {0};
    if (lv_file_read_all(path, &text, &len, &rerr) < 0) {
        /* Say which URI it was: test:///defualt is most likely a typo. */
        lv_error_set(err, rerr.code, "cannot open 'test://%s': %s", path, rerr.message);
        if (err)
            err->sys_errno = rerr.sys_errno;
        return -1;
    }
    doc = read_xml(text, path, err);
    if (!doc)
        goto out;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "node")) {
        lv_error_set(err, LV_ERR_XML, "%s: expected a test driver <node> document, found <%s>",
                     path, (const char *)root->name);
        goto out;
    }
    st->node = default_node;
    dir = dir_of(path);
    unsigned ndom = 0, nnet = 0, npool = 0;
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int r = 0;
        if (is_elem(c, "cpu")) {
            r = load_cpu(&st->node, c, path, err);
        } else if (is_elem(c, "memory")) {
            char *s = elem_text(c);
            uint64_t v;
            if (parse_u64(s, &v) < 0 || v == 0)
                r = lv_error_set(err, LV_ERR_XML, "%s: invalid <memory> '%s' (KiB)", path, s);
            else
                st->node.memory_kib = v;
            free(s);
        } else if (is_elem(c, "domain")) {
            r = load_domain(st, c, dir, path, ++ndom, err);
        } else if (is_elem(c, "network")) {
            r = load_obj(st, c, dir, path, ++nnet, err);
        } else if (is_elem(c, "pool")) {
            r = load_obj(st, c, dir, path, ++npool, err);
        } else if (is_elem(c, "interface") || is_elem(c, "device") || is_elem(c, "nwfilter") ||
                   is_elem(c, "secret")) {
            /* libvirt test driver objects luvirt has no API for: ignored. */
        } else {
            r = lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                             "%s: unsupported element <%s> in <node>", path, (const char *)c->name);
        }
        if (r < 0)
            goto out;
    }
    ret = 0;
out:
    free(dir);
    xmlFreeDoc(doc);
    free(text);
    return ret;
}

int lv__test_load_default(lv__test_state *st, lv_error *err)
{
    st->node = default_node;
    lv_error perr = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(default_domain_xml, 0, &perr);
    if (!def)
        return lv_error_set(err, LV_ERR_INTERNAL, "test:///default: the preloaded domain: %s",
                            perr.message);
    if (add_domain(st, def, LV_DOMAIN_RUNNING, false, "test:///default", err) < 0)
        return -1;
    if (add_obj(&st->nets, &st->nnets, "network", "test:///default", lv_strdup("default"),
                lv_strdup(default_network_xml), err) < 0)
        return -1;
    return add_obj(&st->pools, &st->npools, "pool", "test:///default", lv_strdup("default-pool"),
                   lv_strdup(default_pool_xml), err);
}
