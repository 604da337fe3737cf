complete -c secret-info-get -l format -d 'Specify output format (json|yaml)' -r -f -a "json\t''
yaml\t''"
complete -c secret-info-get -s o -l output -d 'Specify an output file' -r -F
complete -c secret-info-get -l label -d 'a label used to identify the secret' -r
complete -c secret-info-get -s h -l help -d 'Show help on a command or other topic.'
