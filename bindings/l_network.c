/* The network part of the luvirt module: its methods on Connection and its own
 * object types. */
#include "internal.h"

void lv__network_open_lib(lua_State *L)
{
    (void)L;
}
