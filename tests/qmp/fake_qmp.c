#include "fake_qmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void fake_fail(fake *f, const char *fmt, ...)
{
    if (f->failure[0])
        return; /* keep the first */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->failure, sizeof(f->failure), fmt, ap);
    va_end(ap);
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    f->script(f);
    return NULL;
}

void fake_start(fake *f, fake_script script, void *data)
{
    memset(f, 0, sizeof(*f));
    f->cfd = -1;
    f->script = script;
    f->data = data;
    snprintf(f->dir, sizeof(f->dir), "/tmp/lvqmp-XXXXXX");
    if (!mkdtemp(f->dir))
        abort();
    snprintf(f->path, sizeof(f->path), "%s/qmp.sock", f->dir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
    f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(f->lfd, 4) < 0)
        abort();
    if (pthread_create(&f->thread, NULL, fake_main, f) != 0)
        abort();
}

int fake_start_pair(fake *f, fake_script script, void *data)
{
    memset(f, 0, sizeof(*f));
    f->lfd = -1;
    f->script = script;
    f->data = data;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    f->cfd = sv[0];
    if (pthread_create(&f->thread, NULL, fake_main, f) != 0)
        abort();
    return sv[1];
}

void fake_join(fake *f)
{
    pthread_join(f->thread, NULL);
    if (f->cfd >= 0)
        close(f->cfd);
    if (f->lfd >= 0)
        close(f->lfd);
    if (f->path[0])
        unlink(f->path);
    if (f->dir[0])
        rmdir(f->dir);
    free(f->in);
    f->in = NULL;
}

bool fake_accept(fake *f)
{
    if (f->cfd >= 0)
        return true; /* socketpair */
    f->cfd = accept(f->lfd, NULL, NULL);
    if (f->cfd < 0) {
        fake_fail(f, "accept: %s", strerror(errno));
        return false;
    }
    return true;
}

bool fake_send(fake *f, const char *text)
{
    return fake_sendn(f, text, strlen(text));
}

bool fake_sendn(fake *f, const char *text, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(f->cfd, text + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fake_fail(f, "send: %s", strerror(errno));
            return false;
        }
        off += (size_t)n;
    }
    return true;
}

bool fake_sendf(fake *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        abort();
    bool ok = fake_send(f, s);
    free(s);
    return ok;
}

bool fake_greet(fake *f)
{
    return fake_send(f, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 3, \"minor\": 2, "
                        "\"major\": 7}, \"package\": \"fake-pkg\"}, \"capabilities\": "
                        "[\"oob\"]}}\r\n");
}

/* Fills f->in with at least one more byte; false at EOF. */
static bool fill(fake *f)
{
    char buf[65536];
    for (;;) {
        ssize_t n = recv(f->cfd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        f->in = realloc(f->in, f->inlen + (size_t)n);
        memcpy(f->in + f->inlen, buf, (size_t)n);
        f->inlen += (size_t)n;
        return true;
    }
}

/* The client sends JSON objects back to back, with no line ends. */
json_object *fake_recv(fake *f)
{
    for (;;) {
        if (f->inlen) {
            json_tokener *tok = json_tokener_new();
            json_object *obj = json_tokener_parse_ex(tok, f->in, (int)f->inlen);
            enum json_tokener_error jerr = json_tokener_get_error(tok);
            size_t end = json_tokener_get_parse_end(tok);
            json_tokener_free(tok);
            if (jerr == json_tokener_success) {
                memmove(f->in, f->in + end, f->inlen - end);
                f->inlen -= end;
                if (!json_object_is_type(obj, json_type_object)) {
                    fake_fail(f, "the client sent JSON that is not an object");
                    json_object_put(obj);
                    return NULL;
                }
                return obj;
            }
            if (jerr != json_tokener_continue) {
                fake_fail(f, "the client sent bytes that are not JSON: %.*s", (int)f->inlen, f->in);
                return NULL;
            }
        }
        if (!fill(f)) {
            fake_fail(f, "the client closed while the server waited for a request");
            return NULL;
        }
    }
}

const char *fake_expect(fake *f, json_object *req, const char *name)
{
    json_object *v, *id;
    if (!req)
        return NULL;
    if (!json_object_object_get_ex(req, "execute", &v) ||
        strcmp(json_object_get_string(v), name) != 0) {
        fake_fail(f, "expected '%s', got %s", name, json_object_to_json_string(req));
        return NULL;
    }
    if (!json_object_object_get_ex(req, "id", &id)) {
        fake_fail(f, "request without an id: %s", json_object_to_json_string(req));
        return NULL;
    }
    return json_object_to_json_string(id);
}

bool fake_reply(fake *f, json_object *req, const char *ret_json)
{
    json_object *id;
    if (!req || !json_object_object_get_ex(req, "id", &id)) {
        fake_fail(f, "cannot reply to a request without an id");
        return false;
    }
    return fake_sendf(f, "{\"return\": %s, \"id\": %s}\r\n", ret_json,
                      json_object_to_json_string(id));
}

bool fake_handshake(fake *f)
{
    if (!fake_accept(f) || !fake_greet(f))
        return false;
    json_object *req = fake_recv(f);
    bool ok = fake_expect(f, req, "qmp_capabilities") && fake_reply(f, req, "{}");
    json_object_put(req);
    return ok;
}

bool fake_wait_eof(fake *f)
{
    while (f->inlen == 0) {
        if (!fill(f))
            return true;
    }
    fake_fail(f, "expected the client to close, it sent: %.*s", (int)f->inlen, f->in);
    return false;
}

void fake_hangup(fake *f)
{
    if (f->cfd >= 0)
        close(f->cfd);
    f->cfd = -1;
}
