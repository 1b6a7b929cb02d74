-- A plugin whose declared name is not its file name.
return { name = "other", summary = "x", run = function() end }
