/* Guest NICs, the shell's side of a start: the TAP devices qemu gets as file
 * descriptors (see lv__qemu_prepare_nets in qemu_run.h for the contract).
 *
 * Stub: no interface gets a TAP yet, so type='network' and type='bridge' fail
 * in the argv builder as before ("needs a TAP device, and the driver gave
 * none"); type='user' needs no fd. The network part fills this in. */
#include "qemu_run.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"

int lv__qemu_prepare_nets(lv__qemu_state *st, lv_domain_def *def, int **fds, size_t *nfds,
                          lv_error *err)
{
    (void)st;
    (void)err;
    *fds = NULL;
    *nfds = def->nnets;
    if (def->nnets == 0)
        return 0;
    *fds = lv_malloc0(def->nnets * sizeof(int));
    for (size_t i = 0; i < def->nnets; i++)
        (*fds)[i] = -1;
    return 0;
}

void lv__qemu_release_nets(int *fds, size_t nfds)
{
    for (size_t i = 0; fds && i < nfds; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}
