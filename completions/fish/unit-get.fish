complete -c unit-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c unit-get -s o -l output -d 'Specify an output file' -r -F
complete -c unit-get -s h -l help -d 'Show help on a command or other topic.'
