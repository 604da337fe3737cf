complete -c storage-add -s h -l help -d 'Show help on a command or other topic.'
