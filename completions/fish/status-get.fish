complete -c status-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c status-get -s o -l output -d 'Specify an output file' -r -F
complete -c status-get -l application -d 'print status for all units of this application if this unit is the leader' -r -f -a "true\t''
false\t''"
complete -c status-get -l include-data -d 'print all status data' -r -f -a "true\t''
false\t''"
complete -c status-get -s h -l help -d 'Show help on a command or other topic.'
