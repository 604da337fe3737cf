complete -c payload-unregister -s h -l help -d 'Show help on a command or other topic.'
