complete -c goal-state -l format -d 'Specify output format (json|yaml)' -r -f -a "json\t''
yaml\t''"
complete -c goal-state -s o -l output -d 'Specify an output file' -r -F
complete -c goal-state -s h -l help -d 'Show help on a command or other topic.'
