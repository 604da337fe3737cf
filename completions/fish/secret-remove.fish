complete -c secret-remove -l revision -d 'remove the specified revision' -r
complete -c secret-remove -s h -l help -d 'Show help on a command or other topic.'
