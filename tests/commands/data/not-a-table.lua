return "web4"
