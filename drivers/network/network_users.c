/* Which running domains use a network: their live XML (from the hypervisor
 * driver of the same connection) has an <interface type='network'> with
 * <source network='NAME'/>, or an <interface type='bridge'> on its bridge. */
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "network/network_run.h"

typedef struct users_call {
    lv_conn *conn;
    char *network, *bridge;
    lv_domain_list *domains;
    size_t next;
    lv_strbuf users;
    size_t nusers;
    lv__net_users_cb cb;
    void *opaque;
} users_call;

static void users_finish(users_call *u, const lv_error *err)
{
    char *users = u->nusers && !err ? lv_strbuf_steal(&u->users) : NULL;
    lv_strbuf_clear(&u->users);
    lv_domain_list_free(u->domains);
    free(u->network);
    free(u->bridge);
    lv__net_users_cb cb = u->cb;
    void *opaque = u->opaque;
    free(u);
    cb(opaque, users, err);
}

static bool def_uses(const lv_domain_def *def, const char *network, const char *bridge)
{
    for (size_t i = 0; i < def->nnets; i++) {
        const lv_net_def *n = &def->nets[i];
        if (!n->type)
            continue;
        if (!strcmp(n->type, "network") && n->source_network && !strcmp(n->source_network, network))
            return true;
        if (!strcmp(n->type, "bridge") && bridge && n->source_bridge &&
            !strcmp(n->source_bridge, bridge))
            return true;
    }
    return false;
}

static void next_domain(users_call *u);

static void got_xml(void *opaque, char *xml, const lv_error *err)
{
    users_call *u = opaque;
    /* A domain that stopped meanwhile uses nothing; one whose XML does not
     * parse is counted as a user: cutting a guest off needs force. */
    lv_domain_def *def = !err && xml ? lv_domain_def_parse_xml(xml, 0, NULL) : NULL;
    bool unreadable = !err && !def;
    free(xml);
    if (unreadable || (def && def_uses(def, u->network, u->bridge))) {
        lv_strbuf_addf(&u->users, "%s'%s'", u->nusers ? ", " : "",
                       u->domains->items[u->next - 1].name);
        u->nusers++;
    }
    lv_domain_def_free(def);
    next_domain(u);
}

static void next_domain(users_call *u)
{
    if (!u->domains || u->next == u->domains->count) {
        users_finish(u, NULL);
        return;
    }
    const lv_domain_info *dom = &u->domains->items[u->next++];
    u->conn->driver->domain->get_xml(u->conn, dom->uuid, 0, got_xml, u);
}

static void got_list(void *opaque, lv_domain_list *list, const lv_error *err)
{
    users_call *u = opaque;
    if (err) {
        users_finish(u, err);
        return;
    }
    u->domains = list;
    next_domain(u);
}

void lv__net_find_users(lv_conn *c, const char *network, const char *bridge, lv__net_users_cb cb,
                        void *opaque)
{
    const lv_domain_driver *dd = c->driver->domain;
    if (!dd || !dd->list || !dd->get_xml) {
        cb(opaque, NULL, NULL);
        return;
    }
    users_call *u = LV_NEW(users_call);
    u->conn = c;
    u->network = lv_strdup(network);
    u->bridge = lv_strdup(bridge);
    lv_strbuf_init(&u->users);
    u->cb = cb;
    u->opaque = opaque;
    dd->list(c, LV_LIST_ACTIVE, got_list, u);
}
