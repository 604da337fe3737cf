complete -c opened-ports -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c opened-ports -s o -l output -d 'Specify an output file' -r -F
complete -c opened-ports -l endpoints -d 'display the list of target application endpoints for each port range' -r -f -a "true\t''
false\t''"
complete -c opened-ports -s h -l help -d 'Show help on a command or other topic.'
