/* luvirt.so: `require "luvirt"` from plain lua5.4. The module owns a loop of its
 * own; calls made outside any task run that loop until they finish. */
#include "internal.h"

int lv__runtime_open_standalone(lua_State *L);
int luaopen_luvirt(lua_State *L);

int luaopen_luvirt(lua_State *L)
{
    return lv__runtime_open_standalone(L);
}
