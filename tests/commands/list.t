# list and its filters against the preloaded test:///default
$ list
--- exit 0
$ list --all
--- exit 0
$ list --inactive
--- exit 0
$ -e "define @DATA@/web1.xml; autostart web1; list --all; list --inactive; list --state-shutoff; list --state-running --state-paused; list --autostart --all; list --no-autostart --all; list --name --all; list --uuid --all; list --title --all"
--- exit 0
$ -e "define @DATA@/web1.xml; desc web1 --title --config Front end; list --all --title"
--- exit 0
$ --json list --all
--- exit 0
$ -e "define @DATA@/web1.xml; list --all --json"
--- exit 0
$ list --all --inactive
--- exit 0
$ list --name --uuid
--- exit 0
