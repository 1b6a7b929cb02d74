/* The one place that converts JSON <-> Lua (json-c). Objects are written with
 * sorted keys so output is stable; a table with keys 1..n (or an empty table)
 * is an array unless marked with luvirt.json.object(t). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

#define JSON_NULL_KEY "luvirt.json.null"
#define JSON_OBJECT_MT "luvirt.json.object"
#define JSON_MAX_DEPTH 64

/* Conversion never raises half-way (that would leak what was built): on a
 * value JSON cannot hold it frees its part, leaves a message on the Lua stack
 * and returns -1; the caller raises once everything is freed. */
static int to_json(lua_State *L, int idx, int depth, json_object **out);

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_json_null(lua_State *L, int idx)
{
    if (!lua_islightuserdata(L, idx))
        return false;
    lua_getfield(L, LUA_REGISTRYINDEX, JSON_NULL_KEY);
    bool eq = lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return eq;
}

static bool is_marked_object(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return false;
    luaL_getmetatable(L, JSON_OBJECT_MT);
    bool eq = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return eq;
}

/* Returns the array length when the table is a sequence 1..n with no other keys, else -1. */
static lua_Integer array_length(lua_State *L, int idx)
{
    lua_Integer n = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return -1;
        }
        lua_Integer k = lua_tointeger(L, -1);
        if (k > max)
            max = k;
        n++;
    }
    return n == max ? n : -1;
}

static int array_to_json(lua_State *L, int idx, int depth, lua_Integer n, json_object **out)
{
    json_object *arr = json_object_new_array_ext((int)n);
    for (lua_Integer i = 1; i <= n; i++) {
        json_object *item = NULL;
        lua_rawgeti(L, idx, i);
        int rc = to_json(L, lua_gettop(L), depth + 1, &item);
        if (rc < 0) {
            lua_remove(L, -2); /* the element; the message stays */
            json_object_put(arr);
            return -1;
        }
        lua_pop(L, 1);
        json_object_array_add(arr, item);
    }
    *out = arr;
    return 0;
}

static int object_to_json(lua_State *L, int idx, int depth, json_object **out)
{
    /* Sorted string keys, so output is stable; other key types are refused. */
    size_t count = 0, cap = 16;
    const char **keys = malloc(cap * sizeof(*keys));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            const char *type = luaL_typename(L, -1);
            lua_pop(L, 1);
            free(keys);
            lua_pushfstring(L, "json.encode: object keys must be strings, got a %s", type);
            return -1;
        }
        if (count == cap)
            keys = realloc(keys, (cap *= 2) * sizeof(*keys));
        keys[count++] = lua_tostring(L, -1); /* the table keeps the string alive */
    }
    qsort(keys, count, sizeof(*keys), compare_keys);
    json_object *obj = json_object_new_object();
    for (size_t i = 0; i < count; i++) {
        json_object *item = NULL;
        lua_getfield(L, idx, keys[i]);
        if (to_json(L, lua_gettop(L), depth + 1, &item) < 0) {
            lua_remove(L, -2);
            json_object_put(obj);
            free(keys);
            return -1;
        }
        lua_pop(L, 1);
        json_object_object_add(obj, keys[i], item);
    }
    free(keys);
    *out = obj;
    return 0;
}

static int to_json(lua_State *L, int idx, int depth, json_object **out)
{
    *out = NULL;
    if (depth > JSON_MAX_DEPTH) {
        lua_pushfstring(L, "json.encode: nesting deeper than %d (a cycle?)", JSON_MAX_DEPTH);
        return -1;
    }
    luaL_checkstack(L, 4, "json.encode");
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return 0;
    case LUA_TBOOLEAN:
        *out = json_object_new_boolean(lua_toboolean(L, idx));
        return 0;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            *out = json_object_new_int64(lua_tointeger(L, idx));
            return 0;
        }
        if (!isfinite(lua_tonumber(L, idx))) {
            lua_pushfstring(L, "json.encode: %f cannot be written in JSON", lua_tonumber(L, idx));
            return -1;
        }
        *out = json_object_new_double(lua_tonumber(L, idx));
        return 0;
    case LUA_TSTRING:
        *out = json_object_new_string_len(lua_tostring(L, idx), (int)lua_rawlen(L, idx));
        return 0;
    case LUA_TTABLE: {
        lua_Integer n = is_marked_object(L, idx) ? -1 : array_length(L, idx);
        if (n >= 0)
            return array_to_json(L, idx, depth, n, out);
        return object_to_json(L, idx, depth, out);
    }
    case LUA_TLIGHTUSERDATA:
        if (is_json_null(L, idx))
            return 0;
        /* fall through */
    default:
        lua_pushfstring(L, "json.encode: cannot encode a %s value", luaL_typename(L, idx));
        return -1;
    }
}

