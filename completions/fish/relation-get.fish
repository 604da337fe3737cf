complete -c relation-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c relation-get -s o -l output -d 'Specify an output file' -r -F
complete -c relation-get -l app -d 'Get the relation data for the overall application, not just a unit' -r -f -a "true\t''
false\t''"
complete -c relation-get -s r -l relation -d 'Specify a relation by id' -r
complete -c relation-get -s h -l help -d 'Show help on a command or other topic.'
