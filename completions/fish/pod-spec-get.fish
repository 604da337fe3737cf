complete -c pod-spec-get -s h -l help -d 'Show help on a command or other topic.'
