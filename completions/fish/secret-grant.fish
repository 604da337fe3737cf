complete -c secret-grant -l unit -d 'the unit to grant access' -r
complete -c secret-grant -s r -l relation -d 'the relation with which to associate the grant' -r
complete -c secret-grant -s h -l help -d 'Show help on a command or other topic.'
