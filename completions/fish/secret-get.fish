complete -c secret-get -l format -d 'Specify output format (json|yaml)' -r -f -a "json\t''
yaml\t''"
complete -c secret-get -s o -l output -d 'Specify an output file' -r -F
complete -c secret-get -l label -d 'a label used to identify the secret in hooks' -r
complete -c secret-get -l peek -d 'get the latest revision just this time' -r -f -a "true\t''
false\t''"
complete -c secret-get -l refresh -d 'get the latest revision and also get this same revision for subsequent calls' -r -f -a "true\t''
false\t''"
complete -c secret-get -s h -l help -d 'Show help on a command or other topic.'
