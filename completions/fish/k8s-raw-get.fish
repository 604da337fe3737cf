complete -c k8s-raw-get -s h -l help -d 'Show help on a command or other topic.'
