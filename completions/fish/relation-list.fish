complete -c relation-list -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c relation-list -s o -l output -d 'Specify an output file' -r -F
complete -c relation-list -l app -d 'List remote application instead of participating units' -r -f -a "true\t''
false\t''"
complete -c relation-list -s r -l relation -d 'Specify a relation by id' -r
complete -c relation-list -s h -l help -d 'Show help on a command or other topic.'