int lv__json_encode(lua_State *L, int idx, bool pretty)
{
    idx = lua_absindex(L, idx);
    json_object *obj = NULL;
    if (to_json(L, idx, 0, &obj) < 0)
        return lua_error(L);
    int flags = pretty ? (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)
                       : JSON_C_TO_STRING_PLAIN;
    flags |= JSON_C_TO_STRING_NOSLASHESCAPE;
    const char *text = json_object_to_json_string_ext(obj, flags);
    lua_pushstring(L, text);
    json_object_put(obj);
    return 1;
}

static int l_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    bool pretty = false;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "pretty");
        pretty = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    return lv__json_encode(L, 1, pretty);
}

static void push_json(lua_State *L, json_object *obj, int depth)
{
    luaL_checkstack(L, 4, "json.decode: too deep");
    if (depth > 512)
        luaL_error(L, "json.decode: nesting too deep");
    switch (json_object_get_type(obj)) {
    case json_type_null:
        lua_getfield(L, LUA_REGISTRYINDEX, JSON_NULL_KEY);
        break;
    case json_type_boolean:
        lua_pushboolean(L, json_object_get_boolean(obj));
        break;
    case json_type_int:
        lua_pushinteger(L, (lua_Integer)json_object_get_int64(obj));
        break;
    case json_type_double:
        lua_pushnumber(L, json_object_get_double(obj));
        break;
    case json_type_string:
        lua_pushlstring(L, json_object_get_string(obj), (size_t)json_object_get_string_len(obj));
        break;
    case json_type_array: {
        size_t n = json_object_array_length(obj);
        lua_createtable(L, (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            push_json(L, json_object_array_get_idx(obj, i), depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case json_type_object:
        lua_newtable(L);
        json_object_object_foreach(obj, key, val)
        {
            push_json(L, val, depth + 1);
            lua_setfield(L, -2, key);
        }
        break;
    }
}

void lv__json_push(lua_State *L, json_object *obj)
{
    if (!obj)
        lua_getfield(L, LUA_REGISTRYINDEX, JSON_NULL_KEY);
    else
        push_json(L, obj, 0);
}

static int l_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    json_tokener *tok = json_tokener_new();
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (jerr == json_tokener_success && tok->char_offset < (int)len) {
        /* Trailing text after one complete value. */
        size_t off = (size_t)tok->char_offset;
        while (off < len && strchr(" \t\r\n", text[off]))
            off++;
        if (off < len) {
            json_object_put(obj);
            json_tokener_free(tok);
            lua_pushnil(L);
            lua_pushfstring(L, "invalid JSON: trailing text at offset %d", (int)off);
            lua_pushstring(L, "INVALID_ARG");
            return 3;
        }
    }
    if (jerr != json_tokener_success) {
        const char *why = jerr == json_tokener_continue ? "unexpected end of input"
                                                        : json_tokener_error_desc(jerr);
        json_tokener_free(tok);
        lua_pushnil(L);
        lua_pushfstring(L, "invalid JSON: %s", why);
        lua_pushstring(L, "INVALID_ARG");
        return 3;
    }
    json_tokener_free(tok);
    push_json(L, obj, 0);
    json_object_put(obj);
    return 1;
}

static int l_object(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    luaL_setmetatable(L, JSON_OBJECT_MT);
    return 1;
}

void lv__json_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"encode", l_encode},
        {"decode", l_decode},
        {"object", l_object},
        {NULL, NULL},
    };
    static char null_sentinel;
    luaL_newmetatable(L, JSON_OBJECT_MT);
    lua_pop(L, 1);
    lua_pushlightuserdata(L, &null_sentinel);
    lua_setfield(L, LUA_REGISTRYINDEX, JSON_NULL_KEY);
    luaL_newlib(L, funcs);
    lua_pushlightuserdata(L, &null_sentinel);
    lua_setfield(L, -2, "null");
}
