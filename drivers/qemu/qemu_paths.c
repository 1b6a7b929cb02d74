/* The three scopes of the qemu driver and where each keeps its files:
 *   qemu:///system           /etc/luvirt/qemu, /run/luvirt/qemu, /var/lib/luvirt,
 *                            /var/log/luvirt/qemu (root only)
 *   qemu:///session          $XDG_CONFIG_HOME/luvirt/qemu, $XDG_RUNTIME_DIR/luvirt/qemu,
 *                            $XDG_DATA_HOME/luvirt/images, $XDG_CACHE_HOME/luvirt/qemu/log
 *   qemu:///embed?root=DIR   DIR/config, DIR/run, DIR/images, DIR/log
 * Storage pools and networks live beside: see lv__qemu_scope_dirs. */
#include "qemu_priv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"

char *lv__qemu_path(const char *dir, const char *name, const char *suffix)
{
    return lv_asprintf("%s/%s%s", dir, name, suffix);
}

void lv__qemu_paths_clear(lv__qemu_paths *p)
{
    free(p->config);
    free(p->autostart);
    free(p->run);
    free(p->images);
    free(p->log);
    memset(p, 0, sizeof(*p));
}

/* $VAR when set and absolute, else $HOME/fallback. */
static char *xdg_dir(const char *var, const char *fallback, lv_error *err)
{
    const char *v = getenv(var);
    if (v && v[0] == '/')
        return lv_strdup(v);
    const char *home = getenv("HOME");
    if (!home || home[0] != '/') {
        lv_error_set(err, LV_ERR_NO_CONNECT,
                     "cannot open qemu:///session: neither $%s nor $HOME is set", var);
        return NULL;
    }
    return lv_asprintf("%s/%s", home, fallback);
}

int lv__qemu_paths_init(lv__qemu_paths *p, const lv_uri *uri, lv_error *err)
{
    memset(p, 0, sizeof(*p));
    const char *path = uri->path ? uri->path : "";
    const char *uristr = uri->original ? uri->original : "qemu://";
    for (size_t i = 0; i < uri->nparams; i++) {
        if (strcmp(path, "/embed") == 0 && strcmp(uri->params[i].name, "root") == 0)
            continue;
        return lv_error_set(err, LV_ERR_NO_CONNECT, "unsupported parameter '%s' in URI '%s'",
                            uri->params[i].name, uristr);
    }
    if (strcmp(path, "/system") == 0) {
        if (geteuid() != 0)
            return lv_error_set(err, LV_ERR_NO_CONNECT,
                                "cannot open '%s': qemu:///system needs root (use "
                                "qemu:///session for your own guests)",
                                uristr);
        p->config = lv_strdup("/etc/luvirt/qemu");
        p->run = lv_strdup("/run/luvirt/qemu");
        p->images = lv_strdup("/var/lib/luvirt/images");
        p->log = lv_strdup("/var/log/luvirt/qemu");
        p->privileged = true;
    } else if (strcmp(path, "/session") == 0) {
        char *cfg = xdg_dir("XDG_CONFIG_HOME", ".config", err);
        char *data = cfg ? xdg_dir("XDG_DATA_HOME", ".local/share", err) : NULL;
        char *cache = data ? xdg_dir("XDG_CACHE_HOME", ".cache", err) : NULL;
        if (!cache) {
            free(cfg);
            free(data);
            return -1;
        }
        const char *rt = getenv("XDG_RUNTIME_DIR");
        p->config = lv_asprintf("%s/luvirt/qemu", cfg);
        p->images = lv_asprintf("%s/luvirt/images", data);
        p->log = lv_asprintf("%s/luvirt/qemu/log", cache);
        if (rt && rt[0] == '/')
            p->run = lv_asprintf("%s/luvirt/qemu", rt);
        else
            p->run = lv_asprintf("%s/luvirt/qemu/run", cache);
        free(cfg);
        free(data);
        free(cache);
    } else if (strcmp(path, "/embed") == 0) {
        const char *root = lv_uri_param_get(uri, "root");
        if (!root || root[0] != '/')
            return lv_error_set(err, LV_ERR_NO_CONNECT,
                                "cannot open '%s': qemu:///embed needs root=ABSOLUTE_DIR", uristr);
        size_t n = strlen(root);
        while (n > 1 && root[n - 1] == '/')
            n--;
        char *r = lv_strndup(root, n);
        p->config = lv_asprintf("%s/config", r);
        p->run = lv_asprintf("%s/run", r);
        p->images = lv_asprintf("%s/images", r);
        p->log = lv_asprintf("%s/log", r);
        free(r);
    } else {
        return lv_error_set(err, LV_ERR_NO_CONNECT,
                            "cannot open '%s': the qemu driver serves qemu:///system, "
                            "qemu:///session and qemu:///embed?root=DIR",
                            uristr);
    }
    p->autostart = lv_asprintf("%s/autostart", p->config);
    return 0;
}

int lv__qemu_paths_ensure(const lv__qemu_paths *p, lv_error *err)
{
    mode_t mode = p->privileged ? 0755 : 0700;
    if (lv_mkdir_p(p->config, mode, err) < 0 || lv_mkdir_p(p->autostart, mode, err) < 0 ||
        lv_mkdir_p(p->run, 0700, err) < 0 || lv_mkdir_p(p->log, 0700, err) < 0)
        return -1;
    return 0;
}

/* Beside the qemu folders: /etc/luvirt/{storage,network} and
 * /run/luvirt/{storage,network} for system, the same under the session's
 * luvirt folders, DIR/{storage,network} and DIR/run/{storage,network} for an
 * embedded root. The default pool is the scope's images folder. */
void lv__qemu_scope_dirs(const lv__qemu_paths *p, lv_scope_dirs *out)
{
    char *cfg = lv_strdup(p->config), *run = lv_strdup(p->run);
    char *slash = strrchr(cfg, '/');
    if (slash && strcmp(slash, "/qemu") == 0)
        *slash = '\0'; /* system and session: .../luvirt/qemu -> .../luvirt */
    slash = strrchr(run, '/');
    if (slash && strcmp(slash, "/qemu") == 0)
        *slash = '\0';
    if (strcmp(cfg, p->config) != 0) {
        out->storage_config = lv_asprintf("%s/storage", cfg);
        out->network_config = lv_asprintf("%s/network", cfg);
    } else { /* embed: DIR/config -> DIR */
        slash = strrchr(cfg, '/');
        if (slash && slash != cfg)
            *slash = '\0';
        out->storage_config = lv_asprintf("%s/storage", cfg);
        out->network_config = lv_asprintf("%s/network", cfg);
    }
    out->storage_run = lv_asprintf("%s/storage", run);
    out->network_run = lv_asprintf("%s/network", run);
    out->images = lv_strdup(p->images);
    out->privileged = p->privileged;
    free(cfg);
    free(run);
}
