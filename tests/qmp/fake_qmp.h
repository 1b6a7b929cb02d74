/* A scripted fake QMP server for the QMP client's tests. The script runs in its
 * own thread on plain blocking sockets, so the client's loop in the test thread
 * sees a real peer: partial reads, several messages in one read, a socket that
 * closes. A script never asserts (cmocka is not thread-safe): the first failure
 * is recorded and the test checks it after fake_join. */
#ifndef LV_TEST_FAKE_QMP_H
#define LV_TEST_FAKE_QMP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

typedef struct fake fake;
typedef void (*fake_script)(fake *f);

struct fake {
    char dir[64];
    char path[128];
    int lfd; /* listening socket, or -1 (socketpair mode) */
    int cfd; /* the client's connection */
    pthread_t thread;
    fake_script script;
    void *data; /* for the script */
    char *in;   /* bytes read and not yet used */
    size_t inlen;
    char failure[512];
};

/* Listens on a fresh socket path (f->path) and runs script once a client comes. */
void fake_start(fake *f, fake_script script, void *data);
/* The same over a socketpair: returns the client's end (f->cfd is the server's). */
int fake_start_pair(fake *f, fake_script script, void *data);
/* Waits for the script to end; closes everything and removes the socket. */
void fake_join(fake *f);

/* For scripts. Each returns false (and records why) on failure. */
void fake_fail(fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool fake_accept(fake *f);
bool fake_send(fake *f, const char *text); /* as is */
bool fake_sendn(fake *f, const char *data, size_t len);
bool fake_sendf(fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool fake_greet(fake *f);
/* Reads the next request (a JSON object); NULL at EOF or on failure. */
json_object *fake_recv(fake *f);
/* The request's "execute" must be name; returns its id's text ("7"), or NULL. */
const char *fake_expect(fake *f, json_object *req, const char *name);
/* Accept, greet, answer qmp_capabilities. */
bool fake_handshake(fake *f);
/* {"return": ret_json, "id": <req's id>} */
bool fake_reply(fake *f, json_object *req, const char *ret_json);
/* Reads until the client closes; anything it still sends is a failure. */
bool fake_wait_eof(fake *f);
void fake_hangup(fake *f);

#endif
