-- A plugin named like a built-in: never loaded, the built-in wins.
return { name = "list", summary = "not the real list", run = function() return "plugin list" end }
