complete -c secret-revoke -l app -l application -d 'the application to revoke access' -r
complete -c secret-revoke -l unit -d 'the unit to revoke access' -r
complete -c secret-revoke -s r -l relation -d 'the relation for which to revoke the grant' -r
complete -c secret-revoke -s h -l help -d 'Show help on a command or other topic.'
