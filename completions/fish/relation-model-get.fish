complete -c relation-model-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c relation-model-get -s o -l output -d 'Specify an output file' -r -F
complete -c relation-model-get -s r -l relation -d 'Specifies a relation by ID.' -r
complete -c relation-model-get -s h -l help -d 'Show help on a command or other topic.'
