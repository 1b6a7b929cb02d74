/* The argv as POSIX shell text (lv_qemu_argv_to_text): the form of the golden
 * .args files and of the log. */
#include "qemu_command.h"

#include <stdbool.h>
#include <string.h>

#include "core/strbuf.h"

/* ---- text --------------------------------------------------------------------------------- */

static bool shell_safe(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    "_@%+=:,./-",
                    *p))
            return false;
    return true;
}

static void add_quoted(lv_strbuf *sb, const char *s)
{
    if (shell_safe(s)) {
        lv_strbuf_add(sb, s);
        return;
    }
    lv_strbuf_add(sb, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            lv_strbuf_add(sb, "'\\''");
        else
            lv_strbuf_addn(sb, p, 1);
    }
    lv_strbuf_add(sb, "'");
}

char *lv_qemu_argv_to_text(char *const *argv, unsigned flags)
{
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    for (size_t i = 0; argv && argv[i]; i++) {
        if (i > 0) {
            /* a new line for every option; its value stays with it */
            bool value = argv[i][0] != '-' && argv[i - 1][0] == '-' && i > 1;
            lv_strbuf_add(&sb, (flags & LV_QEMU_TEXT_LINES) && !value ? " \\\n" : " ");
        }
        add_quoted(&sb, argv[i]);
    }
    lv_strbuf_add(&sb, "\n");
    return lv_strbuf_steal(&sb);
}
