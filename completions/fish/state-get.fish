complete -c state-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c state-get -s o -l output -d 'Specify an output file' -r -F
complete -c state-get -l strict -d 'Return an error if the requested key does not exist' -r -f -a "true\t''
false\t''"
complete -c state-get -s h -l help -d 'Show help on a command or other topic.'
