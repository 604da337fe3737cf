complete -c config-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c config-get -s o -l output -d 'Specify an output file' -r -F
complete -c config-get -s a -l all -d 'print all keys' -r -f -a "true\t''
false\t''"
complete -c config-get -s h -l help -d 'Show help on a command or other topic.'
