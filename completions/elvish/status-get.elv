
use builtin;
use str;

set edit:completion:arg-completer[status-get] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'status-get'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'status-get'= {
            cand --format 'Specify output format (json|smart|yaml)'
            cand -o 'Specify an output file'
            cand --output 'Specify an output file'
            cand --application 'print status for all units of this application if this unit is the leader'
            cand --include-data 'print all status data'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
