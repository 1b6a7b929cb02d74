-- A plugin with a syntax error: help warns, the other commands still work.
return { name = "broken",
