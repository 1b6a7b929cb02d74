/* The storage part of the luvirt module: its methods on Connection and its own
 * object types. */
#include "internal.h"

void lv__storage_open_lib(lua_State *L)
{
    (void)L;
}
