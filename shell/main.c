/* luvirt: the program. Creates the loop and the lua_State, installs the
 * runtime, loads luvirt.cli and runs cli.main(argv) as a task; opens the REPL
 * when cli.main asks for it. See docs/internal/contracts.md. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "shell.h"

#ifndef LUVIRT_DATADIR
#define LUVIRT_DATADIR "/usr/local/share/luvirt"
#endif

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where commands/ and lib/ live: $LUVIRT_DATADIR, then ../share/luvirt next to
 * the binary (an install under any prefix, or the build tree, which links
 * build/share/luvirt to scripts/), then the compiled-in directory. */
static const char *find_datadir(char *buf, size_t size)
{
    const char *env = getenv("LUVIRT_DATADIR");
    if (env && *env)
        return env;

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char rel[PATH_MAX + 32];
            snprintf(rel, sizeof(rel), "%s/../share/luvirt", exe);
            char real[PATH_MAX];
            if (realpath(rel, real) && is_dir(real) && strlen(real) < size) {
                memcpy(buf, real, strlen(real) + 1);
                return buf;
            }
        }
    }
    return LUVIRT_DATADIR;
}

/* cli.main's result -> exit code; -1 means "open the REPL". */
static int main_result(lv_shell *sh, const lv_job *job)
{
    lua_State *L = sh->L;
    int code = LV_EXIT_OK;
    lv_job_push_value(sh, job);
    switch (lua_type(L, -1)) {
    case LUA_TNIL:
        break;
    case LUA_TBOOLEAN:
        code = lua_toboolean(L, -1) ? LV_EXIT_OK : LV_EXIT_FAILED;
        break;
    case LUA_TNUMBER: {
        lua_Number v = lua_tonumber(L, -1);
        code = v >= 0 && v <= 255 ? (int)v : LV_EXIT_FAILED;
        break;
    }
    case LUA_TSTRING:
        if (strcmp(lua_tostring(L, -1), "repl") == 0) {
            code = -1;
            break;
        }
        /* fall through */
    default:
        fprintf(stderr, "error: luvirt.cli.main returned a %s\n", luaL_typename(L, -1));
        code = LV_EXIT_FAILED;
        break;
    }
    lua_pop(L, 1);
    return code;
}

static int run_main(lv_shell *sh, int argc, char **argv)
{
    lua_State *L = sh->L;
    if (!lv_shell_push_cli(sh, "main")) {
        fprintf(stderr, "error: luvirt.cli has no function main\n");
        return LV_EXIT_FAILED;
    }
    /* stack: main argv */
    lua_createtable(L, argc > 1 ? argc - 1 : 0, 0);
    for (int i = 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i);
    }
    lv_job job;
    lv_job_start(sh, &job, 1, true, true);
    if (!lv_job_wait(sh, &job)) {
        fprintf(stderr, "error: internal: the command waits on nothing\n");
        lv_job_clear(sh, &job);
        return LV_EXIT_FAILED;
    }
    int code;
    if (!job.ok) {
        lv_job_report(sh, &job);
        code = job.interrupted ? LV_EXIT_INTERRUPTED : LV_EXIT_FAILED;
    } else {
        code = main_result(sh, &job);
        if (code == LV_EXIT_FAILED && job.interrupted)
            code = LV_EXIT_INTERRUPTED;
    }
    lv_job_clear(sh, &job);
    if (code == -1)
        code = lv_repl_run(sh);
    return code;
}

static int load_cli(lv_shell *sh)
{
    lua_State *L = sh->L;
    lua_getglobal(L, "require");
    lua_pushliteral(L, "luvirt.cli");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        fprintf(stderr, "error: cannot load luvirt.cli: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    if (!lua_istable(L, -1)) {
        fprintf(stderr, "error: luvirt.cli is a %s, not a module table\n", luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    sh->cli_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static void report_leftover(uv_handle_t *handle, void *arg)
{
    (void)arg;
    fprintf(stderr, "luvirt: debug: handle %s still open at exit%s\n",
            uv_handle_type_name(uv_handle_get_type(handle)),
            uv_is_active(handle) ? " (active)" : "");
}

int main(int argc, char **argv)
{
    static lv_shell shell; /* static: a late callback never sees a dead frame */
    lv_shell *sh = &shell;
    sh->cli_ref = LUA_NOREF;
    sh->start_ref = LUA_NOREF;
    int code = LV_EXIT_FAILED;

    int rc = uv_loop_init(&sh->loop);
    if (rc < 0) {
        fprintf(stderr, "error: cannot create the event loop: %s\n", uv_strerror(rc));
        return LV_EXIT_FAILED;
    }
    sh->L = luaL_newstate();
    if (!sh->L) {
        fprintf(stderr, "error: cannot create the Lua state: out of memory\n");
        uv_loop_close(&sh->loop);
        return LV_EXIT_FAILED;
    }
    lua_State *L = sh->L;
    luaL_openlibs(L);

    char datadir[PATH_MAX];
    bool runtime_up = false;
    if (lv_runtime_init(L, &sh->loop, find_datadir(datadir, sizeof(datadir))) < 0) {
        fprintf(stderr, "error: cannot start the luvirt runtime: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        goto out;
    }
    runtime_up = true;
    if (lv_shell_signals_init(sh) < 0) {
        fprintf(stderr, "error: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        goto out;
    }
    /* After a Ctrl-C the terminal shows "^C": end that line before the error. */
    lv_shell_set_interrupt_newline(isatty(STDERR_FILENO));
    if (load_cli(sh) < 0)
        goto out;

    code = run_main(sh, argc, argv);

out:
    lv_shell_signals_close(sh);
    if (sh->cli_ref != LUA_NOREF)
        luaL_unref(L, LUA_REGISTRYINDEX, sh->cli_ref);
    if (runtime_up)
        lv_runtime_shutdown(L);
    uv_run(&sh->loop, UV_RUN_DEFAULT);
    lua_close(L);
    /* Finalizers may have closed handles: let their close callbacks run. */
    uv_run(&sh->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&sh->loop) == UV_EBUSY && getenv("LUVIRT_DEBUG"))
        uv_walk(&sh->loop, report_leftover, NULL);

    if (fflush(stdout) != 0 && errno != EPIPE && code == LV_EXIT_OK) {
        fprintf(stderr, "error: writing standard output: %s\n", strerror(errno));
        code = LV_EXIT_FAILED;
    }
    return code;
}
