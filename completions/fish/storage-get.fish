complete -c storage-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c storage-get -s o -l output -d 'Specify an output file' -r -F
complete -c storage-get -s s -d 'specify a storage instance by id' -r
complete -c storage-get -s h -l help -d 'Show help on a command or other topic.'
