complete -c leader-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c leader-get -s o -l output -d 'Specify an output file' -r -F
complete -c leader-get -s h -l help -d 'Show help on a command or other topic.'
# Live keys: the hook's sandboxed leader settings, from the unit agent (one request).
complete -c leader-get -f -n 'not string match -q -- "-*" (commandline -ct)' -a '(JUJUC_COMPLETE=keys leader-get 2>/dev/null)'
