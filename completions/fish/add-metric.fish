complete -c add-metric -s l -l labels -d 'labels to be associated with metric values' -r
complete -c add-metric -s h -l help -d 'Show help on a command or other topic.'
